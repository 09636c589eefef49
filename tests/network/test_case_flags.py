"""The network's flags per customer for its cases (`cases.related.case_flags`) against a
plain pandas grouping of the flagged lines, and the customer of each flagged line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cases.model import CaseFlag
from cases.related import case_flags
from detectors.network.flags import flags_by_party, network_flags
from detectors.network.graph import build_network
from detectors.network.links import order_links
from detectors.schema import FLAG_COLUMNS

AS_OF = pd.Timestamp("2026-06-01")


def grouped_case_flags(flags: pd.DataFrame) -> dict[str, list[CaseFlag]]:
    """The reference: a pandas grouping by (party, code), the first line's fields."""
    ids = flags.groupby(["party", "code"], sort=False)["transaction_id"].agg(list)
    first = flags.drop_duplicates(["party", "code"]).set_index(["party", "code"])
    found: dict[str, list[CaseFlag]] = {}
    for (party, code), row in zip(first.index, first.itertuples(index=False), strict=True):
        found.setdefault(str(party), []).append(CaseFlag(
            code=str(code), source="rule", title=str(row.title), severity=str(row.severity),
            transaction_ids=[str(t) for t in ids[(party, code)]],
            evidence=dict(row.evidence), citation=str(row.citation),
            weight=float(row.weight), reason=str(row.reason),
            recommended_action=str(row.recommended_action),
        ))  # fmt: skip
    return found


def random_flags(seed: int, size: int = 600) -> pd.DataFrame:
    """Flag lines of a few customers and codes, interleaved, each line's own fields."""
    rng = np.random.default_rng(seed)
    party = rng.integers(0, 40, size)
    code = np.array(["N1", "N2", "N3"])[rng.integers(0, 3, size)]
    return pd.DataFrame({
        "transaction_id": [f"T-{n}" for n in range(size)], "code": code, "source": "rule",
        "title": [f"title {c}" for c in code], "severity": "high",
        "weight": rng.choice([0.3, 0.45, 0.6], size), "reason": [f"reason {n}" for n in range(size)],
        "evidence": [{"linked_count": int(n)} for n in rng.integers(1, 9, size)],
        "citation": "RPN", "recommended_action": [f"act {n % 4}" for n in range(size)],
        "hard_stop": False, "party": [f"customer:C{p}" for p in party],
    }).astype({"transaction_id": "str", "code": "str", "party": "str"})  # fmt: skip


def test_case_flags_are_those_of_a_grouping_of_the_lines_in_the_order_found():
    for seed in (3, 17, 40):
        flags = random_flags(seed)
        got, want = case_flags(flags), grouped_case_flags(flags)
        assert list(got) == list(want)
        for party, expected in want.items():
            assert [vars(f) for f in got[party]] == [vars(f) for f in expected]
    assert case_flags(random_flags(5).iloc[:0]) == {}


def test_each_flagged_line_carries_its_customer_and_the_flags_are_network_flags(rules, settings):
    frame = pd.DataFrame([
        {"transaction_id": "T-0", "customer_id": "A", "customer_since": "2026-03-01",
         "customer_address": "5 Kaki Bukit Rd 2, Singapore"},
        {"transaction_id": "T-1", "customer_id": "B", "customer_since": "2026-04-01",
         "customer_address": "5 Kaki Bukit Road 2 Singapore", "customer_phone": "+65 6000 1111"},
        {"transaction_id": "T-2", "customer_id": "C", "customer_since": "2026-05-01",
         "customer_phone": "+65 6000 1111"},
        {"transaction_id": "T-3", "customer_id": "A", "customer_since": "2026-03-01",
         "customer_address": "5 Kaki Bukit Rd 2, Singapore"},
    ]).astype("str")  # fmt: skip
    network = build_network(order_links(frame, rules))
    listed = pd.DataFrame({"party": ["customer:B"], "listed_as": ["OFAC SDN hit in this run"]})
    cased = pd.DataFrame({"party": ["customer:A"], "case_id": ["C-1"], "status": ["reported"]})
    found = flags_by_party(frame, network, listed, cased, settings, AS_OF)
    assert list(found.columns) == [*FLAG_COLUMNS, "party"]
    pd.testing.assert_frame_equal(
        found[list(FLAG_COLUMNS)], network_flags(frame, network, listed, cased, settings, AS_OF)
    )
    customer = dict(zip(frame["transaction_id"], "customer:" + frame["customer_id"], strict=True))
    assert found["party"].tolist() == found["transaction_id"].map(customer).tolist()
    assert {"N1", "N2", "N3"} <= set(found["code"])
    by_customer = case_flags(found)
    assert by_customer["customer:A"][0].transaction_ids == ["T-0", "T-3"]
    assert [vars(f) for f in by_customer["customer:A"]] == [
        vars(f) for f in grouped_case_flags(found)["customer:A"]
    ]
