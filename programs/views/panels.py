"""Pages of the programs app (being built)."""

urls = []
