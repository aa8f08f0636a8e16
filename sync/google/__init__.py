"""Google mode: the store adapter for Sheets and Drive, its client, retry and pacing.

Only `client.py` knows how requests reach Google (and, in tests, the stand-in);
`store.py` is the adapter the sync job sees.
"""


def open_google_store(spreadsheet_id: str):
    """The store for a school whose `Tracker summary` is this spreadsheet (credentials from ADC)."""
    from sync.google.store import GoogleStore

    return GoogleStore(spreadsheet_id)
