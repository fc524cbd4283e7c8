import sys

if len(sys.argv) > 1 and sys.argv[1] == "extraction":
    from benchmarks.extraction import main as extraction

    sys.exit(extraction(sys.argv[2:]))

if len(sys.argv) > 1 and sys.argv[1] == "teach":
    from benchmarks.teach import main as teach

    sys.exit(teach(sys.argv[2:]))

if len(sys.argv) > 1 and sys.argv[1] == "crash":
    from benchmarks.crash import main as crash

    sys.exit(crash(sys.argv[2:]))

if len(sys.argv) > 1 and sys.argv[1] == "sync":
    from benchmarks.sync import main as sync

    sys.exit(sync(sys.argv[2:]))

from benchmarks.run import main  # noqa: E402

sys.exit(main())
