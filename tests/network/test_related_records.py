"""The related parties of a batch of case subjects: each subject's records as its own walk
gives them, the records of one party reached the same way built once for the batch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.network.flags import RELATED_FIELDS, related_parties
from detectors.network.graph import build_network, neighbourhood_rows


def random_links(seed: int, size: int = 1_500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = np.array(["address", "phone", "payer"])[rng.integers(0, 3, size)]
    keys = rng.integers(0, 400, size)
    return pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 300, size)],
        "party_kind": "customer", "party_name": [f"Name {n}" for n in rng.integers(0, 50, size)],
        "key": [f"{k}:{n}" for k, n in zip(kinds, keys, strict=True)],
        "link": kinds, "value": [f"value {n}" for n in keys],
    }).drop_duplicates(["party", "key"], ignore_index=True).astype("str")  # fmt: skip


def test_a_batchs_related_parties_are_each_subjects_own_and_shared_when_the_same():
    network = build_network(random_links(23))
    parties = sorted(set(network.links["party"]))
    listed = pd.DataFrame({"party": parties[::7], "listed_as": "BIS Entity List"})
    cased = pd.DataFrame({"party": parties[3::9], "case_id": "C-1", "status": "reported"})
    subjects = [p for p in parties if p.startswith("customer:")][:150]
    batch = related_parties(network, subjects, listed, cased, hops=2, limit=8)
    assert batch and all(len(v["links"]) for v in batch.values())
    for subject in subjects:
        alone = related_parties(network, [subject], listed, cased, hops=2, limit=8)
        assert batch.get(subject) == alone.get(subject)
    records = [r for v in batch.values() for r in v["links"]]
    assert all(list(r) == list(RELATED_FIELDS) for r in records)
    # one record per party, link row followed and hop, whichever subjects reached it
    same: dict[tuple[object, ...], int] = {}
    for r in records:
        same.setdefault((r["party"], r["via"], r["link"], r["value"], r["hop"]), id(r))
        assert same[(r["party"], r["via"], r["link"], r["value"], r["hop"])] == id(r)
    assert len(same) < len(records)


def test_the_texts_of_link_rows_are_the_columns_texts_missing_values_nan():
    links = random_links(31, 400)
    links.loc[links.index[::5], "party_name"] = None
    links.loc[links.index[::7], "party_kind"] = None
    index = build_network(links).index
    rows = np.random.default_rng(5).integers(0, len(index.links), 300)
    for name in ("party", "party_kind", "party_name", "link", "value"):
        expected = index.links[name].astype("str").tolist()
        got = index.texts_at(name, rows)
        assert len(got) == len(rows)
        for row, text in zip(rows.tolist(), got, strict=True):
            want = expected[row]
            assert text == want or (text != text and want != want), (name, row)  # NaN
    assert any(t != t for t in index.texts_at("party_name", rows))
    assert any(t != t for t in index.texts_at("party_kind", rows))


def test_each_subject_keeps_its_first_parties_up_to_the_limit_in_any_batch_size():
    # a batch of some 40,000 subjects (more than a signed 16-bit number holds) and a small one
    rng = np.random.default_rng(61)
    size = 120_000
    keys = rng.integers(0, 30_000, size)
    links = pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 40_000, size)],
        "party_kind": "customer", "party_name": "Name", "key": [f"phone:{k}" for k in keys],
        "link": "phone", "value": [f"value {k}" for k in keys],
    }).drop_duplicates(["party", "key"], ignore_index=True).astype("str")  # fmt: skip
    index = build_network(links).index
    subjects = sorted(set(index.links["party"]))
    assert len(subjects) > np.iinfo(np.int16).max
    for batch in (subjects, subjects[:500]):
        whole = neighbourhood_rows(index, batch, hops=2, limit=10**9)
        kept = neighbourhood_rows(index, batch, hops=2, limit=3)
        # the walk's entries whose party is among the first 3 its subject met, in order
        met: dict[int, list[int]] = {}
        expected = []
        for entry, (subject, party) in enumerate(
            zip(whole.subject.tolist(), index.party_of_row[whole.other].tolist(), strict=True)
        ):
            seen = met.setdefault(subject, [])
            if party not in seen and len(seen) < 3:
                seen.append(party)
            if party in seen:
                expected.append(entry)
        assert len(expected) < len(whole.left)
        assert kept.left.tolist() == whole.left[expected].tolist()
        assert kept.other.tolist() == whole.other[expected].tolist()
        assert kept.subject.tolist() == whole.subject[expected].tolist()
        assert kept.hop.tolist() == whole.hop[expected].tolist()
