"""Google hosts go to TRACKER_GOOGLE_API_ROOT when it is set; nothing else is rerouted."""
from __future__ import annotations

import requests

from sync.google.transport import API_ROOT_ENV, ApiRootAdapter, mount_api_root, rerouted

ROOT = "http://127.0.0.1:8765"


def test_sheets_and_drive_urls_go_under_the_root_keeping_host_path_and_query():
    assert rerouted("https://sheets.googleapis.com/v4/spreadsheets/ID?fields=sheets", ROOT) == \
        "http://127.0.0.1:8765/sheets.googleapis.com/v4/spreadsheets/ID?fields=sheets"
    assert rerouted("https://www.googleapis.com/drive/v3/files", ROOT + "/") == \
        "http://127.0.0.1:8765/www.googleapis.com/drive/v3/files"


def test_token_exchange_and_other_hosts_are_left_alone():
    assert rerouted("https://oauth2.googleapis.com/token", ROOT) == "https://oauth2.googleapis.com/token"
    assert rerouted("https://example.org/x", ROOT) == "https://example.org/x"


def test_the_adapter_is_mounted_only_when_the_variable_is_set(monkeypatch):
    monkeypatch.delenv(API_ROOT_ENV, raising=False)
    plain = mount_api_root(requests.Session())
    assert not isinstance(plain.get_adapter("https://sheets.googleapis.com/"), ApiRootAdapter)
    monkeypatch.setenv(API_ROOT_ENV, ROOT)
    routed = mount_api_root(requests.Session())
    adapter = routed.get_adapter("https://sheets.googleapis.com/")
    assert isinstance(adapter, ApiRootAdapter) and adapter.root == ROOT
