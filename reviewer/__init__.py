"""Reviewer: an offline desktop application for reviewing press releases."""

__version__ = "0.1.0"
