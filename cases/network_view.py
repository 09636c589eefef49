"""A case's neighbourhood as the review app draws it: a server-rendered SVG (no script,
no inline style, so the app's Content-Security-Policy stays strict), the customer in the
middle, the parties one hop away on an inner ring, two hops on an outer ring; every node
marked listed, with an open case, with a decided case, or plain, every edge labelled with
its kind of link."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cases.content import DECIDED_STATUSES
from cases.model import Case

WIDTH, HEIGHT = 760, 520
RINGS = {1: 150.0, 2: 235.0}
KIND_LABELS = {
    "customer": "customer", "consignee": "consignee", "end_user": "end user", "payer": "payer",
    "forwarder": "forwarder", "owner": "owner", "company": "company",
}  # fmt: skip


@dataclass
class Node:
    party: str
    label: str
    kind: str
    x: float
    y: float
    state: str  # subject, listed, open-case, decided-case or plain
    title: str
    case_id: str = ""


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    link: str
    title: str


@dataclass
class NetworkView:
    width: int = WIDTH
    height: int = HEIGHT
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    listed: int = 0
    cases: int = 0


def node_state(link: Mapping[str, Any]) -> str:
    if link.get("listed_as"):
        return "listed"
    if link.get("case_id"):
        return "decided-case" if link.get("case_status") in DECIDED_STATUSES else "open-case"
    return "plain"


def network_view(case: Case) -> NetworkView | None:
    """The SVG's nodes and edges, or None when the case records no related party."""
    links = (case.related or {}).get("links") or []
    if not links:
        return None
    subject = "customer:" + str(case.subject.get("customer_id"))
    cx, cy = WIDTH / 2, HEIGHT / 2
    places: dict[str, tuple[float, float]] = {subject: (cx, cy)}
    view = NetworkView()
    view.nodes.append(Node(subject, _short(str(case.subject.get("name", ""))), "customer",
                           cx, cy, "subject", f"{case.subject.get('name', '')} (this case)"))  # fmt: skip
    angles: dict[str, float] = {}
    firsts = list(dict.fromkeys(link["party"] for link in links if link.get("hop") == 1))
    for i, party in enumerate(firsts):
        angles[party] = 2 * math.pi * i / max(len(firsts), 1) - math.pi / 2
    # two hops out: beside the party they were reached through, fanned out around its angle
    children: dict[str, list[str]] = {}
    for link in links:
        if link.get("hop") == 2 and link["party"] not in angles:
            via = str(link.get("via"))
            if link["party"] not in children.get(via, []):
                children.setdefault(via, []).append(link["party"])
                angles[link["party"]] = math.nan
    spread = min(0.5, math.pi / max(len(firsts), 1))
    for via, parties in children.items():
        base = angles.get(via, -math.pi / 2)
        for j, party in enumerate(parties):
            angles[party] = base + (j - (len(parties) - 1) / 2) * spread / max(len(parties), 1)
    for link in links:
        angle, ring = angles[link["party"]], RINGS[2 if link.get("hop") == 2 else 1]
        places.setdefault(
            link["party"], (cx + ring * math.cos(angle), cy + ring * 0.8 * math.sin(angle))
        )
    for link in links:
        party = link["party"]
        if party in {n.party for n in view.nodes}:
            continue
        x, y = places[party]
        state = node_state(link)
        kind = KIND_LABELS.get(str(link.get("kind")), str(link.get("kind")))
        extra = f"; listed: {link['listed_as']}" if link.get("listed_as") else ""
        extra += f"; case {link['case_id']} ({link['case_status']})" if link.get("case_id") else ""
        view.nodes.append(Node(party, _short(str(link.get("name", ""))), kind, round(x, 1),
                               round(y, 1), state, f"{link.get('name', '')} ({kind}){extra}",
                               str(link.get("case_id") or "")))  # fmt: skip
        view.listed += state == "listed"
        view.cases += bool(link.get("case_id"))
    for link in links:
        start = places.get(str(link.get("via")))
        end = places.get(link["party"])
        if start is None or end is None:
            continue
        view.edges.append(Edge(round(start[0], 1), round(start[1], 1), round(end[0], 1),
                               round(end[1], 1), str(link["link"]), str(link.get("why", ""))))  # fmt: skip
    return view


def _short(text: str, size: int = 22) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
