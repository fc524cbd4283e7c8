"""Archive-scale performance benchmarks: `python -m benchmarks [--limit N] [--corpus DIR]`.

Not part of the test run. Each measured section runs in its own subprocess
(`benchmarks.child`) so peak memory and cold start are measured honestly and a missing
component (GUI, export, recoll) prints "n/a (reason)" instead of stopping the run.
"""
