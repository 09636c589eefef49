"""History rules: Q2 (volume against the customer's past), B4 (split orders), P2 (address
shared by unrelated customers) over earlier runs' history plus the current file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_orders import canonical, codes_of, flag_of, order

from detectors.rules.history import recent_total


def customer(number: int, **changes) -> dict:
    """An order of customer `number`, at its own address, paying for itself."""
    base = {
        "customer_id": f"CUST-{number}",
        "customer_name": f"Customer {number} Inc",
        "customer_address": f"{number} Main Street, Austin, TX",
        "payer_name": f"Customer {number} Inc",
    }
    return order(**{**base, **changes})


def with_ids(rows: list[dict], prefix: str) -> list[dict]:
    return [{**row, "transaction_id": f"{prefix}{i + 1}"} for i, row in enumerate(rows)]


# ---- Q2 ------------------------------------------------------------------------------


def test_first_large_order_of_a_new_account(run):
    result = run([customer(1, customer_since="2026-01-15", quantity=64)])
    flag = flag_of(result, "Q2")
    assert flag["evidence"]["kind"] == "first_order" and flag["evidence"]["earlier_orders"] == 0
    assert "64.0 H100-equivalents" in flag["reason"]


def test_first_large_order_of_an_old_account_or_a_small_first_order_is_quiet(run):
    result = run(
        [
            customer(1, customer_since="2015-01-15", quantity=64),
            customer(2, customer_since="2026-01-15"),
        ]
    )
    assert "Q2" not in codes_of(result, "T-1") | codes_of(result, "T-2")


def test_volume_far_above_the_customers_history(run):
    history = canonical(
        with_ids(
            [customer(1, order_date=d) for d in ("2026-01-05", "2026-01-20", "2026-02-03")], "H-"
        )
    )
    result = run([customer(1, order_date="2026-03-02", quantity=80)], history=history)
    flag = flag_of(result, "Q2")
    assert flag["evidence"]["kind"] == "spike"
    assert (
        flag["evidence"]["earlier_orders"] == 3 and flag["evidence"]["largest_earlier_h100e"] == 8.0
    )
    assert "10.0x the customer's largest earlier order (8.0)" in flag["reason"]
    assert set(result.flags["transaction_id"]) == {"T-1"}  # history lines are never flagged


def test_usual_volume_is_quiet(run):
    history = canonical(with_ids([customer(1, order_date="2026-01-05", quantity=64)], "H-"))
    assert "Q2" not in codes_of(run([customer(1, quantity=80)], history=history))


def test_one_file_spanning_months_is_its_own_history(run):
    rows = [customer(1, order_date=d) for d in ("2026-01-05", "2026-01-20")]
    rows.append(customer(1, order_date="2026-02-10", quantity=120))
    result = run(rows)
    assert "Q2" in codes_of(result, "T-3") and "Q2" not in codes_of(result, "T-1")


def test_only_earlier_orders_count(run):
    # the big order comes first; the small ones after it must not make it a spike
    rows = [customer(1, order_date="2026-01-05", quantity=120)]
    rows += [customer(1, order_date=d) for d in ("2026-02-05", "2026-02-20")]
    result = run(rows)
    assert not any("Q2" in codes_of(result, f"T-{i}") for i in (1, 2, 3))


def test_q2_without_customer_since_treats_first_orders_as_new(run):
    result = run([customer(1, quantity=64)], present={"customer_address"})
    assert flag_of(result, "Q2")["evidence"]["kind"] == "first_order"


PARTS = {"item_sku": "MLX-CBL-400G-3M", "quantity": 20}  # cables: no advanced IC


def parts_history(number: int, dates: tuple[str, ...]) -> pd.DataFrame:
    rows = [customer(number, order_date=d, customer_since="2012-05-01", **PARTS) for d in dates]
    return canonical(with_ids(rows, f"H{number}-"))


def test_first_advanced_order_after_a_history_of_other_goods(run):
    history = parts_history(1, ("2025-06-02", "2025-09-15", "2026-01-10"))
    result = run(
        [customer(1, order_date="2026-03-02", customer_since="2012-05-01", quantity=40)],
        history=history,
    )
    flag = flag_of(result, "Q2")
    assert flag["evidence"]["kind"] == "first_advanced"
    assert flag["evidence"]["earlier_orders"] == 0 and flag["evidence"]["earlier_lines"] == 3
    assert "after 3 earlier order lines without one" in flag["reason"]


def test_first_advanced_order_needs_the_minimum_history_and_volume(run):
    two = parts_history(1, ("2025-06-02", "2025-09-15"))  # one line short of the minimum
    three = parts_history(2, ("2025-06-02", "2025-09-15", "2026-01-10"))
    old = {"order_date": "2026-03-02", "customer_since": "2012-05-01"}
    result = run(
        [
            customer(1, quantity=40, **old),
            customer(2, quantity=31, **old),  # just under first_order_min_h100e (32)
            customer(3, quantity=40, **old),  # no history at all: nothing to judge against
        ],
        history=pd.concat([two, three], ignore_index=True),
    )
    assert not any("Q2" in codes_of(result, f"T-{i}") for i in (1, 2, 3))
    at = run([customer(2, quantity=32, **old)], history=three)
    assert flag_of(at, "Q2")["evidence"]["kind"] == "first_advanced"


def test_customer_with_advanced_ic_history_is_judged_by_the_spike_not_the_first_order(run):
    # three lines of cables, then one small H100 order (8 H100e): the next order is judged
    # as a spike against it, not as a first advanced-IC order; with a single earlier
    # advanced-IC order a spike takes 10x (thin_history_spike_factor), not 5x
    history = parts_history(1, ("2025-06-02", "2025-09-15", "2026-01-10"))
    small = canonical(
        with_ids([customer(1, order_date="2026-02-01", customer_since="2012-05-01")], "S-")
    )
    history = pd.concat([history, small], ignore_index=True)
    at = {"order_date": "2026-03-02", "customer_since": "2012-05-01"}
    assert "Q2" not in codes_of(run([customer(1, quantity=40, **at)], history=history))  # 5x
    assert "Q2" not in codes_of(run([customer(1, quantity=79, **at)], history=history))  # 9.9x
    flag = flag_of(run([customer(1, quantity=80, **at)], history=history), "Q2")  # 10x
    assert flag["evidence"]["kind"] == "spike" and flag["evidence"]["earlier_lines"] == 4
    assert flag["evidence"]["spike_factor"] == 10.0


def earlier_orders(quantities: tuple[int, ...]) -> pd.DataFrame:
    """Customer 1's earlier H100 orders (1 H100e a unit), a week apart from January 2026."""
    dates = pd.date_range("2026-01-05", periods=len(quantities), freq="7D").strftime("%Y-%m-%d")
    rows = [customer(1, order_date=d, quantity=q) for d, q in zip(dates, quantities, strict=True)]
    return canonical(with_ids(rows, "H-"))


def test_one_outlier_in_the_history_does_not_set_the_baseline(run):
    # three orders of 8 and one of 400 (50x the second largest, outlier_factor 10, with
    # outlier_min_orders 4): an order of 48 is 6x the customer's usual largest order,
    # though far below the one odd order
    result = run([customer(1, quantity=48)], history=earlier_orders((8, 8, 400, 8)))
    flag = flag_of(result, "Q2")
    evidence = flag["evidence"]
    assert evidence["kind"] == "spike" and evidence["outlier_left_out"] is True
    assert evidence["largest_earlier_h100e"] == 400.0 and evidence["baseline_h100e"] == 8.0
    assert evidence["ratio_to_baseline"] == 6.0
    assert "6.0x the customer's second-largest earlier order (8.0)" in flag["reason"]
    assert "its largest (400.0) left out as one outlier" in flag["reason"]


@pytest.mark.parametrize(
    "quantities",
    [
        (8, 8, 60, 8),  # the largest is under 10x the second: no outlier, 48 is 0.8x it
        (8, 400, 8),  # three earlier orders are too few to call one of them an outlier
    ],
)
def test_history_without_a_lone_outlier_keeps_the_largest_order(run, quantities):
    assert "Q2" not in codes_of(run([customer(1, quantity=48)], history=earlier_orders(quantities)))


# ---- B4 ------------------------------------------------------------------------------

SHELL_ADDRESS = "Flat 12, 8 Nathan Road, Kowloon"


def test_new_customers_sharing_an_address_within_weeks(run):
    dates = ("2026-03-02", "2026-03-09", "2026-03-20")
    result = run(
        [customer(n, order_date=d, customer_address=SHELL_ADDRESS) for n, d in enumerate(dates, 1)]
    )
    assert "B4" not in codes_of(result, "T-1") | codes_of(result, "T-2")
    flag = flag_of(result, "B4", "T-3")
    assert flag["evidence"]["related_customers"] == 3 and flag["evidence"]["shared_by"] == "address"
    assert "3 customers sharing one address" in flag["reason"]


def test_new_customers_sharing_a_payer_within_weeks(run):
    dates = ("2026-03-02", "2026-03-05", "2026-03-06")
    payer = {"payer_name": "Golden Bridge Trading Ltd", "payer_country": "HK"}
    result = run([customer(n, order_date=d, **payer) for n, d in enumerate(dates, 1)])
    assert flag_of(result, "B4", "T-3")["evidence"]["shared_by"] == "payer"


def test_customers_sharing_an_address_months_apart_are_quiet(run):
    dates = ("2026-01-02", "2026-03-09", "2026-05-20")
    result = run(
        [customer(n, order_date=d, customer_address=SHELL_ADDRESS) for n, d in enumerate(dates, 1)]
    )
    assert not any("B4" in codes_of(result, f"T-{i}") for i in (1, 2, 3))


def test_related_customers_found_across_earlier_runs(run):
    history = canonical(
        with_ids(
            [
                customer(n, order_date=d, customer_address=SHELL_ADDRESS)
                for n, d in ((1, "2026-03-02"), (2, "2026-03-04"))
            ],
            "H-",
        )
    )
    result = run(
        [customer(3, order_date="2026-03-10", customer_address=SHELL_ADDRESS)], history=history
    )
    assert flag_of(result, "B4")["evidence"]["related_customers"] == 3


def test_repeated_orders_just_under_a_threshold(run):
    # 95 H100s = 95 H100-equivalents, three times in a month: each just under 100
    dates = ("2026-03-02", "2026-03-12", "2026-03-25")
    result = run([customer(1, order_date=d, quantity=95) for d in dates])
    assert "B4" not in codes_of(result, "T-2")
    flag = flag_of(result, "B4", "T-3")
    assert (
        flag["evidence"]["orders_just_under"] == 3 and flag["evidence"]["threshold_h100e"] == 100.0
    )
    assert "3 orders within 42 days each just under 100 H100-equivalents" in flag["reason"]


def test_steady_orders_away_from_thresholds_are_quiet(run):
    dates = ("2026-03-02", "2026-03-12", "2026-03-25")
    result = run([customer(1, order_date=d, quantity=60) for d in dates])
    assert "B4" not in codes_of(result, "T-3")


# ---- P2: the same address used by unrelated customers ---------------------------------


def test_address_shared_with_a_customer_of_an_earlier_run(run):
    history = canonical(with_ids([customer(1, customer_address="77 Harbour Road, Wan Chai")], "H-"))
    result = run([customer(2, customer_address="77 HARBOUR ROAD, WAN CHAI")], history=history)
    flag = flag_of(result, "P2")
    assert flag["evidence"]["customers_at_address"] == 2
    assert "used by 2 different customers" in flag["reason"]


def test_a_transaction_already_in_history_is_judged_once(run):
    rows = [
        customer(1, customer_address="77 Harbour Road"),
        customer(2, customer_address="77 Harbour Road"),
    ]
    frame = canonical(rows)
    result = run(frame, history=frame)  # rerun of a file already stored
    assert "P2" not in codes_of(result, "T-1") and "P2" in codes_of(result, "T-2")


@pytest.mark.parametrize("code", ["Q2", "B4"])
def test_history_rules_need_only_required_columns(run, code):
    result = run([customer(1)], present=set())
    reasons = {n.code: n.reason for n in result.not_evaluable}
    # it runs; at most it says which of its checks lacked an optional column
    assert reasons.get(code, "partly evaluated").startswith("partly evaluated")


def test_empty_day_with_history_raises_nothing(run):
    history = canonical(with_ids([customer(1, customer_address="PO Box 9")], "H-"))
    result = run(history.iloc[:0], history=history)
    assert result.flags.empty and not result.not_evaluable


# ---- the vectorised window count against a plain reference ------------------------------


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(-1, 3), st.integers(0, 90), st.integers(0, 5)),
        min_size=1,
        max_size=40,
    ),
    window=st.one_of(st.none(), st.integers(1, 60)),
)
def test_recent_total_matches_a_plain_count(rows, window):
    rows = sorted(rows, key=lambda r: r[1])  # time order, as the combined frame is
    codes = np.array([r[0] for r in rows])
    days = np.array([r[1] for r in rows])
    values = np.array([r[2] for r in rows], dtype=float)
    expected = [
        0.0
        if code < 0
        else sum(
            values[j]
            for j in range(i + 1)
            if codes[j] == code and (window is None or days[j] > day - window)
        )
        for i, (code, day) in enumerate(zip(codes, days, strict=True))
    ]
    assert recent_total(codes, days, values, window).tolist() == pytest.approx(expected)
