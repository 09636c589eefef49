"""Ownership red flags: an order party owned, through any chain, by listed parties.

O1  owned 50 % or more in aggregate by SDNs (OFAC's 50 % rule: blocked as they are)
O2  owned 50 % or more by Entity List / MEU / SDN parties while the affiliates rule is
    in force (the layer configs/policy/layers/affiliates_rule_2025.yaml dates it); a
    party SDNs alone block is O1's (blocked whatever the date, the stronger finding),
    so one chain is reported once
O3  a significant minority share held by listed parties (below the blocking share)
O4  a director shared with a listed organisation, or a listed director

The shares and chains come from `detectors.ownership.OwnershipScreen` (built once per
run); the order parties (customer, consignee, end user) are resolved to its names with
the matcher, once per frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.ownership import OwnershipScreen, shared_directors
from detectors.rules.context import RuleContext
from detectors.rules.registry import RuleHits, RuleNotEvaluable, rule

# the order parties resolved to ownership names: role -> (name, country) columns
PARTY_ROLES: dict[str, tuple[str, str]] = {
    "customer": ("customer_name", "customer_country"),
    "ship_to": ("ship_to_name", "ship_to_country"),
    "end_user": ("end_user_name", "end_user_country"),
}


def ownership_of(ctx: RuleContext) -> OwnershipScreen:
    if ctx.ownership is None:
        raise RuleNotEvaluable("needs ownership data (none given with --ownership in this run)")
    if ctx.watchlist is None:
        raise RuleNotEvaluable("needs a restricted-party list (no watchlist in this run)")
    screen: OwnershipScreen = ctx.ownership
    return screen


def resolved_parties(tx: pd.DataFrame, ctx: RuleContext) -> pd.DataFrame:
    """One row per (order line, party role, ownership node) the party resolved to:
    tx_index, role, party_name, node, node_name, score, explanation."""
    screen = ownership_of(ctx)

    def compute() -> pd.DataFrame:
        frames = []
        for role, (name, country) in PARTY_ROLES.items():
            if name not in tx:
                continue
            part = pd.DataFrame(
                {
                    "tx_index": tx.index.to_numpy(),
                    "role": role,
                    "name": tx[name].to_numpy(),
                    "country": tx[country].to_numpy() if country in tx else None,
                    "customer_id": tx["customer_id"].to_numpy() if role == "customer" else None,
                }
            )
            frames.append(part[part["name"].notna()])
        lines = pd.concat(frames, ignore_index=True)
        lines["party_id"] = lines["role"].astype(str)
        for column in ("name", "country", "customer_id"):
            text = lines[column].astype(object).where(lines[column].notna(), "").astype(str)
            lines["party_id"] = lines["party_id"] + "\x1f" + text
        parties = lines.drop_duplicates("party_id").drop(columns=["tx_index"])
        matches = screen.resolve_parties(parties, ctx.watchlist.settings)
        out = lines.merge(matches, on="party_id")
        return out.rename(columns={"name": "party_name"})[
            ["tx_index", "role", "party_name", "node", "node_name", "score", "explanation"]
        ]

    return ctx.cached(f"ownership-parties-{len(tx)}-{id(tx)}", compute)


def list_param(params: dict[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(x).upper() for x in (params.get(key) or default))


def owned_parties(
    tx: pd.DataFrame,
    ctx: RuleContext,
    screen: Any,
    lists: tuple[str, ...],
    blocking: float,
    at_least: float,
) -> tuple[Any, pd.DataFrame]:
    """The shares of `lists` (owners blocking at `blocking`, a fraction) and the line
    parties they own `at_least` % or more of in aggregate, not listed themselves."""
    parties = resolved_parties(tx, ctx)
    group = screen.shares(lists, blocking)
    nodes = parties["node"].to_numpy(dtype=np.int64)
    found = parties.assign(
        aggregate_share=group.blocked_share[nodes] * 100.0,
        listed_share=group.listed_share[nodes] * 100.0,
        self_listed=group.listed[nodes],
    )
    return group, found[(found["aggregate_share"] >= at_least - 1e-9) & ~found["self_listed"]]


def blocked_lines(
    tx: pd.DataFrame, ctx: RuleContext, lists: tuple[str, ...], threshold: float, code: str
) -> RuleHits:
    """Lines whose party is owned `threshold` % or more by blocked owners of `lists`
    (and is not itself on those lists: that is a list hit of its own)."""
    screen = ownership_of(ctx)
    group, found = owned_parties(tx, ctx, screen, lists, threshold / 100.0, threshold)
    if found.empty:
        return RuleHits.none(tx)
    return hits_of(tx, found, screen, group, lists, threshold, code)


def hits_of(
    tx: pd.DataFrame,
    found: pd.DataFrame,
    screen: OwnershipScreen,
    group: Any,
    lists: tuple[str, ...],
    threshold: float,
    code: str,
) -> RuleHits:
    """One hit per line (its party with the largest share), with the chains behind it."""
    best = found.sort_values(
        ["aggregate_share", "score"], ascending=False, kind="stable"
    ).drop_duplicates("tx_index")
    chains = {int(n): screen.chains(int(n), group) for n in best["node"].unique()}
    best = best.set_index("tx_index")
    mask = pd.Series(tx.index.isin(best.index), index=tx.index)
    hit = best.reindex(tx.index[mask.to_numpy()])
    tops = [chains[int(n)] for n in hit["node"]]
    owners = [
        "; ".join(f"{c['listed_owner']} ({c['effective_share']:g} %)" for c in t) for t in tops
    ]
    reason = (
        hit["role"].str.replace("_", " ")
        + " '" + hit["party_name"].astype(str) + "' (resolved to '"
        + hit["node_name"].astype(str) + "', score " + hit["score"].astype(float).round(2).astype(str)
        + ") is " + hit["aggregate_share"].round(2).astype(str) + " % owned by parties on "
        + "/".join(lists) + " (threshold " + f"{threshold:g}" + " %); listed owners: "
        + pd.Series(owners, index=hit.index)
    )  # fmt: skip
    evidence = party_evidence(
        hit,
        screen,
        aggregate_share=hit["aggregate_share"].round(2),
        listed_share=hit["listed_share"].round(2),
        threshold=float(threshold),
        lists="/".join(lists),
        chain=pd.Series([chain_text(t) for t in tops], index=hit.index, dtype=object),
        chains=pd.Series(tops, index=hit.index, dtype=object),
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


def party_evidence(hit: pd.DataFrame, screen: OwnershipScreen, **found: Any) -> pd.DataFrame:
    """The evidence of an ownership flag, one row per hit line: the order party, the
    ownership name it resolved to and how well, what the rule `found`, the snapshot."""
    return pd.DataFrame(
        {
            "party_role": hit["role"],
            "party_name": hit["party_name"],
            "ownership_name": hit["node_name"],
            "resolution_score": hit["score"].astype(float),
            **found,
            "ownership_snapshot": str(screen.snapshot.get("id", "")),
        },
        index=hit.index,
    )


def chain_text(chains: list[dict[str, Any]]) -> str:
    """The chains as one readable line each (the case page shows them as text):
    listed entry at the top, then every link with its share, source, date and score."""
    lines = []
    for chain in chains:
        entry = chain["listed_entry"]
        text = (
            f"[{entry.get('list_code', '?')} {entry.get('entry_id', '?')} "
            f"'{entry.get('matched_name', '?')}', score {entry.get('score', 0):.2f}] "
            f"{chain['listed_owner']}"
        )
        for link in chain["links"]:
            score = link["owner_resolution_score"]
            share = "?" if link["share"] is None else f"{link['share']:g}"
            text += (
                f" -({share} %; {link['source'] or 'no source'}, {link['as_of'] or 'undated'}"
                f"{'' if score is None else f'; owner score {score:.2f}'})-> {link['owned']}"
            )
        lines.append(f"{text} = {chain['effective_share']:g} % effective")
    return " | ".join(lines)


@rule("O1")
def ofac_fifty_percent(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The party is owned 50 % or more, directly or indirectly, in aggregate, by SDNs."""
    lists = list_param(params, "lists", ("SDN",))
    return blocked_lines(tx, ctx, lists, float(params.get("threshold_percent", 50)), "O1")


@rule("O2")
def affiliate_of_listed(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The party is owned 50 % or more by parties on the lists the affiliates rule names
    (Entity List, MEU, SDN); the engine judges only lines dated while the rule is in force."""
    default = tuple((ctx.policy.get("affiliates_rule") or {}).get("lists") or ("EL", "MEU", "SDN"))
    lists = list_param(params, "lists", default)
    threshold = float(params.get("threshold_percent", 50))
    screen = ownership_of(ctx)
    group, found = owned_parties(tx, ctx, screen, lists, threshold / 100.0, threshold)
    # a party SDNs alone block is O1's finding, reported once under the stronger rule
    found = found[~blocked_on_line(found, tx, ctx, codes=("O1",))]
    if found.empty:
        return RuleHits.none(tx)
    return hits_of(tx, found, screen, group, lists, threshold, "O2")


@rule("O3")
def listed_minority_owner(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """Listed parties hold a significant minority share (`minority_percent`, default 25)
    of the party, and no blocking rule applies to the line."""
    screen = ownership_of(ctx)
    lists = list_param(params, "lists", ("SDN", "EL", "MEU"))
    minority = float(params.get("minority_percent", 25))
    group, found = owned_parties(tx, ctx, screen, lists, 0.5, minority)
    found = found[~blocked_on_line(found, tx, ctx)]
    if found.empty:
        return RuleHits.none(tx)
    return hits_of(tx, found, screen, group, lists, minority, "O3")


def blocked_on_line(
    found: pd.DataFrame, tx: pd.DataFrame, ctx: RuleContext, codes: tuple[str, ...] = ("O1", "O2")
) -> np.ndarray:
    """Whether O1 (any date) or O2 (dates its layer is in force), as enabled in the pack,
    blocks each found party on its line."""
    screen: OwnershipScreen = ctx.ownership
    blocked = np.zeros(len(found), dtype=bool)
    nodes = found["node"].to_numpy(dtype=np.int64)
    for code in codes:
        try:
            spec = ctx.pack.rule(code)
        except KeyError:
            continue
        if not spec.enabled:
            continue
        lists = list_param(spec.parameters, "lists", ())
        if not lists:
            lists = tuple((ctx.policy.get("affiliates_rule") or {}).get("lists") or ("SDN",))
        threshold = float(spec.parameters.get("threshold_percent", 50))
        group = screen.shares(lists, threshold / 100.0)
        over = group.blocked_share[nodes] * 100.0 >= threshold - 1e-9
        layer = ctx.pack.layer_of(code)
        if layer is not None:
            dates = tx.loc[found["tx_index"].to_numpy(), "order_date"]
            over &= layer.in_force_mask(dates).to_numpy(dtype=bool)
        blocked |= over
    return blocked


@rule("O4")
def shared_director(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A director of the party also directs a listed organisation, or is listed."""
    screen = ownership_of(ctx)
    lists = list_param(params, "lists", ("SDN", "EL", "MEU"))
    boards = shared_directors(screen, lists)
    if boards.empty:
        return RuleHits.none(tx)
    parties = resolved_parties(tx, ctx)
    found = parties.merge(boards, left_on="node", right_on="org")
    if found.empty:
        return RuleHits.none(tx)
    best = found.sort_values("score", ascending=False, kind="stable").drop_duplicates("tx_index")
    best = best.set_index("tx_index")
    mask = pd.Series(tx.index.isin(best.index), index=tx.index)
    hit = best.reindex(tx.index[mask.to_numpy()])
    names = screen.nodes["name"].to_numpy()
    director = pd.Series(names[hit["director"].to_numpy(dtype=np.int64)], index=hit.index)
    listed = pd.Series(names[hit["listed_node"].to_numpy(dtype=np.int64)], index=hit.index)
    entries = [screen.best_hit(int(n), lists) for n in hit["listed_node"]]
    reason = (
        hit["role"].str.replace("_", " ") + " '" + hit["party_name"].astype(str)
        + "' shares director '" + director + "' with '" + listed + "' ("
        + pd.Series([e.get("list_code", "") for e in entries], index=hit.index) + " entry '"
        + pd.Series([e.get("matched_name", "") for e in entries], index=hit.index) + "')"
    )  # fmt: skip
    evidence = party_evidence(
        hit,
        screen,
        director=director,
        listed_party=listed,
        listed_entry=pd.Series(entries, index=hit.index, dtype=object),
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
