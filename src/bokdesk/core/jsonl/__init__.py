"""Lossless JSONL export and import of the desk (schema in docs/jsonl.md).

Import reads the whole file twice: first every line is parsed and checked (a bad line is named and
nothing is imported), then everything is written in one transaction.
"""

from __future__ import annotations

from .checks import ImportError_
from .export import export_jsonl, export_records
from .load import import_jsonl
from .records import FORMAT, VERSION

__all__ = ["FORMAT", "VERSION", "ImportError_", "export_jsonl", "export_records", "import_jsonl"]
