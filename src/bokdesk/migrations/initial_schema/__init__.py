"""Helpers of revision 0001 (``versions/0001_initial_schema.py``) and of no other: they are part of
that revision and frozen with it. Never change them, and never import them from a later revision
or from the code (a later revision spells out what it needs)."""
