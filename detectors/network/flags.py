"""The red flags the network shows, and the related parties a case records.

- N1: the customer shares an address, phone, e-mail domain, website, payer, forwarder,
  consignee, end user or owner with a listed party (a watchlist hit of this run or of a
  past case);
- N2: the customer shares one with a customer whose case was escalated or reported;
- N3: the customer is one of a group of recently created customers sharing contact
  details.

Each flag's title, severity, weight, citation and recommended action come from the
`network.flags` settings (configs/pipeline.yaml); the evidence names every linked party,
the kind of link and the shared value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from detectors.base import empty_flags
from detectors.network.graph import (
    LinkIndex,
    Network,
    neighbourhood_rows,
    new_customer_groups,
)
from detectors.network.links import (
    CONTACT_LINKS,
    LINK_TITLES,
    among,
    first_of_codes,
    first_rows,
)
from detectors.schema import FLAG_COLUMNS

LISTED_COLUMNS: tuple[str, ...] = ("party", "listed_as")  # a listed party and why
CASED_COLUMNS: tuple[str, ...] = ("party", "case_id", "status")  # a party's case
REPORTED_STATUSES: tuple[str, ...] = ("escalated", "reported")
EVIDENCE_PARTIES = 10  # linked parties named in one flag's evidence
# what a case records of each related party, in this order
RELATED_FIELDS: tuple[str, ...] = (
    "party", "kind", "name", "hop", "via", "link", "why", "value", "listed_as", "case_id",
    "case_status",
)  # fmt: skip


def customer_node(customer_ids: pd.Series | np.ndarray) -> pd.Series:
    return "customer:" + pd.Series(customer_ids).astype("str")


def network_flags(
    orders: pd.DataFrame,
    network: Network,
    listed: pd.DataFrame,
    cased: pd.DataFrame,
    settings: Mapping[str, Any],
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """Flags (FLAG_COLUMNS) on the orders of the customers the network relates to a listed
    party (N1), to a customer with an escalated or reported case (N2), or to a group of
    new customers (N3)."""
    return flags_by_party(orders, network, listed, cased, settings, as_of)[list(FLAG_COLUMNS)]


def flags_by_party(
    orders: pd.DataFrame,
    network: Network,
    listed: pd.DataFrame,
    cased: pd.DataFrame,
    settings: Mapping[str, Any],
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """`network_flags` with the customer node of each flagged line (`party`) after
    FLAG_COLUMNS: the customer the flag is about, as the flags were found."""
    index = network.index
    # each line's customer by number: the nodes made for the day's customers, not its lines
    ids, distinct_ids = pd.factorize(orders["customer_id"])
    customers = customer_node(distinct_ids)
    left, other = index.pair_rows(index.codes_of(customers))
    near = ~index.key_is_party[other]  # the customer's own payer etc.: P1's concern
    left, other = left[near], other[near]
    reported = cased[cased["status"].isin(REPORTED_STATUSES)]
    reported = reported.assign(case=reported["case_id"] + " (" + reported["status"] + ")")
    found = [
        _flag_rows(_pairs_with(index, left, other, listed, "listed_as"), "N1", "listed_as"),
        _flag_rows(_pairs_with(index, left, other, reported, "case"), "N2", "case"),
        _new_groups(orders, network, settings, as_of, customers),
    ]
    summary = (
        pd.concat([f for f in found if len(f)], ignore_index=True)
        if any(len(f) for f in found)
        else None
    )
    if summary is None:
        return empty_flags()
    # the lines of the flagged customers (the others meet nothing in the merge), in order
    on = np.append(among(customers, summary["party"]).to_numpy(dtype=bool), False)[ids]
    lines = pd.DataFrame({
        "transaction_id": orders["transaction_id"].array[on],
        "party": customers.array.take(ids[on]),
    })  # fmt: skip
    flagged = lines.merge(summary, on="party")
    meta = settings.get("flags", {})
    code = flagged["code"]

    codes, distinct_codes = pd.factorize(code)

    def column(name: str, default: object) -> np.ndarray:
        """Each line's `name` from its code's entry in the settings (`default` if none)."""
        values = np.empty(len(distinct_codes), dtype=object)
        values[:] = [(meta.get(c) or {}).get(name, default) for c in distinct_codes]
        taken: np.ndarray = values[codes]
        return taken

    frame = pd.DataFrame({
        "transaction_id": flagged["transaction_id"].to_numpy(),
        "code": code.to_numpy(), "source": "rule",
        "title": column("title", ""),
        "severity": column("severity", "medium"),
        "weight": column("weight", 0.3).astype(float),
        "reason": flagged["reason"].to_numpy(),
        "evidence": flagged["evidence"].to_numpy(),
        "citation": column("citation", ""),
        "recommended_action": column("recommended_action", ""),
        "hard_stop": False,
    })  # fmt: skip
    return frame[list(FLAG_COLUMNS)].assign(party=flagged["party"].to_numpy())


def _pairs_with(
    index: LinkIndex, left: np.ndarray, other: np.ndarray, parties: pd.DataFrame, column: str
) -> pd.DataFrame:
    """The pairs (`LinkIndex.pair_rows`) whose other party is among `parties` (party,
    `column`), as PAIR_COLUMNS plus `column` of the party's first row: a merge of the
    pairs' frame with `parties` on the other party, in the pairs' order, made on codes so
    that only the pairs that meet one become text."""
    first = parties.drop_duplicates("party")
    codes = index.parties.get_indexer(first["party"].astype("str"))
    known = np.full(len(index.parties), -1, dtype=np.int64)
    known[codes[codes >= 0]] = np.flatnonzero(codes >= 0)
    at = known[index.party_of_row[other]]
    hit = at >= 0
    frame = index.pair_frame(left[hit], other[hit])
    return frame.assign(**{column: first[column].to_numpy()[at[hit]]})


def _flag_rows(hit: pd.DataFrame, code: str, why: str) -> pd.DataFrame:
    """One row per customer: code, reason, evidence (the linked parties)."""
    if hit.empty:
        return pd.DataFrame(columns=["party", "code", "reason", "evidence"])
    hit = hit.assign(
        shared=hit["link"].map(LINK_TITLES).fillna(hit["link"]) + " " + hit["value"]
    ).drop_duplicates(["party", "other", "key"])
    first = hit.drop_duplicates("party")
    count = hit.groupby("party", sort=False)["other"].nunique()
    more = count.reindex(first["party"]).to_numpy() - 1
    reason = (
        "Customer "
        + first["shared"]
        + " with "
        + first["other_name"]
        + " ("
        + first[why]
        + ")"
        + np.where(more > 0, " and " + more.astype(str) + " more related part(ies)", "")
    )
    records = hit[["party", "other", "other_kind", "other_name", "link", "value", why]].rename(
        columns={
            "other": "linked_party",
            "other_kind": "kind",
            "other_name": "name",
            "value": "shared_value",
            why: "why",
        }  # fmt: skip
    )
    evidence = {
        party: {"linked_parties": rows[:EVIDENCE_PARTIES], "linked_count": len(rows)}
        for party, rows in grouped_records(records, "party").items()
    }
    return pd.DataFrame({
        "party": first["party"].to_numpy(), "code": code, "reason": reason.to_numpy(),
        "evidence": first["party"].map(evidence).to_numpy(),
    })  # fmt: skip


def _new_groups(
    orders: pd.DataFrame,
    network: Network,
    settings: Mapping[str, Any],
    as_of: pd.Timestamp,
    customers: pd.Series,
) -> pd.DataFrame:
    """N3 of the `customers` (the nodes of the orders' customers)."""
    empty = pd.DataFrame(columns=["party", "code", "reason", "evidence"])
    if "customer_since" not in orders:
        return empty
    # a customer's first order line with a date, as before: one line per customer
    dated = orders[["customer_id", "customer_since"]]
    dated = dated.iloc[first_rows(dated, ["customer_id", "customer_since"])]
    dated = dated.assign(since=pd.to_datetime(dated["customer_since"], errors="coerce"))
    dated = dated.dropna(subset=["since"]).drop_duplicates("customer_id")
    since = pd.Series(dated["since"].to_numpy(), index=customer_node(dated["customer_id"]).array)
    days = int(settings.get("new_customer_days", 365))
    grouped = new_customer_groups(
        network, since, as_of, days, int(settings.get("new_customer_group", 3))
    )
    grouped = grouped[among(grouped["party"], customers)]
    if grouped.empty:
        return empty
    members = network.links[among(network.links["party"], grouped["party"])]
    members = members.merge(grouped, on="party")
    evidence = group_evidence(grouped, members)
    reason = (
        "Customer created within "
        + str(days)
        + " days is one of "
        + grouped["size"].astype(str)
        + " new customers sharing contact details"
    )
    return pd.DataFrame({
        "party": grouped["party"].to_numpy(), "code": "N3", "reason": reason.to_numpy(),
        "evidence": grouped["group"].map(evidence).to_numpy(),
    })  # fmt: skip


def group_evidence(grouped: pd.DataFrame, members: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """group -> the N3 evidence of the group: its size, its first customers (in id
    order) and the contact details they share, a few of each; on whole frames."""
    size = grouped.drop_duplicates("group").set_index("group")["size"]
    customers = members[["group", "party"]].drop_duplicates().sort_values(["group", "party"])
    customers = customers[customers.groupby("group", sort=False).cumcount() < EVIDENCE_PARTIES]
    named = customers.groupby("group", sort=False)["party"].agg(list)
    shared = members[members["link"].isin(list(CONTACT_LINKS))].drop_duplicates(["group", "key"])
    shared = shared[shared.groupby("group", sort=False).cumcount() < EVIDENCE_PARTIES]
    records = grouped_records(shared[["group", "link", "value"]], "group")
    return {
        str(group): {
            "group_size": int(size[group]),
            "customers": named.get(group, []),
            "shared": records.get(str(group), []),
        }
        for group in size.index
    }


def related_parties(
    network: Network,
    subjects: list[str],
    listed: pd.DataFrame,
    cased: pd.DataFrame,
    hops: int = 2,
    limit: int = 40,
) -> dict[str, dict[str, Any]]:
    """customer node -> {"links": [...], "hops": hops} for the case file: every party within
    `hops` of the subject, how it was reached (`via`), the kind of link and the shared
    value, whether it is listed and its case."""
    index = network.index
    reach = neighbourhood_rows(index, subjects, hops, limit)
    if not len(reach.left):
        return {}
    # grouped by subject (a stable sort keeps each subject's links in the order met)
    by_subject = np.argsort(reach.subject, kind="stable")
    left, far, hop = reach.left[by_subject], reach.other[by_subject], reach.hop[by_subject]
    # a record depends on its two link rows and hop only: the same second-hop party seen
    # from several subjects is one record, built once and shared by their lists
    rows = np.int64(len(index.party_of_row))
    which, _ = pd.factorize((left * rows + far) * 3 + hop)
    first = first_of_codes(which)
    left, far, hop = left[first], far[first], hop[first]
    other = index.party_of_row[far]
    # the texts of each link row once (a subject's own rows recur, so do the parties met)
    at, via_rows = pd.factorize(left)
    link, value = (index.texts_at(c, via_rows) for c in ("link", "value"))
    why = [
        f"{LINK_TITLES.get(kind, kind)} {text}"
        if isinstance(kind, str) and isinstance(text, str)
        else np.nan
        for kind, text in zip(link, value, strict=True)
    ]
    mine = [_spread(t, at) for t in (index.texts_at("party", via_rows), link, why, value)]
    # the parties met: nearly every record its own row, so their texts are taken at once
    theirs = [index.texts_at(c, far) for c in ("party", "party_kind", "party_name")]
    listed_as = _text_by_party(index, listed, "listed_as")
    case_id, status = (_text_by_party(index, cased, c) for c in ("case_id", "status"))
    columns = [
        *theirs, hop.tolist(), *mine,
        listed_as[other].tolist(), case_id[other].tolist(), status[other].tolist(),
    ]  # fmt: skip
    records = _spread(related_records(columns), which)
    codes = reach.subject[by_subject]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    # the subjects in the order first met, as before
    order = np.argsort(by_subject[starts], kind="stable")
    names = index.parties.take(codes[starts[order]]).astype("str").tolist()
    return {
        name: {"hops": hops, "links": records[start:end]}
        for name, start, end in zip(
            names, starts[order].tolist(), ends[order].tolist(), strict=True
        )
    }


def _spread(texts: list[Any], at: np.ndarray) -> list[Any]:
    """`texts` (one per distinct value) taken at the codes `at`: the same objects shared."""
    values = np.empty(len(texts), dtype=object)
    values[:] = texts
    spread: list[Any] = values[at].tolist()
    return spread


def related_records(columns: list[list[Any]]) -> list[dict[str, Any]]:
    """One record (RELATED_FIELDS, in that order) per row of the columns' lists: a dict
    display per row, which Python builds at twice the speed of `dict(zip(...))`."""
    return [
        {
            "party": party, "kind": kind, "name": name, "hop": hop, "via": via, "link": link,
            "why": why, "value": value, "listed_as": listed_as, "case_id": case_id,
            "case_status": case_status,
        }
        for party, kind, name, hop, via, link, why, value, listed_as, case_id, case_status
        in zip(*columns, strict=True)
    ]  # fmt: skip


def _text_by_party(index: LinkIndex, frame: pd.DataFrame, column: str) -> np.ndarray:
    """`column` of the first row of each party of `frame` (party, column) by party code
    of the index, as text; "" for a party not in `frame` or without a value."""
    cached = index.texts.get(column)
    if cached is not None and cached[0] is frame:  # the run's frames are the same each batch
        return cached[1]
    first = frame.drop_duplicates("party")
    codes = index.parties.get_indexer(first["party"].astype("str"))
    values = first[column].fillna("").astype(str).to_numpy(dtype=object)
    found = np.full(len(index.parties), "", dtype=object)
    found[codes[codes >= 0]] = values[codes >= 0]
    index.texts[column] = (frame, found)
    return found


def grouped_records(frame: pd.DataFrame, by: str) -> dict[str, list[dict[str, Any]]]:
    """`by` value -> the records (dicts, without `by`) of its rows, in frame order. The
    records are zipped from the columns' lists: the same values as `to_dict("records")`,
    which boxes every cell on its own and took seven times as long on a 1M-row run."""
    rest = frame.drop(columns=by)
    names = [str(name) for name in rest.columns]
    columns = [rest[name].tolist() for name in names]
    records = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for key, record in zip(frame[by].astype(str).tolist(), records, strict=True):
        grouped.setdefault(key, []).append(record)
    return grouped
