"""The network of related parties around each case of a run (detectors.network): the
listed parties (this run's watchlist hits and those of past cases) and the customers'
cases from the store, the related parties put on each draft, and the network flags
(N1-N3) added to the drafts they concern, their risk raised by the same noisy-OR."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cases.content import higher_priority
from cases.grouping import case_priority
from cases.model import CaseDraft, CaseFlag
from cases.store import CaseStore
from cases.tables import case_matches, cases
from detectors.base import empty_flags
from detectors.network.flags import customer_node, flags_by_party, related_parties
from detectors.network.graph import Network, build_network
from detectors.network.links import first_of_codes, joined_key_codes, owner_links
from detectors.ownership import OwnershipScreen, resolved_links
from detectors.rules.policy import name_key
from detectors.schema import FLAG_COLUMNS
from flows.runtime.memory import small_pages

# the order columns the network reads besides the links: who ordered what, and since when
NETWORK_ORDER_COLUMNS: tuple[str, ...] = (
    "transaction_id", "customer_id", "customer_name", "customer_since",
)  # fmt: skip
# the `owner_keys` of ownership rows (owner_name, owned_name, share, source), however had
OwnerKeys = Callable[[pd.DataFrame], pd.DataFrame]
# watchlist roles -> the network's party kinds (an intermediate consignee is not linked)
ROLE_KINDS: dict[str, str] = {
    "ship_to": "consignee", "end_user": "end_user", "payer": "payer",
    "freight_forwarder": "forwarder",
}  # fmt: skip


@dataclass
class RunNetwork:
    """What the network gives the run's drafts: related parties and flags per customer."""

    network: Network | None = None
    listed: pd.DataFrame = field(default_factory=pd.DataFrame)
    cased: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: Mapping[str, Any] = field(default_factory=dict)
    flags: dict[str, list[CaseFlag]] = field(default_factory=dict)  # by customer node
    counts: dict[str, int] = field(default_factory=dict)
    related: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the flags put on the drafts, by transaction: (transaction_id, code, weight)
    attached: list[tuple[str, str, float]] = field(default_factory=list)
    # the network's flags on the run's orders (FLAG_COLUMNS), those on drafts or not
    found: pd.DataFrame = field(default_factory=empty_flags)
    # wall seconds spent finding related parties and attaching them (the run's "network"
    # stage counts them: the drafts are attached lazily, between the cases' batches)
    seconds: float = 0.0

    def attach_all(
        self, drafts: Iterator[CaseDraft], case_settings: Mapping[str, Any], batch: int = 2_000
    ) -> Iterator[CaseDraft]:
        """The drafts with their related parties (found for a batch of drafts at a time:
        only the customers with a case need theirs) and network flags."""
        while True:
            chunk = list(itertools.islice(drafts, batch))
            if not chunk:
                return
            started = time.perf_counter()
            # the search's short-lived arrays faulted in as base pages (`small_pages`);
            # the block ends before the drafts go on, to the store and the forked writers
            with small_pages():
                if self.network is not None:
                    subjects = ["customer:" + str(d.subject.get("customer_id")) for d in chunk]
                    self.related = related_parties(
                        self.network, subjects, self.listed, self.cased,
                        int(self.settings.get("hops", 2)),
                        int(self.settings.get("max_related", 40)),
                    )  # fmt: skip
                attached = [self.attach(d, case_settings) for d in chunk]
            self.seconds += time.perf_counter() - started
            yield from attached

    def attached_flags(self) -> pd.DataFrame:
        """The network flags put on drafts: transaction_id, code, weight."""
        return pd.DataFrame(self.attached, columns=["transaction_id", "code", "weight"])

    def attached_flag_rows(self) -> pd.DataFrame:
        """The network flags that reached a case, one per transaction and code, in the flag
        schema (FLAG_COLUMNS, evidence as JSON text) and in the order they were found: what
        `attached_flags` adds to the scores, in full."""
        reached = self.attached_flags().drop_duplicates(["transaction_id", "code"])
        rows = self.found.merge(reached[["transaction_id", "code"]], on=["transaction_id", "code"])
        evidence = [json.dumps(e, default=str) for e in rows["evidence"]]
        return rows.assign(evidence=evidence)[list(FLAG_COLUMNS)]

    def attach(self, draft: CaseDraft, case_settings: Mapping[str, Any]) -> CaseDraft:
        node = "customer:" + str(draft.subject.get("customer_id"))
        draft.related = self.related.get(node, {})
        added = [f for f in self.flags.get(node, []) if f.code not in {g.code for g in draft.flags}]
        if added:
            keep = 1.0 - draft.risk_score / 100.0
            lines = set(draft.transaction_ids)
            for flag in added:
                keep *= 1.0 - flag.weight
                flag.transaction_ids = [
                    t for t in flag.transaction_ids if t in lines
                ] or flag.transaction_ids
            draft.flags = [*draft.flags, *added]
            self.attached.extend(
                (str(t), flag.code, float(flag.weight))
                for flag in added
                for t in flag.transaction_ids
            )
            draft.risk_score = max(draft.risk_score, round(100 * (1.0 - keep)))
            computed = case_priority(draft.risk_score, False, case_settings.get("priority", {}))
            draft.priority = higher_priority(draft.priority, computed)
            actions = [f.recommended_action for f in added if f.recommended_action]
            draft.recommended_actions = list(dict.fromkeys([*draft.recommended_actions, *actions]))
        return draft


def with_network_flags(scored: pd.DataFrame, attached: pd.DataFrame) -> pd.DataFrame:
    """`scored` (transaction_id, risk_score, flags, ...) with the network flags that reached
    a case (`attached`: transaction_id, code, weight): their codes among the transaction's
    flags, its risk raised by the same noisy-OR as the case's."""
    if attached.empty or scored.empty:
        return scored
    ids = scored["transaction_id"].astype(str)
    found = attached[attached["transaction_id"].isin(ids)]
    if found.empty:
        return scored
    strongest = found.groupby(["transaction_id", "code"], sort=True)["weight"].max().reset_index()
    strongest["log_keep"] = np.log1p(-strongest["weight"].clip(0.0, 0.999999))
    per_tx = strongest.groupby("transaction_id", sort=False).agg(
        log_keep=("log_keep", "sum"), codes=("code", ";".join)
    )
    at = ids.isin(per_tx.index).to_numpy()
    mine = per_tx.reindex(ids[at])
    before = scored.loc[at, "flags"].astype(str).to_numpy()
    codes = [
        ";".join(sorted({*old.split(";"), *new.split(";")} - {""}))
        for old, new in zip(before, mine["codes"], strict=True)
    ]
    keep = (1.0 - scored.loc[at, "risk_score"].to_numpy(dtype=float) / 100.0) * np.exp(
        mine["log_keep"].to_numpy()
    )
    scored = scored.copy()
    scored.loc[at, "flags"] = codes
    scored.loc[at, "risk_score"] = np.rint(100.0 * (1.0 - keep)).astype(int)
    return scored


def listed_from_hits(hit_flags: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """This run's listed parties (party, listed_as) from its watchlist flags (`evidence`
    a dict or JSON text with role, party_name, list, matched_name, score)."""
    hits = hit_flags[hit_flags["source"] == "watchlist"]
    if hits.empty:
        return pd.DataFrame(columns=["party", "listed_as"])
    evidence = _evidence_dicts(hits["evidence"])
    frame = pd.DataFrame({
        "transaction_id": hits["transaction_id"].astype(str).to_numpy(),
        "role": [str(e.get("role", "")) for e in evidence],
        "name": [str(e.get("party_name", "")) for e in evidence],
        "listed_as": [f"{e.get('list', 'list')} hit in this run: {e.get('matched_name', '')}"
                      f" ({float(e.get('score', 0)):.2f})" for e in evidence],
    })  # fmt: skip
    customer_of = pd.Series(
        orders["customer_id"].astype(str).to_numpy(), index=orders["transaction_id"].astype(str)
    )
    customer_of = customer_of[~customer_of.index.duplicated()]
    kind = frame["role"].map(ROLE_KINDS)
    party = (kind + ":" + name_key(frame["name"].astype("str"))).where(kind.notna())
    party = party.fillna(
        customer_node(frame["transaction_id"].map(customer_of)).where(frame["role"] == "customer")
    )
    return pd.DataFrame({"party": party, "listed_as": frame["listed_as"]}).dropna()


def _evidence_dicts(evidence: pd.Series) -> list[dict[str, Any]]:
    """The evidence of each flag as a dict (a dict as it is, JSON text read once per
    distinct text: a party's hit repeats on each of its orders)."""
    texts = evidence.map(lambda e: e if isinstance(e, str) else None)
    codes, uniques = pd.factorize(texts)
    read = [json.loads(text) for text in uniques]
    return [read[c] if c >= 0 else e for c, e in zip(codes.tolist(), evidence, strict=True)]


def ownership_network(
    resolved: pd.DataFrame, orders: pd.DataFrame, keys_of: OwnerKeys | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The links (LINK_COLUMNS) and the listed owners (party, listed_as) of the ownership
    data (`detectors.ownership.resolved_links`): an owned company whose name is a
    customer's is that customer, and two parties with the same owner are related through
    it; an owner the matcher resolved to a list entry is a listed party. `keys_of`: gives
    the `owner_keys` of the ownership rows (kept from an earlier run), else made here."""
    owning = resolved[resolved["relation"] == "ownership"]
    rows = owning[["owner_name", "owned_name", "share", "source"]]
    keys = keys_of(rows) if keys_of is not None and len(rows) else None
    links = owner_links(rows, orders, keys)
    on_list = owning[owning["owner_entry_id"].notna()].drop_duplicates("owner_name")
    listed = pd.DataFrame({
        "party": ("owner:" + name_key(on_list["owner_name"].astype("str"))).to_numpy(),
        "listed_as": [f"{lst} entry {name} ({float(score):.2f}), owner in the ownership data"
                      for lst, name, score in zip(on_list["owner_list"],
                                                  on_list["owner_matched_name"],
                                                  on_list["owner_score"], strict=True)],
    })  # fmt: skip
    return links, listed


def store_context(engine: sa.Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From the case store: the listed parties of past cases (party, listed_as; from the
    cases' watchlist matches, `case_matches`, in the cases' order and each case's) and
    every customer's cases (party, case_id, status), the latest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(cases.c.case_id, cases.c.case_key, cases.c.status).order_by(
                cases.c.seq.desc()
            )
        ).all()
        m = case_matches.c
        matched = conn.execute(
            sa.select(cases.c.case_id, cases.c.case_key, m.role, m.party_name, m.list_name,
                      m.matched_name)
            .join(cases, cases.c.case_id == m.case_id)
            .order_by(cases.c.seq, m.position)
        ).all()  # fmt: skip
    cased = pd.DataFrame(
        [(k, i, s) for i, k, s in rows if k.startswith("customer:")],
        columns=["party", "case_id", "status"],
    )
    listed = []
    for case_id, key, role, name, list_name, matched_name in matched:
        why = f"{list_name} hit of case {case_id}: {matched_name}"
        if role == "customer":
            listed.append((key, why))
        elif role in ROLE_KINDS:
            listed.append((f"{ROLE_KINDS[role]}:{name}", why))
    frame = pd.DataFrame(listed, columns=["party", "listed_as"])
    if len(frame):
        kinds = frame["party"].str.extract(r"^([a-z_]+):(.*)$")
        named = kinds[0] != "customer"
        keyed = kinds[0] + ":" + name_key(kinds[1].astype("str"))
        frame = frame.assign(party=frame["party"].where(~named, keyed))
    return frame, cased


def related_network(
    orders: pd.DataFrame,
    links: pd.DataFrame,
    hit_flags: pd.DataFrame,
    store_url: str,
    ownership: OwnershipScreen | None,
    settings: Mapping[str, Any],
    as_of: pd.Timestamp,
    owner_keys: OwnerKeys | None = None,
    key_codes: np.ndarray | None = None,
) -> RunNetwork:
    """The network of a run: `links` (its orders' and the kept history's, `distinct`)
    with the ownership data's, the listed parties (this run's watchlist hits among
    `hit_flags`, the store's past cases, the owners on a list), the store's cases, and
    what it all gives each of the run's customers (`orders`: NETWORK_ORDER_COLUMNS).
    `owner_keys`: the ownership rows' keys kept from an earlier run (`ownership_network`);
    `key_codes`: the key codes of `links` when had already (`keyed_distinct`)."""
    store = CaseStore(store_url)  # read only: no workflow policy needed
    try:
        listed_before, cased = store_context(store.engine)
    finally:
        store.close()
    listed = pd.concat([listed_from_hits(hit_flags, orders), listed_before], ignore_index=True)
    if ownership is not None:
        owned, listed_owners = ownership_network(resolved_links(ownership), orders, owner_keys)
        # no order link has an owner for key: the two sets of links never meet
        key_codes = joined_key_codes(links, key_codes, owned)
        links = pd.concat([links, owned], ignore_index=True)
        listed = pd.concat([listed, listed_owners], ignore_index=True)
    return run_network(orders, links, listed, cased, settings, as_of, key_codes)


def run_network(
    orders: pd.DataFrame,
    links: pd.DataFrame,
    listed: pd.DataFrame,
    cased: pd.DataFrame,
    settings: Mapping[str, Any],
    as_of: pd.Timestamp,
    key_codes: np.ndarray | None = None,
) -> RunNetwork:
    """The network over `links` (the run's and the history's orders, and any ownership)
    and what it gives each of the run's customers (`key_codes`: see `build_network`)."""
    network = build_network(links, int(settings.get("max_parties_per_key", 25)), key_codes)
    # the flags with their customer node (`party`), as the lines were flagged
    flags = flags_by_party(orders, network, listed, cased, settings, as_of)
    counts = {
        "parties_linked": network.parties,
        "links": len(network.links),
        "hub_keys_left_out": len(network.common_keys),
        **{f"flags_{c}": int(n) for c, n in flags["code"].value_counts().items()},
    }
    return RunNetwork(network, listed, cased, settings, case_flags(flags), counts, found=flags)


def case_flags(flags: pd.DataFrame) -> dict[str, list[CaseFlag]]:
    """customer node -> its case flags, one per code: the first line's flag (`flags`:
    FLAG_COLUMNS and `party`, the line's customer node) with the transactions of all its
    lines, in the order the flags were found. Grouped on the codes of the lines' party and
    code, not by a Python grouping of a day's lines."""
    if not len(flags):
        return {}
    parties, party_texts = pd.factorize(flags["party"])
    codes, _ = pd.factorize(flags["code"])
    pair, _ = pd.factorize(parties.astype(np.int64) * (int(codes.max()) + 1) + codes)
    first = first_of_codes(pair)  # the first line of each (party, code), in the order met
    counts = np.bincount(pair)
    ends = np.cumsum(counts)
    ids = flags["transaction_id"].to_numpy(dtype=object)[np.argsort(pair, kind="stable")]
    texts = [str(t) for t in ids.tolist()]
    by_customer: dict[str, list[CaseFlag]] = {}
    spans = zip((ends - counts).tolist(), ends.tolist(), strict=True)
    for row, (start, end) in zip(flags.iloc[first].itertuples(index=False), spans, strict=True):
        by_customer.setdefault(str(row.party), []).append(CaseFlag(
            code=str(row.code), source="rule", title=str(row.title), severity=str(row.severity),
            transaction_ids=texts[start:end], evidence=dict(row.evidence),
            citation=str(row.citation), weight=float(row.weight), reason=str(row.reason),
            recommended_action=str(row.recommended_action),
        ))  # fmt: skip
    return by_customer
