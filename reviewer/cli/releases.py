"""Reading the library and releases: `reviewer search`, `show`, `extract`, `eval` and
`export`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reviewer.cli.common import UserError, open_workspace


def cmd_search(args: argparse.Namespace) -> int:
    from reviewer.core.search import QueryError

    with open_workspace(args) as ws:
        try:
            result = ws.searcher.search(args.query, limit=args.limit)
        except QueryError as exc:
            raise UserError(str(exc)) from exc
    if args.json:
        print(json.dumps([h.to_json() for h in result.hits], ensure_ascii=False, indent=1))
        return 0
    print(f"{result.total} release(s) match {args.query!r}")
    for h in result.hits:
        print(f"{h.score:7.2f}  {h.title}  [{h.status}]\n         {h.path}")
    for label, counts in sorted(result.facets.items()):
        top = ", ".join(f"{v} ({n})" for v, n in counts.most_common(5))
        print(f"  {label}: {top}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from reviewer.core.review.view import document_view

    with open_workspace(args) as ws:
        doc_id = ws.doc_id_for_path(args.path)
        if doc_id is None:
            raise UserError(f"{args.path} is not in the library; run `reviewer index` first")
        view = document_view(ws, doc_id)
    if args.json:
        print(json.dumps(view.to_json(), ensure_ascii=False, indent=1))
        return 0
    doc = view.document
    print(f"{doc.title}\n{doc.path}  [{view.status}]")
    if doc.structure.dateline:
        dl = doc.structure.dateline
        print(f"dateline: {dl.place} {dl.date} {dl.iso}")
    print()
    print(doc.text)
    print()
    for e in view.entities:
        print(f"{e.start:6}-{e.end:<6} {e.label:9} {e.text}")
    if view.facts:
        print("\nfacts:")
        for r in view.fact_reviews():
            edited = f" (extracted: {r.extracted})" if r.edited else ""
            note = f"\n{'':18}note: {r.note}" if r.note else ""
            print(f"  {r.fact.kind:9} [{r.status}] {r.value}{edited}{note}")
    if view.notes:
        print("\nnotes:")
        for n in view.notes:
            on = f"“{n.quote}”" if n.quote else (n.target_key or "the release")
            by = f" ({n.author})" if n.author else ""
            print(f"  on {on}{by}: {n.text}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from reviewer.core.documents.loaders import LoadError, load
    from reviewer.core.evaluation import extract_json_line

    lexicon = None
    if args.data_dir:
        with open_workspace(args) as ws:
            lexicon = ws.library.lexicon()
    failed = 0
    for f in args.files:
        try:
            doc = load(f)
        except LoadError as exc:
            print(f"reviewer: {f}: {exc}", file=sys.stderr)
            failed += 1
            continue
        row = extract_json_line(Path(f).name, doc.text, lexicon=lexicon)
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"# {f}")
            for s, e, label, text in row["entities"]:
                print(f"{s:6}-{e:<6} {label:9} {text}")
    return 1 if failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from reviewer.core.evaluation import evaluate

    if not Path(args.gold).is_file():
        raise UserError(f"no such gold file: {args.gold}")
    if not Path(args.docs_dir).is_dir():
        raise UserError(f"no such folder: {args.docs_dir}")
    print(evaluate(args.gold, args.docs_dir, errors=args.errors, model=not args.rules_only))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from reviewer.core.export import ExportError, export_memo, memo_path

    try:
        target = memo_path(args.out)
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    if target != Path(args.out).expanduser() and target.exists():
        # The user named "report"; replacing "report.docx" is not what they asked for.
        raise UserError(f"{target} already exists; to replace it, name it in full: "
                        f"--out {target}")
    with open_workspace(args) as ws:
        ids = []
        for p in args.paths:
            doc_id = ws.doc_id_for_path(p)
            if doc_id is None:
                raise UserError(f"{p} is not in the library; run `reviewer index` first")
            ids.append(doc_id)
        try:
            out = export_memo(ws, ids, target, title=args.title, author=args.author,
                              overview=args.overview, entities=args.entities,
                              full_text=args.full_text)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
    print(f"wrote {out}")
    return 0
