"""Grouping in numpy: one family's sample counted, summed and ranked per group key (the whole
desk, a breakdown or the weeks) into figures."""

from __future__ import annotations

from typing import Any

import numpy as np

from .families import (
    ANSWERED,
    COMPLAINT,
    FRT_BREACHED,
    FRT_TARGET,
    INBOUND,
    ONE_RESPONSE,
    REOPENED,
    RES_BREACHED,
    RES_TARGET,
    TRANSFERS_SHIFT,
    Family,
    key_value,
)
from .figures import Durations, Figures
from .samples import Sample


def _order_stats(
    sorted_values: np.ndarray, keys_by_value: np.ndarray | None, groups: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Median and p90 per group key. ``sorted_values`` are the values in ascending order and
    ``keys_by_value`` each value's group key in that order (None: a single group).

    A stable radix sort of the keys leaves each group contiguous and still sorted by value; the
    ranks are then plain index arithmetic.
    """
    if keys_by_value is None:
        ranked = sorted_values
    else:  # 16-bit keys (when they fit) sort by radix
        ranked = sorted_values[np.argsort(keys_by_value, kind="stable")]
    present = counts[groups]
    starts = np.concatenate(([0], np.cumsum(present)[:-1]))
    lo = ranked[starts + (present - 1) // 2].astype(np.int64)
    hi = ranked[starts + present // 2].astype(np.int64)
    tail = ranked[starts + (9 * present + 9) // 10 - 1]
    return (lo + hi) // 2, tail


def fill(
    family: Family,
    sample: Sample,
    name: str | None,
    out: dict[Any, Figures],
    orders: dict[str, np.ndarray],
    keys: np.ndarray | None = None,
) -> None:
    """Add one family's figures for one breakdown (None = the whole desk; ``week`` with ``keys``
    the week of each ticket) into ``out``."""
    if len(sample) == 0:
        return
    if keys is None:
        keys = sample.keys(name or "")
    counts = np.bincount(keys)
    groups = np.flatnonzero(counts)
    flags = sample.flags

    def per_group(mask_or_weights: np.ndarray) -> np.ndarray:
        return np.bincount(keys, weights=mask_or_weights, minlength=len(counts))[groups]

    def has(bit: int) -> np.ndarray:
        return (flags & bit) != 0

    sums: dict[str, np.ndarray] = {}
    if family.name == "created":
        sums = {"received_inbound": per_group(has(INBOUND)), "complaints_received": per_group(has(COMPLAINT))}
    elif family.name == "first_response":
        target = has(FRT_TARGET)
        sums = {"frt_targets": per_group(target), "frt_breached": per_group(target & has(FRT_BREACHED))}
    elif family.name == "solved":
        target = has(RES_TARGET)
        inbound = has(INBOUND)
        sums = {
            "resolution_targets": per_group(target),
            "resolution_breached": per_group(target & has(RES_BREACHED)),
            "fcr_base": per_group(inbound),
            "fcr": per_group(inbound & has(ONE_RESPONSE)),
            "transfers": per_group(flags >> TRANSFERS_SHIFT),
        }
    elif family.name == "first_solved":
        # A first-response target decided by a solve without any response, after its due time.
        unanswered = has(FRT_TARGET) & has(FRT_BREACHED) & ~has(ANSWERED)
        sums = {
            "reopened": per_group(has(REOPENED)),
            "frt_targets": per_group(unanswered),
            "frt_breached": per_group(unanswered),
        }
    count_field = {"created": "received", "solved": "solved", "first_solved": "first_solved"}.get(family.name)
    stats: dict[str, Any] = {}
    if family.duration is not None:
        # The keys in 16 bits when they fit, once for both clocks: cheaper to gather, radix-sorted.
        narrow = keys.astype(np.uint16) if len(counts) <= 65536 else keys
        for clock, values in (("business", sample.business), ("calendar", sample.calendar)):
            order = orders.get(clock)
            if order is None:
                order = orders[clock] = np.argsort(values, kind="stable")  # timsort: durations repeat a lot
                orders[clock + ":sorted"] = values[order]
            med, tail = _order_stats(
                orders[clock + ":sorted"], narrow[order] if name else None, groups, counts
            )
            stats[clock] = (per_group(values), med, tail)
    for i, key in enumerate(groups.tolist()):
        figures = out.setdefault(key_value(name, key) if name else None, Figures())
        n = int(counts[key])
        if count_field:
            setattr(figures, count_field, getattr(figures, count_field) + n)
        for field_name, array in sums.items():
            setattr(figures, field_name, getattr(figures, field_name) + int(array[i]))
        if family.duration is not None:
            total_b, med_b, p90_b = (x[i] for x in stats["business"])
            total_c, med_c, p90_c = (x[i] for x in stats["calendar"])
            figures.__setattr__(
                family.duration[0],
                Durations(n, int(total_b), int(total_c), int(med_b), int(p90_b), int(med_c), int(p90_c)),
            )
