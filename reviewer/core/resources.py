"""Locate bundled resources and the demo releases, in a checkout or an installed copy."""
from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parents[1]  # reviewer/


@cache
def _first_existing(name: str) -> Path:
    # A checkout keeps resources/ and sample_docs/ at the top level; a wheel ships them
    # inside the package (see pyproject's force-include).
    for candidate in (_PKG.parent / name, _PKG / name):
        if candidate.is_dir():
            return candidate
    return _PKG / name


def resource_path(*parts: str) -> Path:
    """Path of a file under the bundled `resources/` folder."""
    return _first_existing("resources").joinpath(*parts)


def sample_docs_dir() -> Path:
    """The bundled demo releases."""
    return _first_existing("sample_docs")
