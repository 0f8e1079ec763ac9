"""Forms of the programs app, one module a subject."""
