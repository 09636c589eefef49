"""The ML settings of a run and the detectors of its active models.

`load_ml_settings`: configs/ml.yaml with the pipeline settings' `ml:` section merged over
it; `ml_detectors`: the anomaly and supervised detectors of the models active in a
workspace's registry, built from those settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detectors.ml.anomaly import AnomalyDetector
from detectors.ml.features import SharedFeatures
from detectors.ml.registry import ModelRegistry, RegistryError
from detectors.ml.supervised import SupervisedDetector
from flows.paths import CONFIGS_DIR, merge, read_yaml


def load_ml_settings(settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """configs/ml.yaml, with the pipeline settings' `ml:` section (if any) merged over it."""
    base = read_yaml(CONFIGS_DIR / "ml.yaml")
    override = (settings or {}).get("ml")
    return merge(base, override) if isinstance(override, Mapping) else base


def ml_detectors(
    models_dir: Path, settings: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, str]]]:
    """The detectors of the active models: ({name: detector}, {kind: version}, skipped)."""
    ml = load_ml_settings(settings)
    registry = ModelRegistry(models_dir)
    shared = SharedFeatures(ml.get("features", {}))
    detectors: dict[str, Any] = {}
    versions: dict[str, Any] = {}
    skipped: list[dict[str, str]] = []
    builders = {"anomaly": AnomalyDetector, "supervised": SupervisedDetector}
    hints = {
        "anomaly": "no active anomaly model; fit one with `redflag train --kind anomaly`",
        "supervised": "no active supervised model; train one with `redflag train --labels FILE` "
        "once investigators have decided enough cases",
    }
    for kind, builder in builders.items():
        try:
            meta = registry.active(kind)
            model = registry.load(meta.version) if meta else None
        except RegistryError as error:  # a damaged model must not stop the screening
            skipped.append({"family": f"ml:{kind}", "reason": str(error)})
            continue
        if meta is None:
            skipped.append({"family": f"ml:{kind}", "reason": hints[kind]})
            continue
        detectors[f"ml_{kind}"] = detector = builder(model, meta.version, ml, shared)
        detector.threads = min(os.cpu_count() or 1, 4)  # one in a Dask worker (flows.shipping)
        versions[kind] = meta.version
    return detectors, versions, skipped
