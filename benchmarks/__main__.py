import sys

if len(sys.argv) > 1 and sys.argv[1] == "extraction":
    from benchmarks.extraction import main as extraction

    sys.exit(extraction(sys.argv[2:]))

if len(sys.argv) > 1 and sys.argv[1] == "crash":
    from benchmarks.crash import main as crash

    sys.exit(crash(sys.argv[2:]))

from benchmarks.run import main  # noqa: E402

sys.exit(main())
