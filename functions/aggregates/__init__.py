"""Aggregates for the head's summary tabs: pure functions from the SCHOOL frame to ready-to-write
DataFrames whose columns are exactly the names each tab shows (README.md, docs/rules.md)."""
from functions.aggregates.classes import classes
from functions.aggregates.completion import completion
from functions.aggregates.governors import governors
from functions.aggregates.groups import groups
from functions.aggregates.interventions import interventions
from functions.aggregates.progress_matrix import progress_matrix
from functions.aggregates.summary import summary
from functions.aggregates.trends import trends, trends_by_year
from functions.aggregates.watchlist import watchlist

__all__ = ["classes", "completion", "governors", "groups", "interventions", "progress_matrix",
           "summary", "trends", "trends_by_year", "watchlist"]
