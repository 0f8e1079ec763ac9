"""Reads of the programs app, scoped by user; one module a subject."""
