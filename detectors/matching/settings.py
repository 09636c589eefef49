"""Matcher settings, parsed once from configs/matching.yaml (the flow layer reads the file)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from detectors.matching.names import NameTables
from detectors.matching.scorer import ScorerModel

DEFAULT_CITATION = (
    "BIS Know Your Customer guidance (Supp. 3 to 15 CFR Part 732); FinCEN-BIS alert FIN-2023-NOTE"
)
DEFAULT_ACTION = (
    "Hold the order; compare the party's full name, address, country and identifiers with the "
    "list entry, and escalate to the export compliance lead if it is the listed party."
)


@dataclass(frozen=True)
class MatchSettings:
    tables: NameTables
    model: ScorerModel
    default_threshold: float = 0.50  # as configs/matching.yaml: the scorer's validated threshold
    list_thresholds: Mapping[str, float] = field(default_factory=dict)
    role_thresholds: Mapping[str, float] = field(default_factory=dict)
    address_threshold: float = 0.88
    strong_threshold: float = 0.90
    weight_scale: float = 1.0
    address_weight: float = 0.6
    citation: str = DEFAULT_CITATION
    recommended_action: str = DEFAULT_ACTION
    candidates_per_query: int = 100
    max_token_df: float = 0.05
    ngram: int = 3
    ngrams_per_query: int = 16
    postings_budget: int = 8000
    min_evidence_share: float = 0.0
    word_cover_bonus: float = 0.0
    prefilter: float = 0.55
    prefilter_margin: float = 0.3
    scored_per_query: int = 5
    scored_holding_per_query: int = 5
    names_per_entry: int = 2
    screen_workers: int = 2
    parallel_min_chunks: int = 4
    # what a saved matcher was built from (`names`, `index.ngram`): another reading of the
    # names makes a kept matcher stale
    build_key: str = ""

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], model: ScorerModel | None = None) -> MatchSettings:
        """Settings from the parsed configs/matching.yaml; the scorer weights shipped in
        the package unless `model` is given."""
        thresholds = cfg.get("thresholds", {})
        flag = cfg.get("flag", {})
        index = cfg.get("index", {})
        return cls(
            tables=NameTables.from_config(cfg.get("names", {})),
            model=model or ScorerModel.load(),
            default_threshold=float(thresholds.get("default", cls.default_threshold)),
            list_thresholds={k: float(v) for k, v in (thresholds.get("list_code") or {}).items()},
            role_thresholds={k: float(v) for k, v in (thresholds.get("role") or {}).items()},
            address_threshold=float(thresholds.get("address", 0.88)),
            strong_threshold=float(thresholds.get("strong", 0.90)),
            weight_scale=float(flag.get("weight_scale", 1.0)),
            address_weight=float(flag.get("address_weight", 0.6)),
            citation=str(flag.get("citation", DEFAULT_CITATION)),
            recommended_action=str(flag.get("recommended_action", DEFAULT_ACTION)).strip(),
            candidates_per_query=int(index.get("candidates_per_query", 100)),
            max_token_df=float(index.get("max_token_df", 0.05)),
            ngram=int(index.get("ngram", 3)),
            ngrams_per_query=int(index.get("ngrams_per_query", 16)),
            postings_budget=int(index.get("postings_budget", 8000)),
            min_evidence_share=float(index.get("min_evidence_share", 0.0)),
            word_cover_bonus=float(index.get("word_cover_bonus", 0.0)),
            prefilter=float(index.get("prefilter", 0.55)),
            prefilter_margin=float(index.get("prefilter_margin", 0.3)),
            scored_per_query=int(index.get("scored_per_query", 5)),
            scored_holding_per_query=int(index.get("scored_holding_per_query", 5)),
            names_per_entry=int(index.get("names_per_entry", 2)),
            screen_workers=int(index.get("screen_workers", 2)),
            parallel_min_chunks=int(index.get("parallel_min_chunks", 4)),
            build_key=build_key(cfg.get("names", {}), index.get("ngram", 3)),
        )

    def threshold(self, list_code: str | None, role: str | None) -> float:
        """The list's threshold (else the default), lowered further for a sensitive role."""
        value = self.list_thresholds.get(str(list_code), self.default_threshold)
        if role in self.role_thresholds:
            value = min(value, self.role_thresholds[str(role)])
        return value


def build_key(names_cfg: object, ngram: object) -> str:
    """A digest of the configuration a matcher's list names were read and indexed with."""
    text = json.dumps({"names": names_cfg, "ngram": ngram}, default=str)  # in file order
    return hashlib.sha256(text.encode()).hexdigest()[:16]
