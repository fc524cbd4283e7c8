"""Building the library: `reviewer index` (the text pass, then the entity pass) and
`reviewer teach` (the extractor's versions)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reviewer.cli.common import UserError, open_workspace
from reviewer.cli.progress import FractionProgress, Progress


def cmd_index(args: argparse.Namespace) -> int:
    from reviewer.core.extract import extractor_version

    # Before the workspace: a mistyped path must not create a data folder.
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise UserError("no such file or folder: " + ", ".join(missing))
    with open_workspace(args) as ws:
        ws.library.add_paths(args.paths)
        bar = Progress("text")
        try:
            report = ws.library.scan(progress=bar, workers=args.workers, force=args.reapply,
                                     entities=False)
        finally:
            bar.close()
        print(f"added {report.added}")
        print(f"updated {report.updated}")
        print(f"removed {report.removed}")
        print(f"unchanged {report.unchanged}")
        print(f"moved {report.moved}")
        print(f"failed {len(report.failed)}")
        for path, reason in report.failed:
            print(f"  {path}: {reason}")
        if report.warnings:
            print(f"warnings {len(report.warnings)}")
            for path, warning in report.warnings:
                print(f"  {path}: {warning}")
        print(f"took {report.seconds:.2f} s")
        sys.stdout.flush()
        failed = 1 if report.failed and not (report.added or report.updated
                                             or report.unchanged) else 0
        pending = ws.library.pending_entities()
        if args.text_only:
            if pending:
                print(f"entities: {pending} release(s) not extracted yet; the window or the "
                      "next `reviewer index` fills them in")
            return failed
        if pending:
            version = extractor_version(ws.library.recogniser())
            print(f"Text indexed and searchable. Waiting for the entities of {pending} "
                  f"release(s) ({version}); Ctrl+C stops, and the next "
                  "`reviewer index` or the window goes on from there (--text-only does "
                  "not wait).", file=sys.stderr, flush=True)
        bar = Progress("entities")
        try:
            entities = ws.library.fill_entities(progress=bar, workers=args.workers)
        except KeyboardInterrupt:
            bar.close()
            print(f"reviewer: stopped after the entities of {bar.meter.done} of {pending} "
                  "release(s); the next `reviewer index` goes on from there",
                  file=sys.stderr)
            return 130
        bar.close()
        if not entities.total:
            print("entities up to date")
            return failed
        print(f"entities extracted {entities.extracted}")
        print(f"entities stored before {entities.reused}")
        if entities.skipped:
            print(f"entities skipped {len(entities.skipped)}")
            for path, reason in entities.skipped:
                print(f"  {path}: {reason}")
        print(f"entities took {entities.seconds:.2f} s")
    return failed


def _entity_pass(ws, workers: int | None = None) -> None:
    """The entity pass after the extractor changed: the unreviewed releases again."""
    pending = ws.library.pending_entities()
    if not pending:
        print("entities up to date")
        return
    print(f"Re-extracting the entities of {pending} unreviewed release(s); Ctrl+C stops, "
          "and the next `reviewer index` or the window goes on from there.",
          file=sys.stderr, flush=True)
    bar = Progress("entities")
    try:
        report = ws.library.fill_entities(progress=bar, workers=workers)
    finally:
        bar.close()
    print(f"entities extracted {report.extracted}")
    print(f"entities took {report.seconds:.2f} s")


def cmd_teach(args: argparse.Namespace) -> int:
    from reviewer.core.review import teaching

    with open_workspace(args) as ws:
        models = ws.models
        if args.list:
            current = models.current_name()
            base = models.base()
            print(f"{'':2}{'version':<9}{'date':<18}{'corrections':>12}{'releases':>10}  base")
            for v in models.versions():
                made = time.strftime("%Y-%m-%d %H:%M", time.localtime(
                    (v.path / "model.json").stat().st_mtime))
                print(f"{'*' if v.name == current else ' ':2}{v.name:<9}{made:<18}"
                      f"{v.corrections:>12}{v.releases:>10}  {v.meta.get('base', '')}")
            print(f"{'*' if not current else ' ':2}{'shipped':<9}{'':<18}{'-':>12}{'-':>10}  "
                  f"{base.info.version if base is not None else 'not available'}")
            return 0
        if args.use is not None:
            name = "" if args.use == "shipped" else args.use
            known = [v.name for v in models.versions()]
            if name and name not in known:
                raise UserError(f"no extractor version {name}; the versions are: "
                                f"{', '.join(known + ['shipped'])}")
            models.use(name)
            print(f"extractor in use: {name or 'the shipped model'}")
            _entity_pass(ws, args.workers)
            return 0
        what = teaching.lesson(ws)
        if not what.releases:
            print("nothing to learn from yet: correct entities or mark releases reviewed "
                  "first", file=sys.stderr)
            return 0
        print(f"Teaching the extractor from {what.corrections} correction(s) in "
              f"{len(what.releases)} release(s) ({what.reviewed} reviewed); Ctrl+C stops "
              "and the version in use stays.", file=sys.stderr, flush=True)
        bar = FractionProgress("teach")
        try:
            version = teaching.teach(ws, progress=bar)
        finally:
            bar.close()
        if version is None:
            print("nothing to learn from", file=sys.stderr)
            return 0
        print(f"extractor {version.name} in use: learned from {version.corrections} "
              f"correction(s) in {version.releases} release(s) in "
              f"{version.meta.get('seconds', 0)} s")
        _entity_pass(ws, args.workers)
    return 0
