"""Time a few queries on an indexed data folder, each twice after the start-up warm-up
(first screen, then complete), and optionally profile the first one:

    python -m benchmarks.some_queries DATA_DIR blockchain '"New York"' [--profile]
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time

from reviewer.core.review.workspace import Workspace
from reviewer.ui.library_models import FacetModel


def main(argv: list[str]) -> int:
    profile = "--profile" in argv
    data, *queries = [a for a in argv if a != "--profile"]
    with Workspace(data) as ws:
        t0 = time.perf_counter()
        ws.searcher.warm_up()
        print(f"warm-up {time.perf_counter() - t0:.2f} s")
        for q in queries:
            for _ in range(2):
                t0 = time.perf_counter()
                run = ws.searcher.start(q)
                result = run.first_screen(20)
                t1 = time.perf_counter()
                run.finish(result, top=FacetModel.TOP_VALUES)
                t2 = time.perf_counter()
                print(f"{q:32} {result.total:7} matches  first screen "
                      f"{1000 * (t1 - t0):6.1f} ms  complete {1000 * (t2 - t0):6.1f} ms")
        if profile and queries:
            prof = cProfile.Profile()
            prof.enable()
            run = ws.searcher.start(queries[0])
            run.finish(run.first_screen(20), top=FacetModel.TOP_VALUES)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumtime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
