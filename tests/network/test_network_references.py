"""The network's whole-frame code against plain references: address keys on Arrow against
Python's re, the link index, neighbourhoods, first rows, order links line by line, row
selection over several chunks and the network's links."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from detectors.network.contacts import address_keys
from detectors.network.graph import LinkIndex, build_network, neighbourhood_rows
from detectors.network.links import (
    CONTACT_LINKS,
    LINK_COLUMNS,
    among,
    distinct,
    first_rows,
    order_links,
    rows_where,
    text_codes,
)


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


def test_text_codes_of_a_column_of_several_chunks_are_pandas_factorize():
    rng = np.random.default_rng(9)
    pieces = [
        pd.Series(rng.choice(["x", "y", None, "zz", "深圳"], size), dtype="str")
        for size in (0, 700, 1, 0, 1_300, 9)
    ]  # fmt: skip
    column = pd.concat(pieces, ignore_index=True)
    assert pa.chunked_array(pa.array(column.array)).num_chunks > 1
    codes, size = text_codes(column)
    expected, uniques = pd.factorize(column)
    assert np.array_equal(codes, expected) and size == len(uniques)
    assert codes.dtype == expected.dtype
    frame = pd.DataFrame({"a": column, "b": pd.concat(pieces[::-1], ignore_index=True)})
    kept = frame.drop_duplicates(["a", "b"]).index.to_numpy()
    assert np.array_equal(first_rows(frame, ["a", "b"]), kept)
    missing = pd.concat([pd.Series([None], dtype="str")] * 2, ignore_index=True)
    assert text_codes(missing)[1] == 0 and text_codes(missing)[0].tolist() == [-1, -1]


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
        apart = rows_where(frame, keep, joined=False)
        pd.testing.assert_frame_equal(apart, frame[keep].reset_index(drop=True))


def test_distinct_links_are_the_first_row_of_each_party_and_key():
    rng = np.random.default_rng(67)
    frames = [random_links(rng, n) for n in (300, 0, 250, 90)]
    expected = pd.concat(frames, ignore_index=True).drop_duplicates(["party", "key"])
    found = distinct(frames)
    pd.testing.assert_frame_equal(found, expected.reset_index(drop=True))
    # the rows stay in their frames' chunks: the network joins those it keeps
    assert pa.chunked_array(pa.array(found["party"].array)).num_chunks == 3
    network = build_network(found, 25)
    for name in network.links.columns:
        assert pa.chunked_array(pa.array(network.links[name].array)).num_chunks <= 1


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


def test_an_index_on_given_key_numbers_finds_the_pairs_of_the_key_texts():
    rng = np.random.default_rng(79)
    links = distinct([random_links(rng, n) for n in (300, 200)])
    links = links[links["key"].notna()].reset_index(drop=True)
    texts, _ = pd.factorize(links["key"])
    spread = rng.permutation(3 * (texts.max() + 1))[texts]  # any numbers, gaps between
    given, own = LinkIndex.build(links, spread), LinkIndex.build(links)
    parties = links["party"].drop_duplicates().to_numpy()
    codes = own.codes_of(parties)
    for found, expected in zip(given.pair_rows(codes), own.pair_rows(codes), strict=True):
        assert np.array_equal(found, expected)
    assert len(given.key_rows[0]) == len(own.key_rows[0]) and given.key_of_row.max() < len(
        own.key_rows[0]
    )
