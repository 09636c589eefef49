"""Parsing the real government lists: counts per file and sub-list, and the publishers' traps."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from watchlists import load_watchlist


@pytest.fixture(scope="module")
def sdn_folder(shared_watchlists):
    return shared_watchlists / "ofac-sdn"


@pytest.fixture(scope="module")
def sdn(sdn_folder):
    return load_watchlist(sdn_folder)


@pytest.fixture
def cons_folder(shared_watchlists):
    return shared_watchlists / "ofac-consolidated"


@pytest.fixture
def csl_sample(shared_watchlists):
    return shared_watchlists / "csl" / "consolidated-sample.csv"


@pytest.fixture
def un_xml(shared_watchlists):
    return shared_watchlists / "un" / "consolidated.xml"


def by_id(load):
    return {e.entry_id: e for e in load.entries}


def test_sdn_folder_gives_every_entry_with_types_aliases_and_addresses(sdn, sdn_folder):
    load = sdn
    assert load.format == "ofac_sdn"
    assert len(load.entries) == 8976
    assert Counter(e.list_code for e in load.entries) == {"SDN": 8976}
    assert Counter(e.type for e in load.entries) == {
        "person": 4620,
        "entity": 3673,
        "vessel": 406,
        "aircraft": 277,
    }
    strong = sum(1 for e in load.entries for a in e.aliases if a.strength == "strong")
    assert strong == 11910  # one per alt.csv row
    # add.csv has 13,837 rows, 2,397 of them with every address field -0-
    assert sum(len(e.addresses) for e in load.entries) == 11440
    assert {name for name, _ in load.files} == {
        str((sdn_folder / n).resolve())
        for n in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    }


def test_sdn_weak_aliases_come_from_remarks_including_the_comments_overflow(sdn):
    entries = by_id(sdn)
    weak = [a for e in entries.values() for a in e.aliases if a.strength == "weak"]
    assert len(weak) == 2417  # 2,415 "a.k.a. '" in sdn.csv remarks + 2 in sdn_comments.csv
    cuban_bank = entries["ofac-sdn:306"]
    assert cuban_bank.name == "BANCO NACIONAL DE CUBA"
    assert ("BNC", "weak") in [(a.name, a.strength) for a in cuban_bank.aliases]
    assert ("NATIONAL BANK OF CUBA", "strong") in [(a.name, a.strength) for a in cuban_bank.aliases]
    # a remark cut in the middle of an alias is completed from sdn_comments.csv
    assert "snowsjohn" in [a.name for a in entries["ofac-sdn:28263"].aliases]
    assert entries["ofac-sdn:28264"].countries == ["CN"]


def test_sdn_programs_are_split_and_nulls_dropped(sdn):
    entries = by_id(sdn)
    assert entries["ofac-sdn:28264"].programs == ["DPRK3", "CYBER2"]
    assert entries["ofac-sdn:36"].addresses[0].text == "Havana, Cuba"
    assert entries["ofac-sdn:36"].addresses[0].country == "CU"
    assert entries["ofac-sdn:36"].remarks is None  # "-0- " is OFAC's empty field


def test_ofac_consolidated_sub_lists_come_from_programs(cons_folder):
    load = load_watchlist(cons_folder)
    assert load.format == "ofac_cons"
    assert len(load.entries) == 442
    assert Counter(e.list_code for e in load.entries) == {
        "SSI": 286,
        "PLC": 78,
        "NS-CMIC": 68,
        "NS-MBS": 9,
        "CAPTA": 1,
    }
    assert all(e.entry_id.startswith("ofac-cons:") for e in load.entries)
    assert sum(len(e.addresses) for e in load.entries) == 522  # 574 rows, 52 empty
    assert sum(1 for e in load.entries for a in e.aliases if a.strength == "strong") == 1073


def test_csl_sample_sub_lists_license_requirement_and_traps(csl_sample):
    load = load_watchlist(csl_sample)
    assert load.format == "csl_csv"
    assert len(load.entries) == 13
    assert Counter(e.list_code for e in load.entries) == {
        "SSI": 3,
        "PLC": 2,
        "ISN": 1,
        "UVL": 1,
        "MEU": 1,
        "SDN": 1,
        "DTC": 1,
        "DPL": 1,
        "FSE": 1,
        "EL": 1,
    }
    entries = {e.list_code: e for e in load.entries}
    entity_list = entries["EL"]
    assert entity_list.license_requirement.startswith("For all items subject to the EAR")
    assert entity_list.license_policy.startswith("Policy of denial")
    assert entity_list.citation == "83 FR 37423; 87 FR 77505"
    assert entity_list.aliases[-1].name == "CETC Research Institute 13"  # "and " dropped
    assert len(entity_list.addresses) == 3 and {a.country for a in entity_list.addresses} == {"CN"}
    assert entries["MEU"].license_requirement.startswith("For any item subject to the EAR")
    assert entries["ISN"].name == "Sinobright Import and Export Company"  # BIS suffix removed
    assert not any("successor" in e.name for e in load.entries)
    assert entries["SDN"].entry_id == "csl:52291"
    assert entries["SDN"].countries == ["CN", "KP"]


def test_un_xml_individuals_entities_and_alias_quality(un_xml):
    load = load_watchlist(un_xml)
    assert load.format == "un_xml"
    assert load.source_date == "2026-02-27"
    assert Counter(e.type for e in load.entries) == {"person": 730, "entity": 273}
    weak = sum(1 for e in load.entries for a in e.aliases if a.strength == "weak")
    assert weak == 615  # every QUALITY Low
    entries = by_id(load)
    komid = entries["un:KPe.001"]
    assert komid.name == "KOREA MINING DEVELOPMENT TRADING CORPORATION"
    assert "KOMID" in [a.name for a in komid.aliases]
    assert komid.countries == ["KP"] and komid.programs == ["DPRK"]
    first = entries["un:CDi.001"]
    assert first.name == "ERIC BADEGE" and first.start_date == "2012-12-31"


def test_sdn_parses_well_under_two_seconds(sdn, sdn_folder):
    started = time.process_time()  # CPU time: other processes on the machine do not count
    load_watchlist(sdn_folder)
    assert time.process_time() - started < 2.0
