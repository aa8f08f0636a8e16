"""Aggregates for the head's summary tabs: pure functions from the SCHOOL frame to ready-to-write
DataFrames whose columns are exactly the names each tab shows (spec/interfaces.md, spec/sheets.md)."""
from functions.aggregates.classes import classes
from functions.aggregates.completion import completion
from functions.aggregates.groups import groups
from functions.aggregates.progress_matrix import progress_matrix
from functions.aggregates.summary import summary
from functions.aggregates.watchlist import watchlist

__all__ = ["classes", "completion", "groups", "progress_matrix", "summary", "watchlist"]
