"""Google mode: the store adapter for Sheets and Drive, on gspread.

`client.py` builds the `gspread.Client` and holds our subclass of gspread's `HTTPClient` (signing,
pacing, bounded retry, counting, errors), the one place a request reaches Google (and, in tests, the
stand-in); `store.py` is the adapter the sync job sees.
"""


def open_google_store(spreadsheet_id: str):
    """The store for a school whose `Tracker summary` is this spreadsheet (credentials from ADC)."""
    from sync.google.store import GoogleStore

    return GoogleStore(spreadsheet_id)
