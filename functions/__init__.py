"""The functional core: pure assessment logic on plain values and DataFrames.

Nothing in this package reads or writes a file, a spreadsheet or the network, and nothing here
imports gspread, openpyxl, Flask or Typst. `sync/` does the I/O around it.
"""
