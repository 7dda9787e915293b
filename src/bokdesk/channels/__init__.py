"""Contact channels (e-mail in and out). Part of the headless core."""
