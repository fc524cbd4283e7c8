from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reviewer.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_index_then_search_json(samples: Path, data_dir: Path, capsys) -> None:
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "added 5" in out and "failed 0" in out
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    assert "unchanged 5" in capsys.readouterr().out

    assert main(["search", '"Takeo Mori"', "--json", "--data-dir", str(data_dir)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2
    for hit in hits:
        assert {"path", "title", "score", "highlights"} <= hit.keys()
        text = Path(hit["path"]).read_text(encoding="utf-8")
        assert all(text[s:e] == "Takeo Mori" for s, e in hit["highlights"])


def test_search_limit(samples: Path, data_dir: Path, capsys) -> None:
    main(["index", str(samples), "--data-dir", str(data_dir)])
    capsys.readouterr()
    main(["search", "ASEAN", "--limit", "2", "--json", "--data-dir", str(data_dir)])
    assert len(json.loads(capsys.readouterr().out)) == 2


def test_show_json(samples: Path, data_dir: Path, capsys) -> None:
    main(["index", str(samples), "--data-dir", str(data_dir)])
    capsys.readouterr()
    path = samples / "000_f7c1be859b819757.txt"
    assert main(["show", str(path), "--json", "--data-dir", str(data_dir)]) == 0
    view = json.loads(capsys.readouterr().out)
    text = path.read_text(encoding="utf-8")
    assert view["text"] == text
    assert view["structure"]["dateline"]["place"] == "JAKARTA"
    for s, e, _label, cut, *_ in view["entities"]:
        assert text[s:e] == cut


def test_errors_are_messages_not_tracebacks(tmp_path: Path, data_dir: Path, capsys) -> None:
    assert main(["index", str(tmp_path / "nowhere"), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "Traceback" not in err
    assert main(["show", str(tmp_path / "x.txt"), "--data-dir", str(data_dir)]) == 2
    assert "not in the library" in capsys.readouterr().err
    assert main(["search", "date:[notadate to 2021]", "--data-dir", str(data_dir)]) == 2


def test_env_var_sets_the_data_dir(samples: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    target = tmp_path / "from-env"
    monkeypatch.setenv("REVIEWER_DATA_DIR", str(target))
    assert main(["index", str(samples)]) == 0
    assert (target / "review.sqlite3").exists()


def test_python_dash_m_runs_the_cli(samples: Path, data_dir: Path) -> None:
    env = {**os.environ, "REVIEWER_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, "-m", "reviewer", "index", str(samples)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "added 5" in proc.stdout


def test_extract_json_is_the_gold_format(capsys) -> None:
    from tests.conftest import SAMPLE_DOCS

    files = sorted(SAMPLE_DOCS.glob("*.txt"))[:2]
    assert main(["extract", *map(str, files), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    for f, line in zip(files, lines, strict=True):
        row = json.loads(line)
        assert row["doc"] == f.name
        text = f.read_text(encoding="utf-8")
        assert row["entities"]
        for s, e, label, cut in row["entities"]:
            assert text[s:e] == cut and label


def test_extract_applies_learned_corrections(tmp_path: Path, data_dir: Path, capsys) -> None:
    from reviewer.core.model import Correction
    from reviewer.core.review.workspace import Workspace

    release = tmp_path / "r.txt"
    text = "HANOI, 3 June 2024 - Engineers from quantumleap met in Hanoi.\n"
    release.write_text(text, encoding="utf-8")
    assert main(["extract", str(release), "--json"]) == 0
    assert "quantumleap" not in capsys.readouterr().out  # lower case: not found unaided
    with Workspace(data_dir) as ws:
        ws.store.add_correction(Correction("add", 0, 11, "ORG", "quantumleap",
                                           scope="library"))
    assert main(["extract", str(release), "--json", "--data-dir", str(data_dir)]) == 0
    row = json.loads(capsys.readouterr().out)
    start = text.index("quantumleap")
    assert [start, start + 11, "ORG", "quantumleap"] in row["entities"]


def test_eval_prints_the_score_layout(capsys) -> None:
    gold = ROOT.parent / "shared" / "eval" / "seed_gold.jsonl"
    if not gold.exists():
        gold = Path("/work/shared/eval/seed_gold.jsonl")
    if not gold.exists():
        import pytest

        pytest.skip("the shared gold file is not beside this checkout")
    assert main(["eval", str(gold), str(ROOT / "sample_docs")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].split() == ["label", "gold", "pred", "P", "R", "F1", "lenF1"]
    assert out[-1].startswith("strict F1 ")
    assert float(out[-1].split()[-1]) >= 0.90


def test_eval_missing_gold_is_a_message(tmp_path: Path, capsys) -> None:
    assert main(["eval", str(tmp_path / "none.jsonl"), str(tmp_path)]) == 2
    assert "no such gold file" in capsys.readouterr().err


def test_the_log_goes_to_the_data_folder(samples: Path, data_dir: Path) -> None:
    assert main(["index", str(samples), "--data-dir", str(data_dir)]) == 0
    log = (data_dir / "logs" / "reviewer.log").read_text(encoding="utf-8")
    assert "reviewer.core.search.library" in log and "added 5" in log
    assert (data_dir / "logs" / "reviewer.log").stat().st_mode & 0o077 == 0


def test_malformed_or_costly_queries_exit_2_with_the_reason(samples: Path, data_dir: Path,
                                                            capsys) -> None:
    main(["index", str(samples), "--data-dir", str(data_dir)])
    capsys.readouterr()
    for query, says in [("date:[2021 to", "range is not closed"),
                        ('"unterminated', "phrase is not closed"),
                        ("person:(Dung", "parenthesis is not closed"),
                        ("*tion", "starts with a wildcard"),
                        ("x" * 5000, "at most 1,000 are searched")]:
        assert main(["search", query, "--data-dir", str(data_dir)]) == 2, query
        captured = capsys.readouterr()
        assert says in captured.err and "Traceback" not in captured.err
        assert captured.out == ""
