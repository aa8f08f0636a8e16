"""Google mode: the store adapter for Sheets and Drive, its client, retry and pacing.

Only `client.py` knows how requests reach Google (and, in tests, the stand-in);
`store.py` is the adapter the sync job sees.
"""
