"""Small real fixtures for the ownership tests: a watchlist of three entries built with
the project's matcher, links frames, and order lines run through the rule engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rules"))

from rule_orders import CATALOG, CONFIGS, canonical, scenario_rows  # noqa: E402

from detectors.base import DetectionContext, DetectorResult  # noqa: E402
from detectors.matching import Matcher, MatchSettings  # noqa: E402
from detectors.ownership import OwnershipScreen  # noqa: E402
from detectors.rules import RuleEngine  # noqa: E402
from flows.commands.rules import load_pack  # noqa: E402
from watchlists.model import WatchlistEntry, entries_to_frame  # noqa: E402
from watchlists.ownership import links_frame  # noqa: E402

ENTRIES = [
    WatchlistEntry(entry_id="t:volkov", source="custom", list="Specially Designated Nationals",
                   list_code="SDN", type="entity", name="Volkov Trading House", countries=["RU"]),
    WatchlistEntry(entry_id="t:crimson", source="custom", list="Specially Designated Nationals",
                   list_code="SDN", type="entity", name="Crimson Star Holdings", countries=["IR"]),
    WatchlistEntry(entry_id="t:sugon", source="custom", list="Entity List (EL)", list_code="EL",
                   type="entity", name="Dawning Information Industry Co., Ltd.", countries=["CN"]),
]  # fmt: skip


def match_settings() -> MatchSettings:
    return MatchSettings.from_config(yaml.safe_load((CONFIGS / "matching.yaml").read_text()))


def list_matcher() -> Matcher:
    return Matcher.build(entries_to_frame(ENTRIES), match_settings())


def links(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Links from (owner, owned, share) or (relation, owner, owned, share) tuples."""
    full = [r if len(r) == 4 else ("ownership", *r) for r in rows]
    frame = pd.DataFrame(full, columns=["relation", "owner", "owned", "share"])
    return links_frame(
        relation=frame["relation"],
        owner=frame["owner"],
        owned=frame["owned"],
        share=frame["share"].astype(float),
        owner_type="unknown",
        source="company registry",
        as_of="2025-06-30",
        origin="test.csv:" + pd.Series(range(2, len(frame) + 2)).astype(str),
    )


def screen_of(rows: list[tuple[Any, ...]], matcher: Matcher | None = None) -> OwnershipScreen:
    return OwnershipScreen.build(links(rows), matcher or list_matcher(), snapshot={"id": "own-t"})


def run_orders(
    cases: dict[str, dict[str, Any]], screen: OwnershipScreen | None, matcher: Matcher
) -> DetectorResult:
    frame = canonical(scenario_rows(cases))
    pack = load_pack(CONFIGS)
    context = DetectionContext(history=frame.iloc[:0], present_columns=frozenset(frame.columns),
                               policy=pack.policy, catalog=CATALOG, as_of=frame["order_date"].max().date(),
                               watchlist=matcher, ownership=screen)  # fmt: skip
    return RuleEngine(pack).detect(frame, context)
