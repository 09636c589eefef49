"""The network of related parties as plain functions: which links exist (and which must
not), the groups, the flags N1-N3 and the related parties a case records."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import yaml

from cases.related import ownership_network
from detectors.network.contacts import address_keys
from detectors.network.flags import RELATED_FIELDS, network_flags, related_parties
from detectors.network.graph import LinkIndex, build_network, neighbourhood, neighbourhood_rows
from detectors.network.links import (
    CONTACT_LINKS,
    LINK_COLUMNS,
    among,
    contact_rules,
    distinct,
    first_rows,
    order_links,
    owner_links,
    rows_where,
)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
AS_OF = pd.Timestamp("2026-06-30")


@pytest.fixture(scope="module")
def settings() -> dict:
    return yaml.safe_load((CONFIGS / "pipeline.yaml").read_text())["network"]


@pytest.fixture(scope="module")
def rules(settings):
    policy = yaml.safe_load((CONFIGS / "policy" / "default.yaml").read_text())
    matching = yaml.safe_load((CONFIGS / "matching.yaml").read_text())
    return contact_rules(policy, matching["names"]["address_abbreviations"], settings)


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


def python_address_key(text: str | None, abbreviations: dict) -> str | None:
    """The address key as plain Python `re` computes it, one value at a time."""
    if text is None:
        return None
    table = {str(k).lower(): str(v).lower() for k, v in abbreviations.items()}
    words = re.compile(
        r"\b(?:" + "|".join(sorted(map(re.escape, table), key=len, reverse=True)) + r")\b"
    )
    text = re.sub(r"[^0-9a-z\u00c0-\uffff]+", " ", text.lower().replace("&", " and "))
    text = re.sub(r"\s+", " ", words.sub(lambda m: table[m.group(0)], text)).strip()
    return None if text.count(" ") < 2 else text


def test_address_keys_on_arrow_agree_with_python_re_on_awkward_text(rules):
    addresses = [
        "12 Main St", "Rd，Shenzhen Rd St", "rd\u3000rd st x", "Flat 3, 12/F, Bldg A & B", "  ",
        None, "Ärd Rd Str.", "5 Ind Pk Rd", "St St St St", "rd×st × no", "深圳 南山区 科技园 Rd",
        "x_rd st_ y", "RD–ST—NO 5", "12 Main St\u00a0Rd", "ROAD 7 Ave\tBlvd", "st", "Centre Ctr Twr",
    ]  # fmt: skip
    found = address_keys(pd.Series(addresses, dtype="str"), rules.abbreviations)
    assert found.index.equals(pd.RangeIndex(len(addresses)))
    got = [None if pd.isna(v) else v for v in found]
    assert got == [python_address_key(a, rules.abbreviations) for a in addresses]
    assert got[1] == "road，shenzhen road street" and got[2] == "road road street x"


def test_among_is_isin_for_text_with_missing_values():
    series = pd.Series(["a", None, "b", "c", "a"], index=[5, 6, 7, 8, 9], dtype="str")
    for values in (["a", "c"], pd.Index(["b"]), [], ["z"], pd.Series(["a", None], dtype="str")):
        pd.testing.assert_series_equal(among(series, values), series.isin(list(values)))


def merged_pairs(links: pd.DataFrame, parties: list[str]) -> pd.DataFrame:
    """The pairs by definition: the parties' links merged with every link on the key."""
    mine = links[links["party"].isin(parties)]
    found = mine.merge(links, on="key", suffixes=("", "_o"))
    found = found[found["party"] != found["party_o"]]
    return pd.DataFrame({
        "party": found["party"].array, "other": found["party_o"].array,
        "other_kind": found["party_kind_o"].array, "other_name": found["party_name_o"].array,
        "link": found["link"].array, "value": found["value"].array,
        "other_value": found["value_o"].array, "key": found["key"].array,
    }).astype("str")  # fmt: skip


def test_the_link_index_finds_the_pairs_of_a_merge_in_the_merges_order():
    rng = np.random.default_rng(3)
    size = 4_000
    links = pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 900, size)],
        "party_kind": "customer", "party_name": [f"Name {n}" for n in range(size)],
        "key": [f"address:{n}" for n in rng.integers(0, 1_200, size)],
        "link": "address", "value": [f"street {n}" for n in range(size)],
    }).drop_duplicates(["party", "key"], ignore_index=True).astype("str")  # fmt: skip
    index = LinkIndex.build(links)
    parties = sorted(set(links["party"].sample(300, random_state=1))) + ["customer:absent"]
    expected = merged_pairs(links, parties)
    found = index.pairs(parties)
    assert len(found) > 300
    pd.testing.assert_frame_equal(found.reset_index(drop=True), expected.reset_index(drop=True))
    assert index.pairs(["customer:absent"]).empty


def reference_neighbourhood(links: pd.DataFrame, subject: str, limit: int) -> list[tuple]:
    """One subject's neighbourhood as plain Python walks it: its link rows in order, the
    other parties on each key, then the link rows of the parties met (in row order) and
    the parties on their keys that are neither the subject nor met at hop 1; the first
    `limit` parties met kept, with every link row that reached them."""
    party, key = links["party"].tolist(), links["key"].tolist()
    on_key: dict[str, list[int]] = {}
    for row, k in enumerate(key):
        on_key.setdefault(k, []).append(row)
    entries = [
        (row, other, 1)
        for row in range(len(party)) if party[row] == subject
        for other in on_key[key[row]] if party[other] != subject
    ]  # fmt: skip
    near = {party[other] for _, other, _ in entries}
    entries += [
        (row, other, 2)
        for row in range(len(party)) if party[row] in near
        for other in on_key[key[row]]
        if party[other] not in near and party[other] not in (subject, party[row])
    ]  # fmt: skip
    met = list(dict.fromkeys(party[other] for _, other, _ in entries))[:limit]
    return [e for e in entries if party[e[1]] in met]


def test_neighbourhoods_of_a_batch_are_each_subjects_own_walk_up_to_the_limit():
    rng = np.random.default_rng(8)
    size = 1_500
    links = pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 300, size)],
        "party_kind": "customer", "party_name": "x",
        "key": [f"address:{n}" for n in rng.integers(0, 500, size)],
        "link": "address", "value": "x",
    }).drop_duplicates(["party", "key"], ignore_index=True).astype("str")  # fmt: skip
    index = LinkIndex.build(links)
    subjects = sorted(set(links["party"]))[:120]
    reach = neighbourhood_rows(index, subjects, hops=2, limit=6)
    found = pd.DataFrame({
        "subject": index.parties.take(reach.subject), "row": reach.left,
        "other": reach.other, "hop": reach.hop, "party": index.party_of_row[reach.other],
    })  # fmt: skip
    assert (found.groupby("subject")["party"].nunique() <= 6).all() and (found["hop"] == 2).any()
    for subject in subjects:
        mine = found[found["subject"] == subject]
        expected = reference_neighbourhood(links, subject, 6)
        assert list(zip(mine["row"], mine["other"], mine["hop"], strict=True)) == expected


def test_first_rows_are_the_rows_drop_duplicates_keeps():
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({
        "a": pd.Series(rng.choice(["x", "y", None, "zz"], 5_000), dtype="str"),
        "b": pd.Series(rng.choice(["1", "2", None], 5_000), dtype="str"),
        "c": rng.integers(0, 3, 5_000),
    })  # fmt: skip
    for columns in (["a"], ["a", "b"], ["a", "b", "c"]):
        kept = frame.drop_duplicates(columns).index.to_numpy()
        assert np.array_equal(first_rows(frame, columns), kept)
    assert len(first_rows(frame.head(0), ["a"])) == 0


def links_one_row_at_a_time(frame: pd.DataFrame, rules) -> pd.DataFrame:
    """The links as the definition says them: every order line's links, in the order of
    the kinds and then of the lines, the first of each (party, key) kept."""
    from detectors.network.contacts import email_domain_keys, phone_keys, website_keys
    from detectors.rules.policy import name_key

    customer = "customer:" + frame["customer_id"].astype("str")
    names = frame.get("customer_name", customer)
    country = frame.get("customer_country", pd.Series(pd.NA, index=frame.index, dtype="str"))
    kinds = [
        ("address", "customer_address", lambda c: address_keys(c, rules.abbreviations)),
        ("phone", "customer_phone", lambda c: phone_keys(c, country, rules.calling_codes)),
        ("email_domain", "customer_email", lambda c: email_domain_keys(c, rules.free_mail)),
        ("website", "customer_website", website_keys),
    ]
    rows = []

    def add(party, kind, party_names, keys, link, values):
        for p, n, k, v in zip(party, party_names, keys, values, strict=True):
            if not pd.isna(p) and not pd.isna(k):
                rows.append((p, kind, n, k, link, v))

    for link, column, keys in kinds:
        if column in frame:
            add(customer, "customer", names, link + ":" + keys(frame[column]), link, frame[column])
    for kind, name_column, address_column in (
        ("consignee", "ship_to_name", "ship_to_address"),
        ("end_user", "end_user_name", "end_user_address"),
        ("payer", "payer_name", None),
        ("forwarder", "freight_forwarder_name", None),
    ):
        if name_column not in frame:
            continue
        party = kind + ":" + name_key(frame[name_column])
        add(customer, "customer", names, party, kind, frame[name_column])
        if address_column in frame:
            keys = "address:" + address_keys(frame[address_column], rules.abbreviations)
            add(party, kind, frame[name_column], keys, "address", frame[address_column])
    found = pd.DataFrame(rows, columns=list(LINK_COLUMNS)).drop_duplicates(["party", "key"])
    return found.reset_index(drop=True).astype("str")


@pytest.mark.parametrize("drop", [[], ["customer_country", "customer_name", "end_user_address"]])
def test_order_links_are_each_lines_links_the_first_of_each_kept(rules, drop):
    rng = np.random.default_rng(23)
    size = 400

    def pick(values: list) -> list:
        return [values[i] for i in rng.integers(0, len(values), size)]

    frame = pd.DataFrame({
        "transaction_id": [f"T-{i}" for i in range(size)],
        "customer_id": pick(["A", "B", "C", "D", None]),
        "customer_name": pick(["Alpha Ltd", "ALPHA LTD.", "Beta", None]),
        "customer_country": pick(["SG", "HK", "XX", None]),
        "customer_address": pick(["12 Jalan Besar Rd, Singapore", "12 JALAN BESAR ROAD singapore",
                                  "Unit 5", None, "8 Harbour Road, Wan Chai"]),
        "customer_phone": pick(["+65 6123 4567", "6123 4567", "061234567", "12", None]),
        "customer_email": pick(["a@acme.sg", "b@ACME.SG", "c@gmail.com", "bad", None]),
        "customer_website": pick(["https://www.acme.sg/x", "acme.sg", None]),
        "ship_to_name": pick(["Kowloon Trading", "KOWLOON TRADING LTD", "--", None]),
        "ship_to_address": pick(["1 Nathan Road, Kowloon, HK", "1 nathan rd kowloon hk", None]),
        "end_user_name": pick(["Lab One", "lab one", None]),
        "end_user_address": pick(["9 Science Park Road, Singapore", None]),
        "payer_name": pick(["Pay Co", "PAY CO.", None]),
        "freight_forwarder_name": pick(["Fast Fwd", None]),
    }).drop(columns=drop)  # fmt: skip
    expected = links_one_row_at_a_time(frame, rules)
    assert len(expected) > 30
    pd.testing.assert_frame_equal(order_links(frame, rules), expected)
    pd.testing.assert_frame_equal(order_links(frame.astype("str"), rules), expected)


def random_links(rng: np.random.Generator, size: int) -> pd.DataFrame:
    """Links (LINK_COLUMNS) of customers and payers on contact keys and on payers, some
    repeated, some missing, a payer now and then on its own key."""
    payers = [f"payer:p{i}" for i in range(30)]
    parties = [f"customer:C{i}" for i in range(150)] + payers[:10]
    keys = [f"address:a{i}" for i in range(120)] + payers + ["phone:1", None]
    party = rng.choice(parties, size)
    key = rng.choice(np.array(keys, dtype=object), size)
    on_own = min(size, 3)  # a payer on its own key
    party[:on_own] = key[:on_own] = rng.choice(payers[:10], on_own)
    return pd.DataFrame({
        "party": party, "party_kind": [p.split(":")[0] for p in party],
        "party_name": rng.choice(["Name A", "Name B", None], size),
        "key": key, "link": [k.split(":")[0] if isinstance(k, str) else None for k in key],
        "value": rng.choice(["12 Road", "+65 1", "Pay Co", None], size),
    }).astype("str")  # fmt: skip


def test_rows_where_is_boolean_indexing_even_of_a_frame_of_several_chunks():
    rng = np.random.default_rng(61)
    parts = [random_links(rng, n) for n in (50, 0, 120, 7)]
    frame = pd.concat(parts, ignore_index=True).assign(number=np.arange(177))
    assert pa.chunked_array(pa.array(frame["party"].array)).num_chunks > 1
    for keep in (rng.random(177) < 0.6, np.zeros(177, dtype=bool), np.ones(177, dtype=bool)):
        found = rows_where(frame, keep)
        pd.testing.assert_frame_equal(found, frame[keep].reset_index(drop=True))
        assert pa.chunked_array(pa.array(found["value"].array)).num_chunks <= 1


def test_distinct_links_are_the_first_row_of_each_party_and_key():
    rng = np.random.default_rng(67)
    frames = [random_links(rng, n) for n in (300, 0, 250, 90)]
    expected = pd.concat(frames, ignore_index=True).drop_duplicates(["party", "key"])
    pd.testing.assert_frame_equal(distinct(frames), expected.reset_index(drop=True))


def reference_network_links(links: pd.DataFrame, most: int) -> pd.DataFrame:
    """The usable links as pandas says them: the links plus each named key's own row
    (from the key's first row, unless its party has it), on keys of 2 to `most` rows."""
    kinds = links["key"].str.extract(r"^([a-z_]+):")[0]
    named = links[kinds.notna() & ~kinds.isin(CONTACT_LINKS)].drop_duplicates("key")
    named = named[~named["key"].isin(links.loc[links["party"] == links["key"], "key"])]
    own = pd.DataFrame({
        "party": named["key"], "party_kind": kinds[named.index], "party_name": named["value"],
        "key": named["key"], "link": named["link"], "value": named["value"],
    })  # fmt: skip
    full = pd.concat([links, own], ignore_index=True)
    sharing = full.groupby("key")["party"].transform("size")
    return full[(sharing >= 2) & (sharing <= most)].reset_index(drop=True).astype("str")


def test_the_networks_links_of_a_frame_of_several_chunks_are_pandas_own():
    rng = np.random.default_rng(71)
    links = distinct([random_links(rng, n) for n in (400, 300, 5)])
    halves = pd.concat([links.head(len(links) // 2), links.iloc[len(links) // 2 :]])
    for most in (3, 25):
        network = build_network(halves, most)
        pd.testing.assert_frame_equal(network.links, reference_network_links(links, most))
        assert network.index.links is network.links
