"""`python -m reviewer.cli`: the same as `reviewer`."""
from reviewer.cli import main

raise SystemExit(main())
