"""Service functions: every write to the desk goes through one of these, in one transaction."""
