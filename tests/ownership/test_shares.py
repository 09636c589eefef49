"""Effective shares through chains, across owners and around cycles (plain functions,
no matcher: the listed names are given as hits)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from owners import links

from detectors.ownership import OwnershipScreen, resolved_links


def screen(rows, listed: dict[str, str]) -> OwnershipScreen:
    built = OwnershipScreen.build(links(rows), None)
    node = built.nodes.set_index("name")["node"]
    built.hits = pd.DataFrame(
        {
            "node": [int(node[name]) for name in listed],
            "entry_id": [f"t:{name}" for name in listed],
            "list": "test list",
            "list_code": list(listed.values()),
            "matched_name": list(listed),
            "score": 0.97,
            "explanation": "",
        }
    )
    return built


def share_of(built: OwnershipScreen, name: str, lists=("SDN",), figure="blocked_share") -> float:
    group = built.shares(lists)
    node = int(built.nodes.set_index("name").loc[name, "node"])
    return round(float(getattr(group, figure)[node]) * 100, 4)


def test_shares_multiply_down_a_chain():
    built = screen([("A", "B", 100), ("B", "C", 60)], {"A": "SDN"})
    assert share_of(built, "C") == 60.0
    assert share_of(built, "C", figure="listed_share") == 60.0
    group = built.shares(("SDN",))
    chain = built.chains(int(built.nodes.set_index("name").loc["C", "node"]), group)
    assert [(link["owner"], link["owned"], link["share"]) for link in chain[0]["links"]] == [
        ("A", "B", 100.0),
        ("B", "C", 60.0),
    ]
    assert chain[0]["listed_entry"]["entry_id"] == "t:A"


def test_shares_add_across_listed_owners_and_paths():
    built = screen([("X", "C", 30), ("Y", "C", 25)], {"X": "SDN", "Y": "SDN"})
    assert share_of(built, "C") == 55.0
    two_paths = screen([("X", "H1", 100), ("X", "H2", 100), ("H1", "C", 20), ("H2", "C", 35)],
                       {"X": "SDN"})  # fmt: skip
    assert share_of(two_paths, "C") == 55.0


def test_a_listed_owner_of_another_list_does_not_count():
    built = screen([("X", "C", 30), ("Y", "C", 25)], {"X": "SDN", "Y": "EL"})
    assert share_of(built, "C") == 30.0
    assert share_of(built, "C", lists=("EL", "SDN")) == 55.0


def test_fifty_percent_owned_companies_are_blocked_in_turn():
    # OFAC: X (SDN) owns 50 % of A, so A is blocked; A owns 50 % of B, so B is blocked,
    # although X's effective share of B is 25 %
    built = screen([("X", "A", 50), ("A", "B", 50)], {"X": "SDN"})
    assert share_of(built, "B") == 50.0
    assert share_of(built, "B", figure="listed_share") == 25.0


def test_cycles_converge_or_stop_at_the_depth_cap():
    cross = screen([("X", "A", 60), ("A", "B", 50), ("B", "A", 50), ("B", "C", 80)], {"X": "SDN"})
    assert share_of(cross, "A", figure="listed_share") == 80.0  # 60 % / (1 - 25 %)
    assert share_of(cross, "C") == 80.0
    loop = screen([("X", "A", 100), ("A", "B", 100), ("B", "A", 100)], {"X": "SDN"})
    assert share_of(loop, "B") == 100.0  # capped at 100 %
    group = loop.shares(("SDN",))
    assert np.all(group.listed_share <= 1.0)


def test_just_under_fifty_percent_is_not_blocked():
    built = screen([("X", "C", 49.9)], {"X": "SDN"})
    group = built.shares(("SDN",))
    node = int(built.nodes.set_index("name").loc["C", "node"])
    assert share_of(built, "C") == 49.9 and not group.blocked[node]


def test_resolved_links_carry_both_ends_resolution():
    built = screen([("X", "A", 50), ("A", "B", 50)], {"X": "SDN"})
    frame = resolved_links(built)
    assert {"owner_name", "owned_name", "share", "source", "as_of", "owner_entry_id",
            "owner_score", "owned_entry_id"} <= set(frame.columns)  # fmt: skip
    assert frame.loc[0, "owner_entry_id"] == "t:X" and pd.isna(frame.loc[1, "owner_entry_id"])
