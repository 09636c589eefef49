"""screen-names and match-pairs (Contract 2) as the CLI calls them."""

from __future__ import annotations

import pandas as pd
import pytest

from flows.commands.matching import match_pairs, screen_names
from flows.ingest.sources import InputError


@pytest.fixture
def entries_frame(small_entries):
    return small_entries


def test_screen_names_writes_one_row_per_hit_and_one_per_clean_name(
    tmp_path, entries_frame, settings
):
    names = tmp_path / "names.csv"
    pd.DataFrame(
        {
            "id": ["c1", "c2"],
            "name": ["HAIGE GUANGZHOU", "Northwind Data Centers"],
            "country": ["cn", "US"],
        }
    ).to_csv(names, index=False)
    out = tmp_path / "out" / "hits.csv"
    screen_names(names, out, entries_frame, settings)
    written = pd.read_csv(out, dtype=str)
    assert list(written.columns) == [
        "id",
        "name",
        "country",
        "entry_id",
        "list",
        "matched_name",
        "score",
        "explanation",
    ]
    haige = written[written["id"] == "c1"]
    assert "t:haige" in set(haige["entry_id"])
    clean = written[written["id"] == "c2"]
    assert len(clean) == 1 and clean["entry_id"].isna().all()
    assert 0 < float(haige["score"].iat[0]) <= 1


def test_screen_names_rejects_a_file_without_names(tmp_path, entries_frame, settings):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"customer": ["x"]}).to_csv(bad, index=False)
    with pytest.raises(InputError, match="missing column"):
        screen_names(bad, tmp_path / "o.csv", entries_frame, settings)


def test_match_pairs_adds_score_and_match(tmp_path, settings):
    pairs = tmp_path / "pairs.csv"
    pd.DataFrame(
        {
            "name1": ["GUANGZHOU HAIGE COMM GRP", "BELLETECH CORP"],
            "name2": ["Guangzhou Haige Communication Group Co., Ltd.", "11420 CORP."],
            "schema": ["Company", "Company"],
        }
    ).to_csv(pairs, index=False)
    out = tmp_path / "scored.csv"
    match_pairs(pairs, out, settings)
    written = pd.read_csv(out)
    assert list(written.columns) == ["name1", "name2", "schema", "score", "match"]
    assert written["match"].tolist() == [True, False]


def test_match_pairs_missing_file(tmp_path, settings):
    with pytest.raises(InputError, match="no such file"):
        match_pairs(tmp_path / "absent.csv", tmp_path / "o.csv", settings)


def test_screen_names_reads_parquet_with_an_empty_country_column(tmp_path, entries_frame, settings):
    names = tmp_path / "names.parquet"
    pd.DataFrame(
        {
            "id": [1, 2],
            "name": ["HAIGE GUANGZHOU", "Northwind Data Centers"],
            "country": [None, None],
        }
    ).astype({"country": "float64"}).to_parquet(names)
    written = screen_names(names, tmp_path / "hits.csv", entries_frame, settings)
    assert "t:haige" in set(written.loc[written["id"] == "1", "entry_id"])
    assert written.loc[written["id"] == "2", "entry_id"].isna().all()


def test_a_hostile_name_is_bounded_and_still_written_in_full(tmp_path, entries_frame, settings):
    # typo neighbours of a word grow with the square of its length: a 10,000-letter word
    # once took minutes; the full name must still come out as given
    import random
    import string
    import time

    from detectors.matching.names import MAX_WORD_LETTERS, analyze_name

    word = "".join(random.Random(11).choice(string.ascii_lowercase) for _ in range(10_000))
    analyzed = analyze_name(f"{word} Trading Ltd", settings.tables)
    assert analyzed.raw.startswith(word) and max(map(len, analyzed.tokens)) == MAX_WORD_LETTERS
    names = tmp_path / "names.csv"
    pd.DataFrame({"id": ["c1", "c2"], "name": [word, "HAIGE GUANGZHOU"]}).to_csv(names, index=False)
    started = time.perf_counter()
    written = screen_names(names, tmp_path / "hits.csv", entries_frame, settings)
    assert time.perf_counter() - started < 20
    assert written["name"].iat[0] == word and written["entry_id"].isna().iat[0]
    assert "t:haige" in set(written.loc[written["id"] == "c2", "entry_id"])


def test_screen_names_output_is_inert_in_a_spreadsheet(tmp_path, entries_frame, settings):
    names = tmp_path / "names.csv"
    hostile = '=HYPERLINK("http://x.test","HAIGE GUANGZHOU")'
    pd.DataFrame({"id": ["=1+1"], "name": [hostile]}).to_csv(names, index=False)
    screen_names(names, tmp_path / "hits.csv", entries_frame, settings)
    written = pd.read_csv(tmp_path / "hits.csv", dtype=str, keep_default_na=False)
    assert set(written["id"]) == {"'=1+1"} and set(written["name"]) == {"'" + hostile}
