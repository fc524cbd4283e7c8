"""Facet counts of a search's matches: each label's values by their number of releases.

Counted over the matches' document numbers from the catalogue's flat arrays
(`Catalog.arrays`: every release's entity value ids end to end, and where each release's
run starts): the matches' runs are gathered and counted in one `bincount`. A query matching
more than half of the library is counted as the whole library's counts less those of the
releases that do not match, whichever list is shorter.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from reviewer.core.search.catalog import Catalog, CatalogArrays


def count_facets(cat: Catalog, docs: Sequence[int], top: int | None,
                 check: Callable[[], None]) -> dict[str, Counter[str]]:
    """Per label, its values by the number of `docs` (document numbers) that have them:
    the `top` most frequent (count, then name), or all of them with None. `check` is
    called between the steps (it raises to stop)."""
    arrays = cat.arrays()
    check()
    if len(docs) > len(cat.live) // 2:
        matched = np.zeros(len(cat.doc_ids), dtype=bool)
        matched[np.asarray(docs, dtype=np.int64)] = True
        others = np.asarray(cat.live, dtype=np.int64)
        counts = arrays.full - _count(arrays, others[~matched[others]])
    else:
        counts = _count(arrays, np.asarray(docs, dtype=np.int64))
    check()
    out: dict[str, Counter[str]] = {}
    pairs = cat.pairs
    for label, pids in arrays.by_label.items():
        n = counts[pids]
        found = np.flatnonzero(n)
        if not len(found):
            continue
        if top is not None and len(found) > top:
            # every value counted at least as often as the top-th (ties broken by name)
            floor = np.partition(n[found], len(found) - top)[len(found) - top]
            found = found[n[found] >= floor]
        values = sorted(((int(n[i]), pairs[int(pids[i])][1]) for i in found),
                        key=lambda x: (-x[0], x[1]))
        if top is not None:
            values = values[:top]
        out[label] = Counter({name: c for c, name in values})
    return out


def _count(arrays: CatalogArrays, docs: np.ndarray) -> np.ndarray:
    """How many of `docs` have each (label, value) pair, by pair id."""
    starts = arrays.offsets[docs]
    lengths = arrays.offsets[docs + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(arrays.pair_count, dtype=np.int64)
    # the position in `flat` of each value of each document: its run's start plus
    # its place in the run
    run_start = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return np.bincount(arrays.flat[run_start + np.arange(total)],
                       minlength=arrays.pair_count)
