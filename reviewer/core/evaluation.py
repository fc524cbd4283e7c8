"""Score the extractor against a gold file (the layout of shared/eval/score.py), with a
label confusion table.

Strict: a predicted mention counts when its start, end and label equal a gold mention's.
Lenient: when it overlaps a gold mention of the same label.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer.core.documents.loaders import LoadError, load, normalise_text
from reviewer.core.extract import extract
from reviewer.core.extract.lexicon import Lexicon

Mention = tuple[int, int, str]


def read_gold(path: str | Path) -> dict[str, list[Mention]]:
    gold: dict[str, list[Mention]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                gold[row["doc"]] = [(int(s), int(e), lab) for s, e, lab, *_ in row["entities"]]
    return gold


def read_text(path: Path) -> str:
    """The release's text as Reviewer sees it (the offsets of the gold files)."""
    try:
        return load(path).text
    except LoadError:
        return normalise_text(path.read_text("utf-8", errors="replace"))


def extract_json_line(name: str, text: str, lexicon: Lexicon | None = None,
                      model: bool = True) -> dict[str, Any]:
    """`{"doc": name, "entities": [[s, e, label, text], ...]}` for one document."""
    ex = extract(text, lexicon=lexicon, model=model)
    return {"doc": name, "entities": [e.to_gold() for e in ex.entities]}


def _prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Score:
    labels: list[str]
    tp: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    pred: Counter[str] = field(default_factory=Counter)
    lenient_tp: Counter[str] = field(default_factory=Counter)
    # (gold label or "-", predicted label or "-", kind) -> count; kind: "span", "overlap"
    confusion: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    errors: list[tuple[str, str, int, int, str, str]] = field(default_factory=list)

    def label_prf(self, label: str) -> tuple[float, float, float]:
        return _prf(self.tp[label], self.pred[label], self.gold[label])

    @property
    def micro(self) -> tuple[float, float, float]:
        return _prf(sum(self.tp.values()), sum(self.pred.values()), sum(self.gold.values()))

    @property
    def lenient_f1(self) -> float:
        return _prf(sum(self.lenient_tp.values()), sum(self.pred.values()),
                    sum(self.gold.values()))[2]


def score(gold: Mapping[str, Iterable[Mention]], pred: Mapping[str, Iterable[Mention]],
          texts: Mapping[str, str] | None = None) -> Score:
    labels = sorted({m[2] for ms in gold.values() for m in ms})
    sc = Score(labels)
    for doc, gms in gold.items():
        gset = set(gms)
        pset = {m for m in pred.get(doc, ()) if m[2] in labels}
        by_span = {(s, e): lab for s, e, lab in pset}
        for s, e, lab in gset:
            sc.gold[lab] += 1
            got = by_span.get((s, e))
            if got is not None:
                sc.confusion[(lab, got, "span")] += 1
            elif any(ps < e and s < pe for ps, pe, _ in pset):
                other = next(pl for ps, pe, pl in sorted(pset) if ps < e and s < pe)
                sc.confusion[(lab, other, "overlap")] += 1
            else:
                sc.confusion[(lab, "-", "span")] += 1
        gspans = {(s, e) for s, e, _ in gset}
        for s, e, lab in pset:
            sc.pred[lab] += 1
            if (s, e, lab) in gset:
                sc.tp[lab] += 1
            if any(lab == gl and s < ge and gs < e for gs, ge, gl in gset):
                sc.lenient_tp[lab] += 1
            if (s, e) not in gspans and not any(gs < e and s < ge for gs, ge, _ in gset):
                sc.confusion[("-", lab, "span")] += 1
        if texts is not None:
            text = texts[doc]
            sc.errors += [(doc, "missed", s, e, lab, text[s:e])
                          for s, e, lab in sorted(gset - pset)]
            sc.errors += [(doc, "spurious", s, e, lab, text[s:e])
                          for s, e, lab in sorted(pset - gset)]
    return sc


def report(sc: Score, errors: bool = False) -> str:
    lines = [f"{'label':10} {'gold':>5} {'pred':>5}  {'P':>5} {'R':>5} {'F1':>5}  {'lenF1':>5}"]
    for lab in sc.labels:
        p, r, f = sc.label_prf(lab)
        lf = _prf(sc.lenient_tp[lab], sc.pred[lab], sc.gold[lab])[2]
        lines.append(f"{lab:10} {sc.gold[lab]:5} {sc.pred[lab]:5}  {p:5.3f} {r:5.3f} {f:5.3f}  "
                     f"{lf:5.3f}")
    lines += ["", confusion_table(sc)]
    if errors:
        lines.append("")
        lines += [f"  {kind:8} {doc} [{s}:{e}] {lab} {txt!r}"
                  for doc, kind, s, e, lab, txt in sc.errors]
    P, R, F = sc.micro
    lines.append(f"micro P {P:.3f} R {R:.3f} lenient F1 {sc.lenient_f1:.3f}")
    lines.append(f"strict F1 {F:.3f}")
    return "\n".join(lines)


def confusion_table(sc: Score) -> str:
    """Rows: the gold label; columns: what the extractor gave the same span ("-": nothing),
    then `~bound` (a mention overlapping it with another span). The last row counts
    predictions that overlap no gold mention."""
    short = {lab: lab[:4] for lab in sc.labels}
    cols = [*sc.labels, "-"]
    head = "gold \\ predicted".ljust(17) + " ".join(f"{short.get(c, c):>5}" for c in cols)
    lines = ["confusion (same span; ~bound: overlapping span)", head + "  ~bound"]
    for g in [*sc.labels, "-"]:
        row = [sc.confusion[(g, c, "span")] for c in cols]
        bound = sum(v for (gl, _, kind), v in sc.confusion.items() if gl == g and kind == "overlap")
        name = g if g != "-" else "- (spurious)"
        lines.append(name.ljust(17) + " ".join(f"{v:5}" for v in row) + f"  {bound:6}")
    return "\n".join(lines)


def evaluate(gold_path: str, docs_dir: str, errors: bool = False,
             lexicon: Lexicon | None = None, model: bool = True) -> str:
    """Extract every document named in the gold file and return the score report."""
    gold = read_gold(gold_path)
    texts: dict[str, str] = {}
    pred: dict[str, list[Mention]] = {}
    for doc in gold:
        p = Path(docs_dir) / doc
        if not p.exists():
            continue
        texts[doc] = read_text(p)
        ex = extract(texts[doc], lexicon=lexicon, model=model)
        pred[doc] = [(e.start, e.end, e.label) for e in ex.entities]
    for doc in gold:
        texts.setdefault(doc, "")
    return report(score(gold, pred, texts), errors)
