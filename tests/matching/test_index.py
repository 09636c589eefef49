"""The candidate index on a crowded list, and screening spread over worker processes."""

from __future__ import annotations

import random
from dataclasses import replace

import pandas as pd
import pytest

from detectors.matching import Matcher
from watchlists.model import WatchlistEntry, entries_to_frame

GENERIC = ("International", "Trading", "Technology")
SYLLABLES = [
    c + v for c in "bdfghjklmnprstvwyz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "en")
]


def index_args(s) -> tuple:
    """The index's settings, in the order `candidates` takes them."""
    return (
        s.candidates_per_query,
        s.max_token_df,
        s.ngrams_per_query,
        s.postings_budget,
        s.min_evidence_share,
        s.word_cover_bonus,
    )


@pytest.fixture(scope="module")
def crowded_matcher(settings):
    """3,000 names of look-alike words (all starting "rai"), each with a generic word."""
    rng = random.Random(3)
    words = {
        "rai" + "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2))))
        for _ in range(4000)
    }
    words.discard("raijo")
    vocab = sorted(words)
    names = [f"{rng.choice(vocab).title()} {rng.choice(GENERIC)}" for _ in range(3000)]
    entries = [
        WatchlistEntry(
            entry_id=f"s:{i}",
            source="custom",
            list="Synthetic",
            list_code="SYN",
            type="entity",
            name=name,
        )
        for i, name in enumerate([*names, "Raijo International"])
    ]
    return Matcher.build(entries_to_frame(entries), settings)


def test_a_listed_word_cut_short_is_found(crowded_matcher):
    """The scorer takes "Raijo" for an abbreviation of "Raijohen": the index must hand it over."""
    query = crowded_matcher.analyze("Raijohen International S.A.")
    ids = crowded_matcher.index.candidates(query, crowded_matcher.settings.candidates_per_query)
    found = {crowded_matcher.names.raw[i] for i in ids}
    assert "Raijo International" in found


@pytest.mark.parametrize(
    ("party", "listed"),
    [
        ("Raifoiou Technologyy", "Raifenou Technology"),
        ("Raiteya Technologyy", "Raitawa Technology"),
    ],
)
def test_a_name_close_to_every_word_outranks_look_alikes(crowded_matcher, party, listed):
    """Two typos in a word with dozens of listed look-alikes, and a misspelt generic word:
    the one name close to both words still reaches the scorer when names with evidence of
    every word are raised."""
    s = replace(crowded_matcher.settings, word_cover_bonus=0.5)
    query = crowded_matcher.analyze(party)
    ids = crowded_matcher.index.candidates(query, *index_args(s))
    assert listed in {crowded_matcher.names.raw[i] for i in ids}


@pytest.mark.parametrize(
    ("party", "listed"),
    [
        ("Rainondu Ltd", "Rainenfu Trading"),
        ("Raizeugo Ltd", "Raifengo International"),
        ("Raigenfu Ltd", "Raifenfi Trading"),
    ],
)
def test_a_one_word_name_two_typos_away_outranks_look_alikes(crowded_matcher, party, listed):
    """A name of one distinctive word (and a legal form) two typos from a listed word with
    dozens of look-alikes: the names holding a listed word close to it are raised above
    those sharing only letters with it, so the one two typos away reaches the scorer."""
    s = replace(crowded_matcher.settings, word_cover_bonus=0.5)
    query = crowded_matcher.analyze(party)
    ids = crowded_matcher.index.candidates(query, *index_args(s))
    assert listed in {crowded_matcher.names.raw[i] for i in ids}


def with_helpers(matcher: Matcher, settings) -> Matcher:
    """The matcher on the same index, sharing any screening of 2 chunks or more with a
    forked helper."""
    return Matcher(
        matcher.entries,
        matcher.names,
        matcher.index,
        matcher.addresses,
        replace(settings, screen_workers=2, parallel_min_chunks=2),
    )


def test_screening_workers_find_what_one_process_finds(crowded_matcher, settings):
    names = crowded_matcher.entries["name"].sample(1200, random_state=4).tolist()
    rng = random.Random(4)
    parties = pd.DataFrame({"name": [n if rng.random() < 0.5 else n[::-1] for n in names]})
    one = crowded_matcher.screen(parties)
    spread = with_helpers(crowded_matcher, settings).screen(parties)
    assert len(one) > 500
    columns = ["party_id", "entry_id", "score", "explanation"]
    assert (
        one[columns]
        .sort_values(columns[:2])
        .reset_index(drop=True)
        .equals(spread[columns].sort_values(columns[:2]).reset_index(drop=True))
    )


def test_a_batch_of_names_finds_what_each_name_finds_alone(crowded_matcher):
    """Evidence is read for a whole batch at once: no name's evidence may leak into, or
    be cut short by, its neighbours' in the batch (names of one word, of many, unknown
    words, common words only, and an empty name)."""
    s = replace(crowded_matcher.settings, word_cover_bonus=0.5)
    rng = random.Random(5)
    listed = crowded_matcher.entries["name"].sample(60, random_state=5).tolist()
    texts = [
        *listed,
        *(n[:-3] + "xq" for n in listed[:20]),
        "Trading",
        "International Technology",
        "Zzyzx Qwerty Plc",
        "Raijohen International S.A.",
        "",
        " ".join(rng.sample(listed, 3)),
    ]
    queries = [crowded_matcher.analyze(t) for t in texts]
    args = index_args(s)
    batch = crowded_matcher.index.candidates_many(queries, *args)
    alone = [crowded_matcher.index.candidates(q, *args) for q in queries]
    assert sum(len(ids) for ids in batch) > 1000
    assert all(a.tolist() == b.tolist() for a, b in zip(batch, alone, strict=True))


@pytest.mark.parametrize(
    "kernel",
    ["scipy's kernel in one pass", "scipy's public product", "weights of another type"],
)
def test_evidence_product_is_scipys_product(crowded_matcher, kernel, monkeypatch):
    """The product of a batch's evidence rows with the evidence matrix, worked out in
    one pass into arrays as large as the postings read, is the public product to the
    last bit: same names in the same order, same sums."""
    import numpy as np
    from scipy import sparse

    from detectors.matching import index as index_module

    if kernel == "scipy's public product":
        monkeypatch.setattr(index_module, "_csr_matmat", None)
    else:
        assert index_module._csr_matmat is not None
    index = crowded_matcher.index
    rng = np.random.default_rng(6)
    rows = 40
    dtype = np.float64 if kernel == "weights of another type" else np.float32
    read = [np.sort(rng.choice(index._matrix.shape[0], 12, replace=False)) for _ in range(rows)]
    weights = sparse.csr_matrix(
        (
            rng.random(rows * 12).astype(dtype),
            np.concatenate(read),
            np.arange(0, rows * 12 + 1, 12),
        ),
        shape=(rows, index._matrix.shape[0]),
    )
    expected = (weights @ index._matrix).tocsr()
    found = index._product(weights)
    assert found.nnz > 500
    assert found.shape == expected.shape
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.data, expected.data)
    assert found.data.dtype == expected.data.dtype


def test_a_daemon_process_screens_in_itself(crowded_matcher, settings):
    """A daemon process (a Dask worker) may not fork: with screening helpers set, it
    screens every chunk itself and finds what a forking process finds."""
    import multiprocessing

    names = crowded_matcher.entries["name"].sample(1200, random_state=8).tolist()
    parties = pd.DataFrame({"name": names})
    spread = with_helpers(crowded_matcher, settings)
    expected = spread.screen(parties)[["party_id", "entry_id", "score"]]
    context = multiprocessing.get_context("fork")
    found = context.SimpleQueue()

    def screen_as_a_daemon() -> None:
        try:
            found.put(spread.screen(parties)[["party_id", "entry_id", "score"]])
        except Exception as error:  # reported to the test
            found.put(repr(error))

    worker = context.Process(target=screen_as_a_daemon, daemon=True)
    worker.start()
    got = found.get()
    worker.join()
    assert isinstance(got, pd.DataFrame), got
    assert len(expected) > 500
    assert got.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_a_legal_form_leading_the_party_name_keeps_the_list_names_it_shares_a_word_with(
    settings,
):
    listed = ["ELEMENTO", "ELEMENTO SOLUTIONS LIMITED", "ELEMENTO OIL AND GAS"] + [
        f"{a} {b} Limited" for a, b in zip(SYLLABLES, reversed(SYLLABLES), strict=True)
    ]
    entries = [
        WatchlistEntry(
            entry_id=f"t:{i}", source="custom", list="SDN", list_code="SDN", type="entity", name=n
        )
        for i, n in enumerate(listed)
    ]
    matcher = Matcher.build(entries_to_frame(entries), settings)
    query = matcher.analyze("LIMITED ELEMENTO", "entity")
    pairs = matcher.candidate_pairs([query])
    # the form at the start stays a word of the party name, as it may be one ("Limited
    # Brands"); the cheap score reads the name also without it, as it reads a list name's
    found = {matcher.list_name(i).raw for i in pairs["name_id"]}
    assert {"ELEMENTO", "ELEMENTO SOLUTIONS LIMITED"} <= found
