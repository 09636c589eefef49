"""The key codes the history's links are told apart on, given to the network instead of
numbering a day's keys again: the same network as numbering them afresh."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.network.graph import build_network
from detectors.network.links import joined_key_codes, keyed_distinct, text_codes


def order_part(seed: int, size: int = 3_000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kinds = np.array(["address", "phone", "payer"])[rng.integers(0, 3, size)]
    keys = rng.integers(0, 500, size)
    frame = pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 600, size)],
        "party_kind": "customer", "party_name": [f"Name {n}" for n in rng.integers(0, 80, size)],
        "key": [f"{k}:{n}" for k, n in zip(kinds, keys, strict=True)],
        "link": kinds, "value": [f"value {n}" for n in keys],
    })  # fmt: skip
    frame.loc[frame.index[::97], "key"] = None
    return frame.astype("str")


def owned_links(seed: int, size: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    owners = rng.integers(0, 60, size)
    return pd.DataFrame({
        "party": [f"customer:C{n}" for n in rng.integers(0, 600, size)],
        "party_kind": "customer", "party_name": "Owned Ltd", "key": [f"owner:o{n}" for n in owners],
        "link": "owner", "value": [f"Owner {n} (51 %)" for n in owners],
    }).drop_duplicates(["party", "key"], ignore_index=True).astype("str")  # fmt: skip


def same_network(a, b) -> bool:
    return bool(
        a.links.equals(b.links) and a.group.equals(b.group) and a.common_keys.equals(b.common_keys)
    )


def test_the_network_on_the_kept_key_codes_is_the_network_on_fresh_ones():
    # three parts of links (one per history part), repeating some (party, key) across parts
    parts = [order_part(seed) for seed in (3, 4, 5)]
    parts.append(parts[0].iloc[::3])
    links, codes = keyed_distinct(parts)
    assert len(codes) == len(links) < sum(len(p) for p in parts)
    # the codes tell the same keys apart as numbering the kept rows' keys afresh
    fresh, _ = text_codes(links["key"])
    assert np.array_equal(pd.factorize(codes)[0], pd.factorize(fresh)[0])
    assert np.array_equal(codes < 0, links["key"].isna().to_numpy())
    owned = owned_links(7)
    joined = joined_key_codes(links, codes, owned)
    assert joined is not None
    whole = pd.concat([links, owned], ignore_index=True)
    for most in (4, 25):
        assert same_network(build_network(whole, most, joined), build_network(whole, most))


def test_history_links_with_an_owner_key_are_numbered_afresh():
    links, codes = keyed_distinct([order_part(11), owned_links(12)])
    assert joined_key_codes(links, codes, owned_links(13)) is None
    assert joined_key_codes(links, codes[:-1], owned_links(13)) is None
    assert joined_key_codes(links, None, owned_links(13)) is None
