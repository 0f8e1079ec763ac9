"""Indicators and RPJMD targets, their rollup and the dashboards: reads every app's figures,
and no app reads it."""
