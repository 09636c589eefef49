"""Fixtures of the matcher tests: the shipped settings, a small hand-made list, and the
real OFAC lists (skipped when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from detectors.matching import Matcher, MatchSettings, score_pairs
from watchlists.model import Address, Alias, WatchlistEntry, entries_to_frame

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def settings() -> MatchSettings:
    return MatchSettings.from_config(
        yaml.safe_load((REPO / "configs" / "matching.yaml").read_text())
    )


def entry(
    entry_id: str, name: str, kind: str = "entity", list_code: str = "EL", **extra
) -> WatchlistEntry:
    return WatchlistEntry(
        entry_id=entry_id,
        source="custom",
        list="Entity List (EL) - Bureau of Industry and Security"
        if list_code == "EL"
        else "Specially Designated Nationals (SDN)",
        list_code=list_code,
        type=kind,
        name=name,
        **extra,
    )


def pair_explanations(
    settings: MatchSettings, pairs: list[tuple[str, str]]
) -> list[tuple[bool, str]]:
    """(match, explanation) of each company pair as `redflag match-pairs` scores it."""
    frame = pd.DataFrame(
        {"name1": [a for a, _ in pairs], "name2": [b for _, b in pairs], "schema": "Company"}
    )
    scored = score_pairs(frame, settings)
    return list(zip(scored["match"], scored["explanation"], strict=True))


def screened_explanations(settings: MatchSettings, pairs: list[tuple[str, str]]) -> list[list[str]]:
    """For each (party name, listed name), the explanations of the screening hits of that
    party on that entry, each listed name its own entry of a list built from them."""
    listed = [entry(f"t:{i}", listed, list_code="SDN") for i, (_, listed) in enumerate(pairs)]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    parties = pd.DataFrame(
        {"party_id": [f"p{i}" for i in range(len(pairs))], "name": [p for p, _ in pairs]}
    )
    hits = matcher.screen(parties)
    return [
        hits.loc[(hits.party_id == f"p{i}") & (hits.entry_id == f"t:{i}"), "explanation"].tolist()
        for i in range(len(pairs))
    ]


SMALL_LIST = [
    entry(
        "t:haige",
        "Guangzhou Haige Communication Group Co., Ltd.",
        aliases=[Alias("Haige Communications")],
        addresses=[Address("No. 88 Haiying Road, Science City, Guangzhou 510663", "CN")],
        countries=["CN"],
        license_requirement="For all items subject to the EAR",
        citation="84 FR 43493",
    ),
    entry("t:11420", "11420 CORP.", list_code="SDN", countries=["US"]),
    entry(
        "t:huawei",
        "Huawei Technologies Co., Ltd.",
        aliases=[Alias("Huawei", "weak")],
        countries=["CN"],
    ),
    entry(
        "t:haniya", "HANIYA, Ismail Abdul Salah", kind="person", list_code="SDN", countries=["PS"]
    ),
    entry(
        "t:havana",
        "CUBA TRADING ONE",
        list_code="SDN",
        addresses=[Address("Havana, Cuba", "CU")],
        countries=["CU"],
    ),
    entry(
        "t:sinno",
        "Sinno Electronics Co., Ltd.",
        addresses=[
            Address("Room 1205, Block B, Tianan Cyber Park, Futian District, Shenzhen", "CN")
        ],
        countries=["CN"],
    ),
] + [
    # generic look-alikes that must not flood a generic query with hits
    entry(f"t:generic{i}", f"{word} Global Trading Group Co., Ltd.", list_code="SDN")
    for i, word in enumerate(
        ["Zhenhua", "Beiwei", "Longxin", "Tianrui", "Huaxing", "Kaimeng", "Yuxiang", "Dongsheng"]
    )
]


@pytest.fixture(scope="session")
def small_entries():
    return entries_to_frame(SMALL_LIST)


@pytest.fixture(scope="session")
def small_matcher(settings: MatchSettings) -> Matcher:
    return Matcher.build(entries_to_frame(SMALL_LIST), settings)


@pytest.fixture(scope="session")
def ofac_matcher(shared_watchlists: Path, settings: MatchSettings) -> Matcher:
    from watchlists import load_watchlist

    entries = []
    for folder in ("ofac-sdn", "ofac-consolidated"):
        entries.extend(load_watchlist(shared_watchlists / folder).entries)
    return Matcher.build(entries_to_frame(entries), settings)
