"""The pure evaluation engine (no Django): indicator frameworks, derived values, normalisation,
aggregation, ranks and classes, Monte Carlo rank intervals, the exit watch and a synthetic data field.

framework   Framework / Node / validate / MESSAGES (every problem code of this package)
series      SERIES: the base data series an indicator value is derived from
gacc2020    GACC_2020: the GACC trial method (2020) as far as it is public, the rest marked assumed
derive      derive_values: raw / per km² / year-on-year values from series and areas
engine      evaluate: normalise, impute, aggregate, adjust, rank, class
uncertainty rank_intervals: Monte Carlo over weights and normalisation
exitwatch   exit_watch: bottom-N nationally and regionally in consecutive runs
profile     strengths_weaknesses of one zone
synthetic   generate_field: a reproducible synthetic population of zones for demos, tests and benchmarks
"""
