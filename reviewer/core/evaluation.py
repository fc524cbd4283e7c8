"""Score the extractor against a gold file, in the layout of shared/eval/score.py."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path


def _read(path: Path) -> str:
    try:
        from reviewer.core.documents.loaders import load
    except ImportError:
        load = None
    if load is not None:
        try:
            return load(str(path)).text
        except Exception:
            pass
    return path.read_text("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def extract_json_line(name: str, text: str, lexicon=None) -> dict:
    """`{"doc": name, "entities": [[s, e, label, text], ...]}` for one document."""
    from reviewer.core.extract import extract

    ex = extract(text, lexicon=lexicon)
    return {"doc": name, "entities": [e.to_gold() for e in ex.entities]}


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(gold_path: str, docs_dir: str, errors: bool = False, lexicon=None) -> str:
    """Extract every document named in the gold file and return the score report."""
    gold: dict[str, list[tuple[int, int, str, str]]] = {}
    with open(gold_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                gold[row["doc"]] = [
                    (int(s), int(e), lab, rest[0] if rest else "")
                    for s, e, lab, *rest in row["entities"]
                ]
    pred: dict[str, list[tuple[int, int, str, str]]] = {}
    for doc in gold:
        p = Path(docs_dir) / doc
        if not p.exists():
            continue
        row = extract_json_line(doc, _read(p), lexicon=lexicon)
        pred[doc] = [tuple(x) for x in row["entities"]]  # type: ignore[misc]
    labels = {m[2] for ms in gold.values() for m in ms}
    tp, ng, np_, ltp = Counter(), Counter(), Counter(), Counter()
    errs = []
    for doc, gms in gold.items():
        pms = [m for m in pred.get(doc, []) if m[2] in labels]
        gset = {(s, e, lab) for s, e, lab, _ in gms}
        pset = {(s, e, lab) for s, e, lab, _ in pms}
        for _, _, lab, _ in gms:
            ng[lab] += 1
        for s, e, lab, _ in pms:
            np_[lab] += 1
            if (s, e, lab) in gset:
                tp[lab] += 1
            if any(lab == gl and s < ge and gs < e for gs, ge, gl in gset):
                ltp[lab] += 1
        if errors:
            errs += [(doc, "missed", m) for m in gms if (m[0], m[1], m[2]) not in pset]
            errs += [(doc, "spurious", m) for m in pms if (m[0], m[1], m[2]) not in gset]
    lines = [f"{'label':10} {'gold':>5} {'pred':>5}  {'P':>5} {'R':>5} {'F1':>5}  {'lenF1':>5}"]
    for lab in sorted(labels):
        p, r, f = _prf(tp[lab], np_[lab], ng[lab])
        lf = _prf(ltp[lab], np_[lab], ng[lab])[2]
        lines.append(f"{lab:10} {ng[lab]:5} {np_[lab]:5}  {p:5.3f} {r:5.3f} {f:5.3f}  {lf:5.3f}")
    P, R, F = _prf(sum(tp.values()), sum(np_.values()), sum(ng.values()))
    LF = _prf(sum(ltp.values()), sum(np_.values()), sum(ng.values()))[2]
    for doc, kind, (s, e, lab, txt) in errs:
        lines.append(f"  {kind:8} {doc} [{s}:{e}] {lab} {txt!r}")
    lines.append(f"micro P {P:.3f} R {R:.3f} lenient F1 {LF:.3f}")
    lines.append(f"strict F1 {F:.3f}")
    return "\n".join(lines)
