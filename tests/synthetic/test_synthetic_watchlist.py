"""The synthetic restricted list: CSL file format, and the names diverting parties use."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz, process

from flows.synthetic import CSL_COLUMNS, write_csl_csv
from flows.synthetic.writers import BIS_SUCCESSOR_SUFFIX
from watchlists import load_watchlist

SHARED_CSL = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "watchlists"
    / "csl"
    / "consolidated-sample.csv"
)
PARTY_NAMES = ("customer_name", "ship_to_name", "end_user_name", "payer_name")


@pytest.fixture(scope="module")
def csl_file(tmp_path_factory, data_20k) -> Path:
    return write_csl_csv(data_20k.watchlist, tmp_path_factory.mktemp("csl") / "restricted.csv")


@pytest.fixture(scope="module")
def listed_names(data_20k) -> list[str]:
    return [
        name
        for entry in data_20k.watchlist
        for name, strength in entry.all_names()
        if strength == "strong"
    ]


def test_the_list_covers_the_five_list_codes_with_aliases_and_addresses(data_20k):
    entries = data_20k.watchlist
    assert {e.list_code for e in entries} == {"EL", "MEU", "UVL", "DPL", "SDN"}
    assert len({e.entry_id for e in entries}) == len(entries)
    assert all(e.addresses and e.addresses[0].country for e in entries)
    assert sum(bool(e.aliases) for e in entries) > len(entries) / 2
    assert {e.type for e in entries} == {"entity", "person"}


def test_csl_file_has_the_29_columns_in_order_every_field_quoted(csl_file, data_20k):
    with csl_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSL_COLUMNS and len(CSL_COLUMNS) == 29
    assert all(len(row) == 29 for row in rows[1:])
    assert len(rows) - 1 == len(data_20k.watchlist)
    assert csl_file.read_text(encoding="utf-8").splitlines()[1].startswith('"')
    body = pd.DataFrame(rows[1:], columns=rows[0])
    bis = body["source"].str.endswith("Bureau of Industry and Security")
    assert bis.any() and (body.loc[bis, "type"] == "").all()
    assert body.loc[~bis, "type"].isin(["Entity", "Individual"]).all()
    assert body["name"].str.endswith(BIS_SUCCESSOR_SUFFIX).any()
    assert body["alt_names"].str.contains("; and ").any()


def test_csl_header_matches_the_real_consolidated_list(csl_file):
    if not SHARED_CSL.is_file():
        pytest.skip(
            f"real CSL sample not found at {SHARED_CSL.resolve()} (it lives in ../shared/data)"
        )
    with (
        SHARED_CSL.open(encoding="utf-8-sig", newline="") as real,
        csl_file.open(encoding="utf-8", newline="") as ours,
    ):
        assert next(csv.reader(real)) == next(csv.reader(ours))


def test_the_written_list_loads_back_with_its_names_and_aliases(csl_file, data_20k):
    loaded = load_watchlist(csl_file)
    assert len(loaded.entries) == len(data_20k.watchlist)
    assert {e.name for e in loaded.entries} == {e.name for e in data_20k.watchlist}
    assert {a.name for e in loaded.entries for a in e.aliases} == {
        a.name for e in data_20k.watchlist for a in e.aliases
    }


def test_watchlist_party_rows_name_a_listed_party_mostly_as_a_variant(orders_20k, listed_names):
    rows = orders_20k[orders_20k["typology"] == "watchlist_party"]
    upper = [n.upper() for n in listed_names]
    exact = 0
    for _, row in rows.iterrows():  # ~70 rows; each needs its best-matching listed name
        names = [row[c] for c in PARTY_NAMES if pd.notna(row[c])]
        best = max(
            process.extractOne(n.upper(), upper, scorer=fuzz.token_set_ratio)[1] for n in names
        )
        assert best >= 80, names
        exact += any(n.upper() in upper for n in names)
    assert 0 < exact < 0.7 * len(rows)  # variants, not only verbatim copies


def test_clean_rows_never_carry_a_listed_name_but_some_look_alike(
    orders_20k, data_20k, listed_names
):
    clean = orders_20k[orders_20k["label"] == 0]
    upper = {n.upper() for n in listed_names}
    for column in PARTY_NAMES:
        assert not clean[column].dropna().str.upper().isin(upper).any(), column
    brands = {e.name.split()[0] for e in data_20k.watchlist if e.type == "entity"}
    first_words = set(clean["customer_name"].str.split().str[0])
    assert brands & first_words  # hard negatives: same invented brand word, different company
