"""Licensed business with customers in China, Hong Kong and Macau, as the law allowed it on
each order date (docs/ARCHITECTURE.md, "Since May 2025, dated"):

- before 2025-04-09 the H20 (below 3A090) needed no licence: it ships without one;
- from 2025-04-09 it needs one by letter, and licences were issued from August 2025: from
  then on it ships with a licence, and not at all in between;
- from 2026-01-15 licences for the H200 class (chips below TPP 21,000, exported from the
  US) are reviewed case by case: such items ship with a licence from then on.

Nothing above the line (B200/GB200 class) goes to China in the clean population, and the
rest of a Chinese customer's business is ordinary items."""

from __future__ import annotations

from datetime import date

import numpy as np

from detectors.synthetic.missing import MISSING
from detectors.synthetic.orders import ItemTable, draw_from
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import among
from detectors.synthetic.terms import licence_numbers


def _offset(params: GeneratorParams, when: date) -> int:
    return (when - params.start).days


def china_items(
    rng: np.random.Generator,
    items: ItemTable,
    item_idx: np.ndarray,
    china: np.ndarray,
    day: np.ndarray,
    params: GeneratorParams,
) -> np.ndarray:
    """`item_idx` with the lines of China-based customers redrawn: a share
    `licensed_china_share` of them are controlled items a licence could cover on their date
    (or the H20 before it needed one), the rest ordinary items."""
    item_idx = item_idx.copy()
    rows = np.flatnonzero(china)
    if not len(rows):
        return item_idx
    ordinary = items.where(~items.controlled & ~items.prc_developed & ~items.h20_class)
    h20 = items.where(items.h20_class & ~items.prc_developed)
    below = items.where(items.controlled & ~items.above_line & ~items.h20_class)
    d = day[rows]
    letter = _offset(params, params.h20_letter_date)
    issued = _offset(params, params.h20_licences_from)
    review = _offset(params, params.review_policy_date)
    h20_allowed = (d < letter) | (d >= issued)
    wants = rng.random(len(rows)) < params.licensed_china_share
    new = draw_from(rng, ordinary, len(rows))
    if len(h20):
        pick_h20 = wants & h20_allowed & ((d < review) | (rng.random(len(rows)) < 0.3))
        new[pick_h20] = draw_from(rng, h20, int(pick_h20.sum()))
    else:
        pick_h20 = np.zeros(len(rows), dtype=bool)
    pick_below = wants & ~pick_h20 & (d >= review)
    if len(below):
        weight = np.where(items.item_class[below] == "server", 0.5, 1.0)
        new[pick_below] = draw_from(rng, below, int(pick_below.sum()), weight)
    item_idx[rows] = new
    return item_idx


def licences_by_date(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    items: ItemTable,
    item_idx: np.ndarray,
    params: GeneratorParams,
) -> None:
    """No licence on an H20 line to China dated before the letter requirement, one from it
    (the H20 is below 3A090: only the letter makes it licensable); a licensed China line
    leaves from the US."""
    china = among(cols["customer_country"], params.china_destinations) | among(
        cols["ship_to_country"], params.china_destinations
    )
    before = cols["order_date"] < params.h20_letter_date.isoformat()  # ISO dates sort as text
    free = china & items.h20_class[item_idx] & before
    cols["license_number"] = np.where(free, MISSING, cols["license_number"])
    letter = china & items.h20_class[item_idx] & ~before
    wanting = np.flatnonzero(letter & (cols["license_number"] == None))  # noqa: E711
    cols["license_number"][wanting] = licence_numbers(rng, len(wanting))
    licensed = china & (items.controlled[item_idx] | letter) & ~free
    stated = cols["ship_from_country"]
    cols["ship_from_country"] = np.where(licensed & (stated != "US"), MISSING, stated)
