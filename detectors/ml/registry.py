"""The model registry in the workspace: every trained model with what it was trained on.

Layout under `root` (the workspace's `models/` folder):

    <version>/model.joblib     the fitted model object (AnomalyModel or TrainedModel)
    <version>/metadata.json    ModelMetadata: kind, trained_at, data range and size, features,
                               validation metrics, library versions, parameters
    active.json                {kind: version} — the model each kind's detector uses

Models are stored with joblib (pickle): load only models this workspace trained. A model
saved under other library versions still loads; `load` warns when scikit-learn differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import warnings
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import joblib

from flows.errors import InputError

KINDS: tuple[str, ...] = ("anomaly", "supervised", "combination")


class RegistryError(InputError):
    """A version or kind the registry does not hold, or a damaged entry."""


def library_versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("scikit-learn", "numpy", "pandas", "joblib", "redflag"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "unknown"
    return found


@dataclass
class ModelMetadata:
    kind: str  # anomaly or supervised
    features: list[str]
    trained_at: str = ""  # ISO timestamp, UTC; filled by save when empty
    version: str = ""  # filled by save
    data_from: str | None = None  # earliest order date trained on
    data_to: str | None = None  # latest order date trained on
    rows: int = 0  # transactions (or labelled decisions) trained on
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    library_versions: dict[str, str] = field(default_factory=library_versions)
    notes: str = ""
    active: bool = False  # set by list(), not stored

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelMetadata:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class ModelRegistry:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, model: Any, metadata: ModelMetadata) -> str:
        """Store a model; returns its new version id (e.g. supervised-20261127T230501-1a2b3c4d)."""
        if metadata.kind not in KINDS:
            raise RegistryError(
                f"unknown model kind {metadata.kind!r}; expected one of {', '.join(KINDS)}"
            )
        now = datetime.now(UTC)
        metadata.trained_at = metadata.trained_at or now.isoformat(timespec="seconds")
        staging = self.root / f".staging-{os.getpid()}-{now.strftime('%H%M%S%f')}"
        staging.mkdir(parents=True, exist_ok=False)
        joblib.dump(model, staging / "model.joblib")
        digest = hashlib.sha256((staging / "model.joblib").read_bytes()).hexdigest()[:8]
        base = f"{metadata.kind}-{now.strftime('%Y%m%dT%H%M%S')}-{digest}"
        metadata.version, n = base, 1
        while (self.root / metadata.version).exists():
            n += 1
            metadata.version = f"{base}-{n}"
        record = asdict(metadata)
        record.pop("active")
        (staging / "metadata.json").write_text(
            json.dumps(record, indent=2, default=str), encoding="utf-8"
        )
        staging.rename(self.root / metadata.version)
        return metadata.version

    def list(self, kind: str | None = None) -> list[ModelMetadata]:
        """Every stored model, newest first, with `active` set on the active ones."""
        if not self.root.exists():
            return []
        actives = set(self._active_map().values())
        found = []
        for path in self.root.glob("*/metadata.json"):
            meta = ModelMetadata.from_json(json.loads(path.read_text(encoding="utf-8")))
            meta.active = meta.version in actives
            if kind is None or meta.kind == kind:
                found.append(meta)
        return sorted(found, key=lambda m: (m.trained_at, m.version), reverse=True)

    def metadata(self, version: str) -> ModelMetadata:
        path = self.root / version / "metadata.json"
        if not path.is_file() or version.startswith("."):
            raise RegistryError(f"no model version {version!r} in {self.root}")
        meta = ModelMetadata.from_json(json.loads(path.read_text(encoding="utf-8")))
        meta.active = self._active_map().get(meta.kind) == version
        return meta

    def activate(self, version: str) -> ModelMetadata:
        """Make `version` the one its kind's detector uses."""
        meta = self.metadata(version)
        mapping = self._active_map() | {meta.kind: version}
        target = self.root / "active.json"
        temporary = target.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(mapping, indent=2, sort_keys=True), encoding="utf-8")
        temporary.replace(target)
        meta.active = True
        return meta

    def active(self, kind: str) -> ModelMetadata | None:
        """The active model's metadata for `kind`, or None when none is active."""
        version_id = self._active_map().get(kind)
        return self.metadata(version_id) if version_id else None

    def load(self, version: str) -> Any:
        meta = self.metadata(version)
        saved = meta.library_versions.get("scikit-learn")
        running = library_versions()["scikit-learn"]
        if saved and saved != running:
            warnings.warn(
                f"model {version} was trained with scikit-learn {saved}, running {running}; "
                "retrain it if its scores look wrong",
                stacklevel=2,
            )
        try:
            return joblib.load(self.root / version / "model.joblib")
        except Exception as error:  # unpickling a damaged file can raise almost anything
            raise RegistryError(
                f"model {version} could not be loaded ({type(error).__name__}: {error}); "
                "retrain it or activate another version"
            ) from None

    def _active_map(self) -> dict[str, str]:
        path = self.root / "active.json"
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            raise RegistryError(
                f"{path} is damaged; re-activate a model with `redflag models activate`"
            ) from None
        return {str(k): str(v) for k, v in data.items()}
