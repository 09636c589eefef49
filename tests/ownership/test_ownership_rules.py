"""The ownership rules O1-O4 over real order lines, a real matcher and a real pack."""

from __future__ import annotations

import pytest
from owners import list_matcher, run_orders, screen_of

from detectors.ownership import resolution_report


@pytest.fixture(scope="module")
def matcher():
    return list_matcher()


def codes(result, tid: str) -> set[str]:
    flags = result.flags
    return {c for c in flags.loc[flags["transaction_id"] == tid, "code"] if c.startswith("O")}


def evidence(result, code: str, tid: str) -> dict:
    flags = result.flags
    return flags[(flags["transaction_id"] == tid) & (flags["code"] == code)].iloc[0]["evidence"]


def test_indirect_owner_blocks_the_customer_with_its_chain(matcher):
    screen = screen_of([("Volkov Trading House", "Harbour Holdings Ltd", 100),
                        ("Harbour Holdings Ltd", "Lion Gate Pte Ltd", 60)], matcher)  # fmt: skip
    result = run_orders({"owned": {"customer_name": "Lion Gate Pte. Ltd.", "order_date": "2025-10-01"},
                         "clean": {"customer_name": "Northwind Analytics", "order_date": "2025-10-01"}},
                        screen, matcher)  # fmt: skip
    # one finding, reported once under the stronger rule: OFAC blocks it whatever the date
    assert codes(result, "owned") == {"O1"} and codes(result, "clean") == set()
    found = evidence(result, "O1", "owned")
    assert found["aggregate_share"] == 60.0 and found["party_role"] == "customer"
    assert found["resolution_score"] >= 0.5
    chain = found["chains"][0]
    assert (
        chain["listed_entry"]["entry_id"] == "t:volkov"
        and chain["listed_entry"]["list_code"] == "SDN"
    )
    assert [(x["owner"], x["owned"], x["share"]) for x in chain["links"]] == [
        ("Volkov Trading House", "Harbour Holdings Ltd", 100.0),
        ("Harbour Holdings Ltd", "Lion Gate Pte Ltd", 60.0),
    ]
    assert (
        chain["links"][0]["source"] == "company registry"
        and chain["links"][0]["as_of"] == "2025-06-30"
    )
    assert chain["links"][0]["owner_resolution_score"] >= 0.9


def test_two_listed_owners_add_up_to_a_block(matcher):
    screen = screen_of([("Volkov Trading House", "Lion Gate Pte Ltd", 30),
                        ("Crimson Star Holdings", "Lion Gate Pte Ltd", 25)], matcher)  # fmt: skip
    result = run_orders({"t": {"customer_name": "Lion Gate Pte Ltd"}}, screen, matcher)
    assert "O1" in codes(result, "t")
    found = evidence(result, "O1", "t")
    assert found["aggregate_share"] == 55.0
    assert {c["listed_entry"]["entry_id"] for c in found["chains"]} == {"t:volkov", "t:crimson"}


def test_an_sdn_block_is_o1_only_and_o2_keeps_what_sdns_alone_do_not_block(matcher):
    screen = screen_of([("Volkov Trading House", "Lion Gate Pte Ltd", 60),
                        ("Volkov Trading House", "Harbour Holdings Ltd", 30),
                        ("Dawning Information Industry Co., Ltd.", "Harbour Holdings Ltd", 25)],
                       matcher)  # fmt: skip
    in_force = "2025-10-01"
    result = run_orders({"sdn": {"customer_name": "Lion Gate Pte Ltd", "order_date": in_force},
                         "mixed": {"customer_name": "Harbour Holdings Ltd", "order_date": in_force},
                         "both": {"customer_name": "Harbour Holdings Ltd", "order_date": in_force,
                                  "ship_to_name": "Lion Gate Pte Ltd"}},
                        screen, matcher)  # fmt: skip
    assert codes(result, "sdn") == {"O1"}
    # 30 % SDN + 25 % Entity List: only the affiliates rule blocks it
    assert codes(result, "mixed") == {"O2"}
    assert evidence(result, "O2", "mixed")["aggregate_share"] == 55.0
    # two parties on one line: the consignee blocked by the SDN (O1), the customer by O2
    assert codes(result, "both") == {"O1", "O2"}
    assert evidence(result, "O1", "both")["party_role"] == "ship_to"
    assert evidence(result, "O2", "both")["party_role"] == "customer"


def test_a_cycle_of_holdings_is_screened(matcher):
    screen = screen_of([("Volkov Trading House", "Alpha Holdings", 60), ("Alpha Holdings", "Beta Holdings", 50),
                        ("Beta Holdings", "Alpha Holdings", 50), ("Beta Holdings", "Lion Gate Pte Ltd", 80)],
                       matcher)  # fmt: skip
    result = run_orders({"t": {"ship_to_name": "Lion Gate Pte Ltd"}}, screen, matcher)
    assert "O1" in codes(result, "t")
    assert evidence(result, "O1", "t")["party_role"] == "ship_to"


def test_just_under_half_gives_only_the_minority_flag(matcher):
    screen = screen_of([("Volkov Trading House", "Lion Gate Pte Ltd", 49.9)], matcher)
    result = run_orders({"t": {"customer_name": "Lion Gate Pte Ltd"}}, screen, matcher)
    assert codes(result, "t") == {"O3"}
    assert evidence(result, "O3", "t")["aggregate_share"] == 49.9


def test_entity_list_owner_only_while_the_affiliates_rule_is_in_force(matcher):
    screen = screen_of(
        [("Dawning Information Industry Co., Ltd.", "Lion Gate Pte Ltd", 60)], matcher
    )
    dates = {"before": "2025-09-28", "in-force": "2025-09-29", "last-day": "2025-11-09",
             "suspended": "2025-11-10", "still-suspended": "2026-11-09", "back": "2026-11-10"}  # fmt: skip
    result = run_orders({name: {"customer_name": "Lion Gate Pte Ltd", "order_date": day}
                         for name, day in dates.items()}, screen, matcher)  # fmt: skip
    fired = {name for name in dates if "O2" in codes(result, name)}
    assert fired == {"in-force", "last-day", "back"}
    assert all("O1" not in codes(result, name) for name in dates)  # not an SDN
    # while the rule is suspended the 60 % owner is still a weaker red flag
    assert "O3" in codes(result, "suspended") and "O3" not in codes(result, "in-force")


def test_unresolvable_owner_is_kept_and_reported_without_a_flag(matcher):
    screen = screen_of([("???", "Lion Gate Pte Ltd", 60), ("Zyqqor Nominee Seven", "Lion Gate Pte Ltd", 40)],
                       matcher)  # fmt: skip
    result = run_orders({"t": {"customer_name": "Lion Gate Pte Ltd"}}, screen, matcher)
    assert codes(result, "t") == set()
    report = resolution_report(screen)
    assert report["owners"] == 2 and report["owners_not_on_lists"] == 2
    assert report["names_unusable"] == ["???"]


def test_shared_director_with_a_listed_company(matcher):
    screen = screen_of([("directorship", "Ivan Petrov", "Volkov Trading House", None),
                        ("directorship", "Ivan Petrov", "Lion Gate Pte Ltd", None)], matcher)  # fmt: skip
    result = run_orders({"t": {"end_user_name": "Lion Gate Pte Ltd"}}, screen, matcher)
    assert codes(result, "t") == {"O4"}
    found = evidence(result, "O4", "t")
    assert found["director"] == "Ivan Petrov" and found["listed_entry"]["entry_id"] == "t:volkov"


def test_without_ownership_data_the_rules_say_so(matcher):
    result = run_orders({"t": {"customer_name": "Lion Gate Pte Ltd"}}, None, matcher)
    gaps = {n.code: n.reason for n in result.not_evaluable}
    assert "ownership data" in gaps["O1"] and "ownership data" in gaps["O3"]


def test_a_customer_is_also_found_by_its_customer_id(matcher):
    screen = screen_of([("Crimson Star Holdings", "CUST-1", 75)], matcher)
    result = run_orders({"t": {"customer_name": "Some Other Trading Name Ltd"}}, screen, matcher)
    assert "O1" in codes(result, "t")
    found = evidence(result, "O1", "t")
    assert found["resolution_score"] == 1.0 and found["aggregate_share"] == 75.0
