"""Fixtures of the matcher tests: the shipped settings, a small hand-made list, and the
real OFAC lists (skipped when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from detectors.matching import Matcher, MatchSettings
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
