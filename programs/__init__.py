"""Poverty programs of the SKPD in the three clusters, their budgets and named beneficiaries."""
