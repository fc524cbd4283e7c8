"""The one error a memo export reports."""
from __future__ import annotations


class ExportError(Exception):
    """The memo cannot be written or built; the message says why, in plain words."""
