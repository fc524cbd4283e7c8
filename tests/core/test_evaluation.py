import json
from pathlib import Path

import pytest

from reviewer.core.evaluation import evaluate, extract_json_line

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "eval" / "seed_gold.jsonl"


def test_extract_json_line():
    row = extract_json_line("x.txt", "JAKARTA, 27 May 2021 – Japan met.")
    assert row["doc"] == "x.txt"
    assert [0, 7, "PLACE", "JAKARTA"] in row["entities"]
    json.dumps(row)


@pytest.mark.skipif(not GOLD.exists(), reason="shared eval set not beside the clone")
def test_sample_set_reaches_target():
    report = evaluate(str(GOLD), str(ROOT / "sample_docs"))
    lines = report.splitlines()
    assert lines[0].split()[:3] == ["label", "gold", "pred"]
    assert lines[-1].startswith("strict F1 ")
    assert float(lines[-1].split()[-1]) >= 0.90
    for ln in lines[1:]:
        parts = ln.split()
        if len(parts) == 7 and parts[1].isdigit() and int(parts[1]) >= 5:
            assert float(parts[5]) >= 0.80, ln


@pytest.mark.skipif(not GOLD.exists(), reason="shared eval set not beside the clone")
def test_errors_listing():
    report = evaluate(str(GOLD), str(ROOT / "sample_docs"), errors=True)
    assert "missed" in report or "spurious" in report
