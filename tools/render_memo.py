#!/usr/bin/env python3
"""Export a memo of the five sample releases after a short review, render it with
LibreOffice and save its pages as PNG: the README's memo picture comes from here.

    python tools/render_memo.py [--out-dir /tmp/memo-render] [--page 1 --png docs/memo.png]

Needs `soffice` (LibreOffice Writer) and `pdftoppm` (poppler-utils); on Debian/Ubuntu:
`sudo apt install libreoffice-writer poppler-utils fonts-crosextra-carlito` (Carlito has
Calibri's metrics, so the pages break where Word breaks them).

The review is what a reviewer would do in the window: verify the roles and figures they
checked, correct a role the extractor got wrong, dispute a figure, write notes on a
passage, a name and a release, and confirm an alias.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.core.export import export_memo  # noqa: E402
from reviewer.core.resources import sample_docs_dir  # noqa: E402
from reviewer.core.review.view import document_view  # noqa: E402
from reviewer.core.review.workspace import Workspace  # noqa: E402

OVERVIEW = ("ASEAN's senior officials met their Japanese and Korean counterparts twice in "
            "2020–21; Viet Nam, as coordinator of ASEAN–Japan relations, led the Japanese "
            "track. The releases agree on who chaired what; the one dated figure worth "
            "checking is Japan's US$50 million for the ASEAN health emergencies centre.")
REVIEWER = "Jane Reviewer"


def review(ws: Workspace) -> list[int]:
    """Index the sample releases and review them a little; returns their ids in order."""
    ids = [d.id for d in sorted(ws.store.documents(), key=lambda d: d.path)]
    for doc_id in ids:
        view = document_view(ws, doc_id)
        text = view.document.text
        for f in view.facts:
            person = f.fields.get("person", "")
            if f.kind == "role" and person in ("Takeo Mori", "Kishida Fumio", "Shinzo Abe"):
                ws.store.set_fact_status(doc_id, f.key(), "verified")
            elif f.kind == "role" and person == "Pham Minh Chinh":
                ws.store.set_fact_status(
                    doc_id, f.key(), "verified",
                    value="Pham Minh Chinh — Prime Minister — Viet Nam",
                    note="He is Viet Nam's Prime Minister; “Japanese” belongs to Kishida.")
            elif f.kind == "figure" and f.fields.get("text") == "US $ 50 million":
                ws.store.set_fact_status(doc_id, f.key(), "verified")
            elif f.kind == "figure" and f.fields.get("text") == "97%":
                ws.store.set_fact_status(
                    doc_id, f.key(), "disputed",
                    note="The 2020 release gives 95% for the same plan; ask the Secretariat.")
            elif f.kind == "meeting" and f.fields.get("event") == "24th ASEAN-ROK Dialogue":
                ws.store.set_fact_status(doc_id, f.key(), "verified")
        if "held virtually" in text:
            s = text.index("held virtually")
            e = s + len("held virtually")
            ws.store.add_note(doc_id, "Confirmed with the ASEAN Secretariat: online only.",
                              target="span", start=s, end=e, quote=text[s:e],
                              before=text[max(0, s - 40):s], after=text[e:e + 40],
                              author=REVIEWER)
            ws.store.set_status(doc_id, "reviewed")
        if "Nguyen Quoc Dung" in text and "Dzung" not in text:
            ws.store.add_note(doc_id, "Spelled “Dzung” in the ASEAN release of May 2021.",
                              target="entity", target_key="Nguyen Quoc Dung",
                              author=REVIEWER)
        if "Kishida Fumio" in text:
            ws.store.add_note(doc_id, "Undated; the 50th anniversary summit was in "
                              "December 2023.", author=REVIEWER)
            ws.store.set_status(doc_id, "reviewed")
    ws.store.add_alias("Nguyen Quoc Dung", "Nguyen Quoc Dzung", "PERSON")
    return ids


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", type=Path, default=Path(tempfile.gettempdir()) / "memo-render")
    ap.add_argument("--page", type=int, default=1, help="the page to save as --png")
    ap.add_argument("--png", type=Path, default=None, help="e.g. docs/memo.png")
    ap.add_argument("--dpi", type=int, default=80)
    a = ap.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (see this script's docstring)", file=sys.stderr)
            return 2
    out = a.out_dir
    if out.exists():
        shutil.rmtree(out)
    docs = out / "docs"
    shutil.copytree(sample_docs_dir(), docs)
    with Workspace(out / "data") as ws:
        ws.library.add_paths([docs])
        ws.library.scan()
        ids = review(ws)
        memo = export_memo(ws, ids, out / "memo.docx", title="ASEAN dialogue partners: "
                           "Japan and Korea", author=REVIEWER, overview=OVERVIEW)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out / 'lo-profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(out), str(memo)],
                   check=True, capture_output=True, timeout=300)
    subprocess.run(["pdftoppm", "-png", "-r", str(a.dpi), str(out / "memo.pdf"),
                    str(out / "page")], check=True)
    pages = sorted(out.glob("page-*.png"))
    print(f"{memo}: {len(pages)} pages, rendered to {out}/page-*.png")
    if a.png is not None:
        shutil.copy(pages[a.page - 1], a.png)
        print(f"page {a.page} saved as {a.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
