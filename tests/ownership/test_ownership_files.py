"""Ownership files in: CSV and FtM JSON lines, checked whole, kept as snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchlists.ownership import OwnershipFormatError, OwnershipStore, read_ownership

GOOD_CSV = (
    "owner,owned,share,owner_country,owned_country,source,as_of\n"
    "Volkov Trading House,Harbour Holdings Ltd,100,RU,HK,HK companies registry,2025-06-30\n"
    "Harbour Holdings Ltd,Lion Gate Pte Ltd,60%,hk,sg,,\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ftm(*entities: dict) -> str:
    return "".join(json.dumps(e) + "\n" for e in entities)


def test_csv_links_with_optional_columns(tmp_path):
    links = read_ownership(write(tmp_path, "own.csv", GOOD_CSV))
    assert links["share"].tolist() == [100.0, 60.0]
    assert links["owned_country"].tolist() == ["HK", "SG"]
    assert links["source"].tolist() == ["HK companies registry", "own.csv"]
    assert links["as_of"].iloc[0] == "2025-06-30" and links["origin"].iloc[1] == "own.csv:3"


def test_ftm_ownership_and_directorship(tmp_path):
    text = ftm(
        {"id": "c1", "schema": "Company", "properties": {"name": ["Volkov Trading House"], "country": ["ru"]}},
        {"id": "c2", "schema": "Company", "properties": {"name": ["Lion Gate Pte Ltd"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ivan Petrov"]}},
        {"id": "o1", "schema": "Ownership", "datasets": ["sg_registry"],
         "properties": {"owner": ["c1"], "asset": ["c2"], "percentage": ["55.5"], "startDate": ["2024-01-02"]}},
        {"id": "d1", "schema": "Directorship", "properties": {"director": ["p1"], "organization": ["c2"]}},
    )  # fmt: skip
    links = read_ownership(write(tmp_path, "own.jsonl", text))
    owning, board = links.iloc[0], links.iloc[1]
    assert (owning["owner"], owning["owned"], owning["share"]) == (
        "Volkov Trading House",
        "Lion Gate Pte Ltd",
        55.5,
    )
    assert (
        owning["owner_country"] == "RU"
        and owning["source"] == "sg_registry"
        and owning["as_of"] == "2024-01-02"
    )
    assert (
        board["relation"] == "directorship"
        and board["owner"] == "Ivan Petrov"
        and board["owner_type"] == "person"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad_share.csv", "owner,owned,share\nA Ltd,B Ltd,50\nA Ltd,C Ltd,abc\n",
         "bad_share.csv: row 3: share 'abc' is not a number"),
        ("too_much.csv", "owner,owned,share\nA Ltd,B Ltd,150\n", "too_much.csv: row 2: share '150' is outside 0-100"),
        ("no_share.csv", "owner,owned\nA Ltd,B Ltd\n", "no_share.csv: missing column(s) share"),
        ("empty_owner.csv", "owner,owned,share\n,B Ltd,10\n", "empty_owner.csv: row 2: empty owner"),
        ("bad_date.csv", "owner,owned,share,as_of\nA Ltd,B Ltd,10,last year\n", "bad_date.csv: row 2: as_of"),
        ("bad.jsonl", '{"id": "c1", "schema": "Company", "properties": {"name": ["A"]}}\n{not json\n',
         "bad.jsonl: line 2: not JSON"),
        ("dangling.jsonl", '{"id": "o1", "schema": "Ownership", "properties": {"owner": ["x"], "asset": ["y"]}}\n',
         "dangling.jsonl: line 1: ownership refers to entity 'x'"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_line_naming_file_and_row(tmp_path, name, text, message):
    with pytest.raises(OwnershipFormatError) as error:
        read_ownership(write(tmp_path, name, text))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_snapshots_are_kept_reused_and_never_half_loaded(tmp_path):
    store = OwnershipStore(tmp_path / "ownership")
    good = write(tmp_path, "own.csv", GOOD_CSV)
    first, created = store.add([good])
    assert created and first.id == "own-0001" and first.counts["ownership_links"] == 2
    assert len(first.files[0][1]) == 64 and first.loaded_at
    again, created = store.add([good])
    assert not created and again.id == first.id
    bad = write(tmp_path, "bad.csv", "owner,owned,share\nA,B,abc\n")
    with pytest.raises(OwnershipFormatError):
        store.add([good, bad])  # one bad file: nothing of either is kept
    assert [s.id for s in store.snapshots()] == ["own-0001"] and store.active().id == "own-0001"
    assert sorted(p.name for p in store.root.iterdir()) == ["index.json", "own-0001"]
    assert len(store.links("own-0001")) == 2
