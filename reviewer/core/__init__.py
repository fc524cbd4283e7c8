"""Reviewer's domain: documents, extraction, index, review store, export. No Qt here."""
