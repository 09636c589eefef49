"""The network of related parties as plain functions: which links exist (and which must
not), the groups, the flags N1-N3 and the related parties a case records."""

from __future__ import annotations

import pandas as pd

from cases.related import ownership_network
from detectors.network.flags import RELATED_FIELDS, network_flags, related_parties
from detectors.network.graph import build_network, neighbourhood
from detectors.network.links import (
    order_links,
    owner_links,
)

AS_OF = pd.Timestamp("2026-06-30")


def orders(*rows: dict) -> pd.DataFrame:
    base = {
        "customer_country": "SG", "customer_address": None, "customer_phone": None,
        "customer_email": None, "customer_website": None, "customer_since": "2010-01-01",
        "ship_to_name": None, "ship_to_address": None, "end_user_name": None,
        "end_user_address": None, "payer_name": None, "freight_forwarder_name": None,
    }  # fmt: skip
    frame = pd.DataFrame([
        {**base, "transaction_id": f"T-{i}", "customer_name": f"Name {r['customer_id']}", **r}
        for i, r in enumerate(rows)
    ])  # fmt: skip
    return frame.astype({c: "str" for c in frame.columns})


def linked(frame: pd.DataFrame, rules, a: str, b: str) -> set[str]:
    """The kinds of link between customers a and b (one hop)."""
    network = build_network(order_links(frame, rules))
    near = neighbourhood(network.links, [f"customer:{a}"], hops=1)
    return set(near.loc[near["other"] == f"customer:{b}", "link"])


def test_a_shared_address_links_whatever_case_punctuation_and_abbreviation(rules):
    frame = orders(
        {"customer_id": "A", "customer_address": "12 Jalan Besar Rd, #03-01, Singapore"},
        {"customer_id": "B", "customer_address": "12 JALAN BESAR ROAD 03 01 singapore."},
        {"customer_id": "C", "customer_address": "14 Jalan Besar Road, 03-01, Singapore"},
    )
    assert linked(frame, rules, "A", "B") == {"address"}
    assert linked(frame, rules, "A", "C") == set()


def test_a_phone_links_in_any_format_and_with_or_without_the_country_code(rules):
    frame = orders(
        {"customer_id": "A", "customer_phone": "+65 6123-4567"},
        {"customer_id": "B", "customer_phone": "0065 (6123) 4567"},
        {"customer_id": "C", "customer_phone": "6123 4567"},  # national, SG
        {"customer_id": "D", "customer_phone": "6123 4567", "customer_country": "MY"},
    )
    assert linked(frame, rules, "A", "B") == {"phone"}
    assert linked(frame, rules, "A", "C") == {"phone"}
    assert linked(frame, rules, "A", "D") == set()  # +60 6123 4567 is another number


def test_an_email_domain_links_but_a_free_mail_domain_never_does(rules):
    frame = orders(
        {"customer_id": "A", "customer_email": "sales@apex-trade.com.sg"},
        {"customer_id": "B", "customer_email": "Buyer@APEX-TRADE.com.sg"},
        {"customer_id": "C", "customer_email": "ring1@gmail.com"},
        {"customer_id": "D", "customer_email": "ring2@gmail.com"},
        {"customer_id": "E", "customer_email": "x@qq.com"},
        {"customer_id": "F", "customer_email": "y@qq.com"},
        {"customer_id": "G", "customer_email": "a@163.com"},
        {"customer_id": "H", "customer_email": "b@163.com"},
        {"customer_id": "I", "customer_email": "c@yahoo.co.jp"},
        {"customer_id": "J", "customer_email": "d@yahoo.co.jp"},
    )
    assert linked(frame, rules, "A", "B") == {"email_domain"}
    for a, b in (("C", "D"), ("E", "F"), ("G", "H"), ("I", "J")):
        assert linked(frame, rules, a, b) == set(), (a, b)


def test_a_website_and_a_payer_and_a_forwarder_link(rules):
    frame = orders(
        {"customer_id": "A", "customer_website": "https://www.apex.sg/about",
         "payer_name": "Golden Bridge Ltd."},
        {"customer_id": "B", "customer_website": "apex.sg", "payer_name": "GOLDEN BRIDGE LTD"},
        {"customer_id": "C", "freight_forwarder_name": "Swift Cargo"},
        {"customer_id": "D", "freight_forwarder_name": "swift cargo"},
    )  # fmt: skip
    assert linked(frame, rules, "A", "B") == {"website", "payer"}
    assert linked(frame, rules, "C", "D") == {"forwarder"}
    assert linked(frame, rules, "A", "C") == set()


def test_a_consignee_at_a_customers_address_is_related_to_it(rules):
    frame = orders(
        {"customer_id": "A", "customer_address": "8 Harbour Road Wan Chai Hong Kong"},
        {"customer_id": "B", "ship_to_name": "Pearl Logistics",
         "ship_to_address": "8 Harbour Rd, Wan Chai, Hong Kong"},
    )  # fmt: skip
    network = build_network(order_links(frame, rules))
    near = neighbourhood(network.links, ["customer:A"], hops=2)
    reached = dict(zip(near["other"], near["hop"], strict=True))
    assert reached["consignee:pearl logistics"] == 1
    assert reached["customer:B"] == 2  # through the consignee


def test_a_key_shared_by_too_many_parties_is_a_hub_and_links_nobody(rules):
    frame = orders(*[{"customer_id": f"C{i}", "freight_forwarder_name": "DHL"} for i in range(30)])
    network = build_network(order_links(frame, rules), max_parties_per_key=25)
    assert network.links.empty
    assert network.common_keys["key"].tolist() == ["forwarder:dhl"]


def test_groups_are_connected_components_over_every_kind_of_link(rules):
    frame = orders(
        {"customer_id": "A", "customer_phone": "+65 6123 4567"},
        {"customer_id": "B", "customer_phone": "+65 6123 4567", "payer_name": "P1"},
        {"customer_id": "C", "payer_name": "P1"},
        {"customer_id": "D", "customer_phone": "+65 9999 0000"},
    )
    group = build_network(order_links(frame, rules)).group
    assert group["customer:A"] == group["customer:B"] == group["customer:C"]
    assert "customer:D" not in group  # shares nothing


def test_owner_links_fed_from_a_frame_relate_two_customers_with_one_owner(rules):
    frame = orders({"customer_id": "A"}, {"customer_id": "B"})
    ownership = pd.DataFrame({
        "owner_name": ["Dragon Holdings", "Dragon Holdings"],
        "owned_name": ["Name A", "Name B"], "share": [60, 51], "source": ["registry", "ftm"],
    })  # fmt: skip
    links = pd.concat([order_links(frame, rules), owner_links(ownership, frame)])
    network = build_network(links)
    near = neighbourhood(network.links, ["customer:A"], hops=2)
    assert set(near.loc[near["other"] == "customer:B", "link"]) == {"owner"}
    assert "Dragon Holdings (60 %), source registry" in set(near["value"])


def test_an_owner_link_says_the_share_as_written_and_the_source(rules):
    frame = orders({"customer_id": "A"})
    shares = [12.5, "50", None, 0.001, 33.333333333, 100]
    ownership = pd.DataFrame({
        "owner_name": [f"Owner {n}" for n in range(len(shares))],
        "owned_name": ["Name A"] * len(shares), "share": shares,
        "source": ["registry", None, "ftm", "", "registry", "registry"],
    })  # fmt: skip
    values = owner_links(ownership, frame).set_index("key")["value"]
    assert values["owner:owner 0"] == "Owner 0 (12.5 %), source registry"
    assert values["owner:owner 1"] == "Owner 1 (50 %)"
    assert values["owner:owner 2"] == "Owner 2, source ftm"
    assert values["owner:owner 3"] == "Owner 3 (0.001 %)"
    assert values["owner:owner 4"] == "Owner 4 (33.3333 %), source registry"
    assert values["owner:owner 5"] == "Owner 5 (100 %), source registry"


def test_an_ownership_chain_stays_one_chain_and_a_listed_owner_is_a_listed_party(rules, settings):
    frame = orders({"customer_id": "A"}, {"customer_id": "B"})
    resolved = pd.DataFrame({
        "relation": ["ownership", "ownership", "directorship"],
        "owner_name": ["Volkov Trading House", "Harbour Holdings Ltd", "Ivan Petrov"],
        "owned_name": ["Harbour Holdings Ltd", "Name A", "Name B"],
        "share": [100, 60, None], "source": ["HK registry", "ACRA", "ACRA"],
        "owner_entry_id": ["SDN-1", None, None], "owner_list": ["OFAC SDN", None, None],
        "owner_matched_name": ["VOLKOV TRADING HOUSE", None, None],
        "owner_score": [0.97, None, None],
    })  # fmt: skip
    links, listed = ownership_network(resolved, frame)
    assert set(links["link"]) == {"owner"}  # a director is not an owner
    assert listed["party"].tolist() == ["owner:volkov trading house"]
    assert "OFAC SDN entry VOLKOV TRADING HOUSE (0.97)" in listed["listed_as"].iloc[0]
    network = build_network(pd.concat([order_links(frame, rules), links]))
    near = neighbourhood(network.links, ["customer:A"], hops=2)
    # A is owned by the holding, which the listed house owns: two hops, one chain
    assert "owner:volkov trading house" in set(near["other"])
    assert network.group["customer:A"] == network.group["owner:volkov trading house"]
    assert "customer:B" not in set(near["other"])


RING = (
    {"customer_id": "A", "customer_address": "5 Kaki Bukit Rd 2, Singapore",
     "customer_since": "2026-03-01"},
    {"customer_id": "B", "customer_address": "5 Kaki Bukit Road 2 Singapore",
     "customer_since": "2026-04-01", "customer_phone": "+65 6000 1111"},
    {"customer_id": "C", "customer_phone": "+65 6000 1111", "customer_since": "2026-05-01"},
    {"customer_id": "D", "customer_phone": "+1 408 555 0100", "customer_since": "2009-05-01"},
)  # fmt: skip


def test_n1_flags_a_customer_linked_to_a_listed_party_and_says_how(rules, settings):
    frame = orders(*RING)
    network = build_network(order_links(frame, rules))
    listed = pd.DataFrame({"party": ["customer:B"], "listed_as": ["OFAC SDN hit in this run"]})
    cased = pd.DataFrame(columns=["party", "case_id", "status"])
    flags = network_flags(frame, network, listed, cased, settings, AS_OF)
    n1 = flags[flags["code"] == "N1"]
    assert set(n1["transaction_id"]) == {"T-0", "T-2"}  # A (address) and C (phone), not B, D
    reason = n1.set_index("transaction_id").loc["T-0", "reason"]
    assert "shares the address 5 Kaki Bukit Rd 2, Singapore with Name B" in reason
    assert "OFAC SDN hit in this run" in reason
    evidence = n1.set_index("transaction_id").loc["T-2", "evidence"]
    assert evidence["linked_parties"][0]["link"] == "phone"
    assert n1["citation"].str.contains("RPN").all()


def test_n2_flags_a_customer_linked_to_an_escalated_or_reported_case_only(rules, settings):
    frame = orders(*RING)
    network = build_network(order_links(frame, rules))
    listed = pd.DataFrame(columns=["party", "listed_as"])
    cased = pd.DataFrame({"party": ["customer:A", "customer:C"], "case_id": ["C-1", "C-2"],
                          "status": ["reported", "cleared"]})  # fmt: skip
    flags = network_flags(frame, network, listed, cased, settings, AS_OF)
    n2 = flags[flags["code"] == "N2"]
    assert set(n2["transaction_id"]) == {"T-1"}  # B is linked to A (reported); C's case cleared
    assert "C-1 (reported)" in n2["reason"].iloc[0]


def test_n3_flags_a_group_of_new_customers_sharing_contacts(rules, settings):
    frame = orders(*RING)
    network = build_network(order_links(frame, rules))
    empty = pd.DataFrame(columns=["party", "listed_as", "case_id", "status"])
    flags = network_flags(frame, network, empty, empty, settings, AS_OF)
    assert set(flags.loc[flags["code"] == "N3", "transaction_id"]) == {"T-0", "T-1", "T-2"}
    old = orders(*[{**r, "customer_since": "2015-01-01"} for r in RING])
    network = build_network(order_links(old, rules))
    assert network_flags(old, network, empty, empty, settings, AS_OF).empty


def test_a_case_records_its_related_parties_two_hops_deep(rules):
    frame = orders(*RING)
    network = build_network(order_links(frame, rules))
    listed = pd.DataFrame({"party": ["customer:C"], "listed_as": ["BIS Entity List"]})
    cased = pd.DataFrame({"party": ["customer:B"], "case_id": ["C-9"], "status": ["open"]})
    related = related_parties(network, ["customer:A"], listed, cased, hops=2)
    links = {r["party"]: r for r in related["customer:A"]["links"]}
    assert links["customer:B"]["hop"] == 1 and links["customer:B"]["case_id"] == "C-9"
    assert links["customer:B"]["why"].startswith("shares the address")
    assert links["customer:C"]["hop"] == 2 and links["customer:C"]["via"] == "customer:B"
    assert links["customer:C"]["listed_as"] == "BIS Entity List"
    assert "customer:D" not in links
    assert all(list(r) == list(RELATED_FIELDS) for r in related["customer:A"]["links"])
