"""The fast paths of a large run write what the plain ones wrote: the same case files, the
same scored_transactions.csv, the same cases as a later read of the store."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from datetime import datetime

import pandas as pd
from actors import decide_fully
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.grouping import score_transactions
from cases.render import case_html
from cases.run_outputs import write_scored
from cases.store import RunInfo
from detectors.schema import FLAG_COLUMNS, empty_canonical_frame
from flows.runtime.json_text import indented_json


def orders(n: int) -> pd.DataFrame:
    frame = empty_canonical_frame().reindex(range(n))
    frame["transaction_id"] = [f"T-{i}" for i in range(n)]
    frame["customer_id"] = "C-1"
    return frame


def flag(tx: str, code: str, weight: float) -> dict:
    row = dict.fromkeys(FLAG_COLUMNS, "")
    row.update(transaction_id=tx, code=code, source="rule", title=code, severity="medium",
               weight=weight, evidence={}, hard_stop=False)  # fmt: skip
    return row


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.dates(),  # not JSON: written as str(value)
    st.decimals(allow_nan=False),
)
keys = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(keys, inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_indented_json_is_the_standard_librarys_text(document):
    assert indented_json(document) == json.dumps(
        document, indent=2, ensure_ascii=False, default=str
    )


def test_indented_json_of_a_case_like_document():
    document = {
        "flags": [{"code": "L2", "weight": 0.25, "evidence": {"by_transaction": {"T-1": {}}}}],
        "history": [], "ml": {}, "score": float("nan"), "limit": float("inf"),
        "when": dt.date(2026, 11, 1), "amount": decimal.Decimal("1.50"), "pair": ("a", 1),
        "text": 'quote " backslash \\ line\nbreak é \u2028', 1: "int key", None: True,
    }  # fmt: skip
    assert indented_json(document) == json.dumps(
        document, indent=2, ensure_ascii=False, default=str
    )


def _cleared(store, case_id: str) -> None:
    decide_fully(store, case_id, "cleared", "a different company")


def test_cases_returned_by_an_upsert_are_the_cases_read_back(store, make_draft):
    """Cases opened by an upsert are built from what it wrote, not read back: they must be
    exactly what the store returns later (content, history, evidence, timestamps)."""
    first = store.upsert_drafts(
        [make_draft("K1", ("T-1",)), make_draft("K2", ("T-2",), match_score=0.93)],
        RunInfo("r1", datetime(2026, 11, 1)),
    )
    _cleared(store, first[1].case_id)
    drafts = [
        make_draft("K1", ("T-1", "T-3"), codes=("L2", "F1"), risk=75, priority="high"),
        make_draft("K2", ("T-2", "T-4"), codes=("L2", "Q1"), match_score=0.93),  # follow-up
        make_draft("K3", ("T-5",), match_score=0.88),  # new subject
        make_draft("K3", ("T-5", "T-6"), codes=("B1",)),  # same key again in the same run
        make_draft("K4", ("T-7",)),
    ]
    results = store.upsert_drafts(drafts, RunInfo("r2", datetime(2026, 11, 2)), load="all")
    assert [r.action for r in results] == ["updated", "follow_up", "opened", "updated", "opened"]
    read_back = {c.case_id: c for c in store.get_cases([r.case_id for r in results])}
    for result in results:
        assert result.case.to_json() == read_back[result.case_id].to_json()
        assert case_html(result.case) == case_html(read_back[result.case_id])
    k3 = read_back[results[2].case_id]
    assert [e["event"] for e in k3.history] == ["opened", "updated"]
    assert k3.transaction_ids == ["T-5", "T-6"]


def test_changed_load_returns_only_the_cases_a_run_writes(store, make_draft):
    store.upsert_drafts([make_draft("K1", ("T-1",))], RunInfo("r1", datetime(2026, 11, 1)))
    results = store.upsert_drafts(
        [make_draft("K1", ("T-1",)), make_draft("K2", ("T-2",))],
        RunInfo("r2", datetime(2026, 11, 2)),
        load="changed",
    )
    assert [(r.action, r.case is None) for r in results] == [
        ("unchanged", True),
        ("opened", False),
    ]


def test_scored_csv_is_what_pandas_writes(tmp_path):
    tx = orders(4)
    flags = pd.DataFrame([flag("T-0", "L2", 0.5), flag("T-1", "F1", 0.2), flag("T-1", "E1", 0.9)])
    scored = score_transactions(tx, flags).assign(case_id=["C-000001", "", "", ""])
    for frame in (
        scored,
        scored.assign(case_id=["with, comma", 'with "quote"', "line\nbreak", "é"]),
        scored.assign(risk_score=scored["risk_score"].astype(float)),
        scored.iloc[:0],
    ):
        write_scored(tmp_path, frame)
        expected = frame[["transaction_id", "risk_score", "flags", "case_id"]].to_csv(index=False)
        assert (tmp_path / "scored_transactions.csv").read_text(encoding="utf-8") == expected


def test_flag_lists_with_many_codes_stay_sorted():
    tx = orders(2)
    codes = [f"R{n:02d}" for n in range(70)]  # more codes than one integer holds as bits
    flags = pd.DataFrame([flag("T-0", c, 0.01) for c in reversed(codes)] + [flag("T-1", "B1", 0.5)])
    scored = score_transactions(tx, flags).set_index("transaction_id")
    assert scored.loc["T-0", "flags"] == ";".join(codes)
    assert scored.loc["T-1", "flags"] == "B1"
