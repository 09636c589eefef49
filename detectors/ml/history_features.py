"""Point-in-time features from the order history: what was known about a customer (or an
address, or a payer) just before each transaction.

History and the current frame are stacked into one timeline, ordered by order date with a
stable tiebreak (earlier runs first, then the order of the current file). A transaction sees
only the rows before it on that timeline: orders on earlier days, and orders on the same day
that come earlier in order. Nothing later can change its features.

Everything is vectorised: one lexicographic sort per key, cumulative sums over the sorted
arrays, and `searchsorted` on a (key, day) composite to find the start of each rolling
window. No Python loop runs over rows.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

WINDOWS_DAYS: tuple[int, ...] = (30, 90, 365)
COUNTRY_WINDOWS_DAYS: tuple[int, ...] = (30, 90)
# Distinct countries are counted exactly up to this many per customer; beyond it, all
# further countries of that customer together count as one more.
MAX_TRACKED_COUNTRIES = 8

TIMELINE_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "order_date",
    "customer_id",
    "order_value_usd",
    "h100_equivalents",
    "ship_to_country",
    "end_user_country",
    "payer_country",
    "customer_address",
    "payer_name",
)


def timeline(tx: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """History + current transactions in one frame with `is_current`, `current_pos` (row
    position in `tx`, -1 for history), `seq` (stable tiebreak) and `day` (int days)."""
    cols = list(TIMELINE_COLUMNS)
    past = history.reindex(columns=cols)
    if len(past):
        past = past[~past["transaction_id"].isin(tx["transaction_id"])]
    now = tx.reindex(columns=cols)
    frame = pd.concat([past, now], ignore_index=True) if len(past) else now.reset_index(drop=True)
    n_past = len(frame) - len(now)
    frame["is_current"] = np.arange(len(frame)) >= n_past
    frame["current_pos"] = np.where(frame["is_current"], np.arange(len(frame)) - n_past, -1)
    frame["seq"] = np.arange(len(frame))
    dates = pd.to_datetime(frame["order_date"]).to_numpy("datetime64[D]")
    frame["day"] = dates.astype("int64")
    frame.loc[pd.isna(dates), "day"] = np.iinfo(np.int64).max // 4
    return frame


def customer_history_features(line: pd.DataFrame) -> pd.DataFrame:
    """Per timeline row: the customer's earlier orders (counts, values, rolling windows),
    how this order compares with them, and distinct countries in rolling windows."""
    cust = _codes(line["customer_id"], unique_when_missing=True)
    order = np.lexsort((line["seq"].to_numpy(), line["day"].to_numpy(), cust))
    cust_s = cust[order]
    day = line["day"].to_numpy()[order]
    value = np.nan_to_num(line["order_value_usd"].to_numpy(dtype=float)[order])
    h100e = np.nan_to_num(line["h100_equivalents"].to_numpy(dtype=float)[order])
    pos = np.arange(len(order))
    start = _group_start(cust_s)
    prior = (pos - start).astype(float)
    out: dict[str, np.ndarray] = {"prior_orders_total": prior}

    key = _composite(cust_s, day)
    value_sum = _prefix(value, start)
    lo_by_window: dict[int, np.ndarray] = {}
    for w in WINDOWS_DAYS:
        lo = np.maximum(np.searchsorted(key, _composite(cust_s, day - w), side="left"), start)
        lo_by_window[w] = lo
        out[f"prior_orders_{w}d"] = (pos - lo).astype(float)
        out[f"prior_value_usd_{w}d"] = value_sum[pos] - value_sum[lo]

    has_prior = pos > start
    prev = np.maximum(pos - 1, 0)
    out["days_since_prior_order"] = np.where(has_prior, day - day[prev], np.nan)
    prior_mean = np.where(
        has_prior, (value_sum[pos] - value_sum[start]) / np.maximum(prior, 1), np.nan
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value_ratio_to_history"] = np.where(prior_mean > 0, value / prior_mean, np.nan)
    out["value_zscore_to_history"] = _log_zscore(value, pos, start)
    prior_max = pd.Series(h100e).groupby(cust_s).cummax().to_numpy()[prev]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["h100e_ratio_to_prior_max"] = np.where(
            has_prior & (prior_max > 0), h100e / prior_max, np.nan
        )

    for role in ("ship_to", "end_user", "payer"):
        country_codes, _ = pd.factorize(line[f"{role}_country"])
        counts = _distinct_in_windows(cust_s, start, day, country_codes[order])
        for w in COUNTRY_WINDOWS_DAYS:
            out[f"{role}_countries_{w}d"] = counts[w]

    result: dict[str, np.ndarray] = {}
    for name, values in out.items():
        result[name] = np.empty(len(order))
        result[name][order] = values
    return pd.DataFrame(result)


def customers_sharing(line: pd.DataFrame, key: pd.Series) -> np.ndarray:
    """For each timeline row: how many distinct customers had used the same key (e.g. a
    normalised address or payer name) up to and including this row; NaN when key missing."""
    codes = _codes(key, unique_when_missing=False)
    cust = _codes(line["customer_id"], unique_when_missing=True)
    order = np.lexsort((line["seq"].to_numpy(), line["day"].to_numpy(), codes))
    pair = pd.Series(codes[order]).astype("int64") * (int(cust.max(initial=0)) + 1) + cust[order]
    first_use = (~pair.duplicated()).to_numpy().astype(float)
    shared = pd.Series(first_use).groupby(codes[order]).cumsum().to_numpy()
    result = np.empty(len(order))
    result[order] = np.where(codes[order] >= 0, shared, np.nan)
    return result


# ---- sorted-array building blocks ------------------------------------------------------


def _codes(values: pd.Series, unique_when_missing: bool) -> npt.NDArray[np.int64]:
    found, _ = pd.factorize(values)
    codes: npt.NDArray[np.int64] = found.astype(np.int64)
    if unique_when_missing:
        missing = codes < 0
        codes[missing] = codes.max(initial=-1) + 1 + np.arange(missing.sum())
    return codes


def _group_start(sorted_codes: np.ndarray) -> npt.NDArray[np.intp]:
    n = len(sorted_codes)
    change = np.ones(n, dtype=bool)
    change[1:] = sorted_codes[1:] != sorted_codes[:-1]
    start: npt.NDArray[np.intp] = np.maximum.accumulate(np.where(change, np.arange(n), 0))
    return start


def _composite(codes: np.ndarray, day: np.ndarray) -> npt.NDArray[np.int64]:
    """A sortable (group, day) key: days are bounded well below 2**40."""
    key: npt.NDArray[np.int64] = codes.astype(np.int64) * (1 << 40) + (
        day.astype(np.int64) + (1 << 39)
    )
    return key


def _prefix(values: npt.NDArray[np.float64], start: np.ndarray) -> npt.NDArray[np.float64]:
    """Per row: the sum of its group's values before it (rows sorted by group; `start` is
    each row's group start). Sums restart per group, so a customer's figures do not depend
    on the rounding of other customers' values (the same result in any partition)."""
    inclusive: npt.NDArray[np.float64] = pd.Series(values).groupby(start).cumsum().to_numpy()
    return inclusive - values


def _log_zscore(value: np.ndarray, pos: np.ndarray, start: np.ndarray) -> np.ndarray:
    """(log10 value - mean of earlier log10 values) / their standard deviation (floor 0.1);
    NaN with fewer than two earlier orders."""
    logv = np.log10(np.maximum(value, 0) + 1.0)
    s1, s2 = _prefix(logv, start), _prefix(logv**2, start)
    n = (pos - start).astype(float)
    safe_n = np.maximum(n, 1)
    mean = (s1[pos] - s1[start]) / safe_n
    var = np.maximum((s2[pos] - s2[start]) / safe_n - mean**2, 0) * safe_n / np.maximum(n - 1, 1)
    z = (logv - mean) / np.maximum(np.sqrt(var), 0.1)
    return np.where(n >= 2, z, np.nan)


def _distinct_in_windows(
    cust: np.ndarray, start: np.ndarray, day: np.ndarray, country_code: np.ndarray
) -> dict[int, np.ndarray]:
    """Distinct countries (factorized codes, -1 missing) of the customer within each window,
    this order included.

    Each customer's countries are ranked by first appearance; for each rank the date of its
    latest appearance up to the row is carried forward (a maximum-accumulate of positions),
    and a rank counts when that date falls inside the window."""
    n = len(cust)
    valid = country_code >= 0
    width = int(country_code.max(initial=0)) + 1
    pair = np.where(valid, cust * width + country_code.astype(np.int64), -1)
    pair_id, _ = pd.factorize(pair)
    first = pd.Series(np.arange(n)).groupby(pair_id).transform("min").to_numpy()
    is_first = valid & (first == np.arange(n))
    rank_at_first = pd.Series(is_first.astype(int)).groupby(cust).cumsum().to_numpy() - 1
    rank = np.where(valid, rank_at_first[first], -1)
    rank = np.where(rank >= MAX_TRACKED_COUNTRIES, MAX_TRACKED_COUNTRIES, rank)
    counts = {w: np.zeros(n) for w in COUNTRY_WINDOWS_DAYS}
    for k in range(MAX_TRACKED_COUNTRIES + 1):
        last = np.maximum.accumulate(np.where(rank == k, np.arange(n), -1))
        seen = last >= start
        last_day = day[np.maximum(last, 0)]
        for w in COUNTRY_WINDOWS_DAYS:
            counts[w] += seen & (last_day >= day - w)
    for w in COUNTRY_WINDOWS_DAYS:
        counts[w] = np.where(valid | (counts[w] > 0), counts[w], np.nan)
    return counts
