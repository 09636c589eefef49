"""What `redflag rules explain` says about codes that are not rules of the pack (P1 from
the watchlist screening, ML-ANOMALY and ML-SUPERVISED from the models), and the documents
behind citation keys (configs/citations.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.is_file() else {}


def citation_documents(configs_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Citation key -> the document it stands for (configs/citations.yaml, then `extra`,
    e.g. a pack's `sources`)."""
    return {**{str(k): str(v) for k, v in read(configs_dir / "citations.yaml").items()},
            **{str(k): str(v) for k, v in (extra or {}).items()}}  # fmt: skip


def expand_citation(citation: str, documents: Mapping[str, str]) -> list[str]:
    """The documents of the keys a citation names, as 'KEY: document' lines, in order."""
    if not citation:
        return []
    found = []
    for key in re.findall(r"\b[A-Z][A-Z0-9]{1,5}\b", citation):
        if key in documents and key not in found:
            found.append(key)
    return [f"{key}: {documents[key]}" for key in found]


def detector_flag_text(code: str, configs_dir: Path) -> list[str] | None:
    """The explanation lines of a flag raised by the watchlist screening or a model, or
    None when `code` is neither."""
    code = code.upper()
    if code == "P1":
        cfg = read(configs_dir / "matching.yaml")
        thresholds = cfg.get("thresholds") or {}
        flag = cfg.get("flag") or {}
        return [
            "P1 — A party matches or nearly matches a restricted-list entry (watchlist screening)",
            "source watchlist; hard stop when a name hit scores at or above "
            f"{thresholds.get('strong', '-')}",
            "requires: the party names (customer, ship-to, end user, intermediate consignee, "
            "forwarder, payer); addresses and countries when given",
            "",
            "What it checks:",
            "  Every party of every order line is screened once against the active restricted-",
            "  party lists (CSL/Entity List, OFAC, UN) by the fuzzy matcher; a hit at or above its",
            "  list's and role's threshold raises P1 with the matched entry, the score and an",
            "  explanation of the match. Address hits count with a lower weight.",
            "",
            "Parameters (configs/matching.yaml):",
            *(f"  thresholds.{k}: {v}" for k, v in thresholds.items()),
            f"  flag.weight_scale: {flag.get('weight_scale', '-')}",
            f"  flag.address_weight: {flag.get('address_weight', '-')}",
            "",
            f"Citation: {flag.get('citation', '')}",
            f"Recommended action: {' '.join(str(flag.get('recommended_action', '')).split())}",
        ]
    cfg = read(configs_dir / "ml.yaml")
    spec = (cfg.get("flags") or {}).get(code)
    if spec is None:
        return None
    section = "anomaly" if code == "ML-ANOMALY" else "supervised"
    what = {
        "anomaly": [
            "  An isolation forest fitted on the transaction history scores each order line; a",
            "  line at or above the flag quantile of the training scores is flagged, its weight",
            "  growing from weight_min to weight_max, and the features that made it unusual are",
            "  named. An anomaly alone never opens a case.",
        ],
        "supervised": [
            "  A gradient-boosted model trained on investigators' decisions (escalated or",
            "  reported vs cleared) gives a calibrated probability; a line at or above",
            "  flag_threshold is flagged with weight probability x weight_scale and its top",
            "  features.",
        ],
    }[section]
    params = cfg.get(section) or {}
    return [
        f"{code} — {spec.get('title', code)}",
        f"source ml ({section} model); severity {params.get('severity', '-')}",
        "requires: an active model (redflag models list)",
        "",
        "What it checks:",
        *what,
        "",
        "Parameters (configs/ml.yaml):",
        *(f"  {k}: {v}" for k, v in params.items()),
        "",
        f"Citation: {spec.get('citation', '')}",
        f"Recommended action: {spec.get('recommended_action', '')}",
    ]
