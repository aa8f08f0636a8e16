"""Drive v3 as the stand-in serves it: listing by folder with paging, uploads, exports, sharing."""
from __future__ import annotations

import json

from tests.google_standin import StandIn

FOLDER = "application/vnd.google-apps.folder"
SHEET = "application/vnd.google-apps.spreadsheet"


def files_url(standin: StandIn, rest: str = "", upload: bool = False) -> str:
    return f"{standin.api_root}/www.googleapis.com/{'upload/' if upload else ''}drive/v3/files{rest}"


def test_listing_a_folder_pages_with_next_page_token(standin, api) -> None:
    folder = standin.create_folder("Classes")
    made = {standin.create_spreadsheet(f"Class {n}", parents=[folder]) for n in range(5)}
    standin.create_spreadsheet("Elsewhere")
    seen, pages, token = set(), 0, None
    while True:
        params = {"q": f"'{folder}' in parents and mimeType = '{SHEET}' and trashed = false",
                  "pageSize": 2, "fields": "nextPageToken,files(id,name,modifiedTime,lastModifyingUser)"}
        if token:
            params["pageToken"] = token
        page = api.get(files_url(standin), params=params).json()
        pages += 1
        seen |= {f["id"] for f in page["files"]}
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == made
    assert pages == 3                     # 2 + 2 + 1


def test_a_query_the_stand_in_cannot_read_is_refused_like_drive(standin, api) -> None:
    answer = api.get(files_url(standin), params={"q": "fullText contains 'x' or name = 'y'"})
    assert answer.status_code == 400
    assert answer.json()["error"]["errors"][0]["location"] == "q"


def test_files_not_shared_with_the_service_account_are_not_found(standin, api) -> None:
    hidden = standin.create_folder("Staff only", shared_with=())
    answer = api.get(files_url(standin, f"/{hidden}"))
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == f"File not found: {hidden}."
    shared = standin.create_folder("Classes")
    inside = standin.create_spreadsheet("4B", parents=[shared], shared_with=())
    assert api.get(files_url(standin, f"/{inside}")).status_code == 200   # shared through its folder


def test_html_uploaded_as_a_google_doc_keeps_headings_tables_and_images(standin, api) -> None:
    folder = standin.create_folder("Reports", parents=[standin.create_shared_drive("Reports")])
    html = ("<html><head><style>p{}</style></head><body><h1>Ann Smith</h1><p>Reading: expected</p>"
            "<table><tr><th>Subject</th><th>Now</th></tr><tr><td>Maths</td><td>16</td></tr></table>"
            "<img src=\"data:image/png;base64,AAAA\"></body></html>")
    boundary = "standin-boundary"
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            + json.dumps({"name": "Ann Smith", "mimeType": "application/vnd.google-apps.document",
                          "parents": [folder]})
            + f"\r\n--{boundary}\r\nContent-Type: text/html\r\n\r\n{html}\r\n--{boundary}--").encode()
    made = api.post(files_url(standin, upload=True), params={"uploadType": "multipart"}, data=body,
                    headers={"Content-Type": f"multipart/related; boundary={boundary}"})
    assert made.status_code == 200, made.text
    doc = made.json()["id"]
    text = api.get(files_url(standin, f"/{doc}/export"), params={"mimeType": "text/plain"}).text
    assert text == "Ann Smith\nReading: expected\nSubject\tNow\nMaths\t16"
    page = api.get(files_url(standin, f"/{doc}/export"), params={"mimeType": "text/html"}).text
    assert "<h1>Ann Smith</h1>" in page and '<img src="data:image/png;base64,AAAA">' in page


def test_a_spreadsheet_exports_its_first_sheet_as_csv(standin, api) -> None:
    book = standin.create_spreadsheet("4B", {"Pupils": [["a1", "B2"]]})
    answer = api.get(files_url(standin, f"/{book}/export"), params={"mimeType": "text/csv"})
    assert answer.text == "a1,B2"


def test_a_file_we_create_can_be_renamed_moved_and_deleted(standin, api) -> None:
    drive = standin.create_shared_drive("Reports", {standin.service_account: "organizer"})
    first, second = standin.create_folder("A", parents=[drive]), standin.create_folder("B", parents=[drive])
    made = api.post(files_url(standin), json={"name": "report.pdf", "parents": [first]}).json()
    moved = api.patch(files_url(standin, f"/{made['id']}"), params={
        "addParents": second, "removeParents": first, "fields": "id,name,parents"},
        json={"name": "Ann.pdf"}).json()
    assert moved == {"id": made["id"], "name": "Ann.pdf", "parents": [second]}
    assert api.delete(files_url(standin, f"/{made['id']}")).status_code == 204
    assert api.get(files_url(standin, f"/{made['id']}")).status_code == 404


def upload(standin: StandIn, api, folder: str, name: str = "Ann Smith.pdf"):
    boundary = "standin-boundary"
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            + json.dumps({"name": name, "parents": [folder]})
            + f"\r\n--{boundary}\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--{boundary}--").encode()
    return api.post(files_url(standin, upload=True), params={"uploadType": "multipart", "supportsAllDrives": "true"},
                    data=body, headers={"Content-Type": f"multipart/related; boundary={boundary}"})


def test_a_service_account_cannot_own_a_file_in_a_my_drive_folder(standin, api) -> None:
    refused = upload(standin, api, standin.create_folder("Reports"))      # a teacher's folder, shared
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["message"].startswith("Service Accounts do not have storage quota. Leverage shared drives")
    assert error["errors"][0]["reason"] == "storageQuotaExceeded"
    folder = api.post(files_url(standin), params={"supportsAllDrives": "true"},
                      json={"name": "Oak", "mimeType": FOLDER, "parents": [standin.create_folder("R")]})
    assert folder.status_code == 200                                     # a folder takes no storage
    on_drive = standin.create_folder("Reports", parents=[standin.create_shared_drive("Reports")])
    made = upload(standin, api, on_drive)
    assert made.status_code == 200
    got = api.get(files_url(standin, f"/{made.json()['id']}"),
                  params={"fields": "driveId", "supportsAllDrives": "true"}).json()
    assert got["driveId"]


def test_on_a_shared_drive_only_a_manager_deletes_and_a_content_manager_trashes(standin, api) -> None:
    folder = standin.create_folder("Reports", parents=[standin.create_shared_drive("Reports")])
    made = upload(standin, api, folder).json()["id"]
    deleted = api.delete(files_url(standin, f"/{made}"), params={"supportsAllDrives": "true"})
    assert deleted.status_code == 403                 # the service account is a Content manager
    assert deleted.json()["error"]["errors"][0]["reason"] == "insufficientFilePermissions"
    trashed = api.patch(files_url(standin, f"/{made}"), params={"supportsAllDrives": "true"},
                        json={"trashed": True})
    assert trashed.status_code == 200 and standin.world.files[made].trashed
    drive = standin.create_shared_drive("Managed", {standin.service_account: "organizer"})
    other = upload(standin, api, standin.create_folder("R", parents=[drive])).json()["id"]
    assert api.delete(files_url(standin, f"/{other}"), params={"supportsAllDrives": "true"}).status_code == 204


def _as_google_doc(standin: StandIn, api, folder: str, content: bytes, media_type: str):
    boundary = "standin-boundary"
    head = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            + json.dumps({"name": "Ann Smith", "mimeType": "application/vnd.google-apps.document",
                          "parents": [folder]})
            + f"\r\n--{boundary}\r\nContent-Type: {media_type}\r\n\r\n").encode()
    return api.post(files_url(standin, upload=True), params={"uploadType": "multipart", "supportsAllDrives": "true"},
                    data=head + content + f"\r\n--{boundary}--".encode(),
                    headers={"Content-Type": f"multipart/related; boundary={boundary}"})


def test_a_word_document_becomes_a_google_doc_with_its_headings_table_and_pictures(standin, api) -> None:
    import base64
    import io

    from docx import Document
    from docx.shared import Mm
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, "PNG")
    word = Document()
    word.add_heading("Ann Smith", level=1)
    word.add_paragraph("Reading: expected")
    table = word.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Maths", "16"
    table.rows[0].cells[1].paragraphs[0].add_run().add_picture(io.BytesIO(picture.getvalue()), width=Mm(20))
    saved = io.BytesIO()
    word.save(saved)
    folder = standin.create_folder("Reports", parents=[standin.create_shared_drive("Reports")])
    made = _as_google_doc(standin, api, folder, saved.getvalue(),
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert made.status_code == 200, made.text
    blocks = standin.world.files[made.json()["id"]].document
    assert blocks[0] == {"heading": 1, "text": "Ann Smith"} and blocks[1] == {"text": "Reading: expected"}
    assert blocks[2] == {"table": [["Maths", "16"]]}
    prefix, data = blocks[3]["image"].split(",", 1)
    assert prefix == "data:image/png;base64" and base64.b64decode(data) == picture.getvalue()


def test_content_drive_cannot_import_into_a_google_doc_is_refused_and_nothing_is_made(standin, api) -> None:
    folder = standin.create_folder("Reports", parents=[standin.create_shared_drive("Reports")])
    before = len(standin.world.files)
    refused = _as_google_doc(standin, api, folder, b"PK\x03\x04not a document", "application/zip")
    assert refused.status_code == 400
    assert len(standin.world.files) == before


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _multipart(meta: dict, content: bytes, content_type: str) -> tuple[bytes, dict]:
    boundary = "standin-boundary"
    body = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json.dumps(meta)}\r\n"
            f"--{boundary}\r\nContent-Type: {content_type}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/related; boundary={boundary}"}


def test_an_xlsx_uploaded_as_a_google_sheet_is_converted_and_other_media_are_refused(standin, api, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Pupils"
    book.active.append(["UPN", "First name"])
    book.active.append(["A123", "Ann"])
    book.active.freeze_panes = "A2"
    book.save(tmp_path / "c.xlsx")
    folder = standin.create_folder("Classes", parents=[standin.create_shared_drive("School")])
    meta = {"name": "2027-28 Oak (Year 4)", "mimeType": SHEET, "parents": [folder]}
    made = api.post(files_url(standin, upload=True), params={"uploadType": "multipart", "supportsAllDrives": "true"},
                    data=_multipart(meta, (tmp_path / "c.xlsx").read_bytes(), XLSX)[0],
                    headers=_multipart(meta, b"", XLSX)[1])
    assert made.status_code == 200, made.text
    assert standin.read_spreadsheet(made.json()["id"]) == {"Pupils": [["UPN", "First name"], ["A123", "Ann"]]}
    before = set(standin.world.files)
    body, headers = _multipart(meta, b"%PDF-1.4", "application/pdf")
    refused = api.post(files_url(standin, upload=True), params={"uploadType": "multipart"}, data=body, headers=headers)
    assert refused.status_code == 400
    assert set(standin.world.files) == before           # nothing is made


def test_a_service_account_cannot_copy_into_a_my_drive_folder(standin, api) -> None:
    source = standin.create_spreadsheet("4B", parents=[standin.create_folder("Classes")])
    answer = api.post(files_url(standin, f"/{source}/copy"), json={"name": "4B next year"})
    assert answer.status_code == 403
    assert answer.json()["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
    drive = standin.create_folder("Classes", parents=[standin.create_shared_drive("School")])
    copied = api.post(files_url(standin, f"/{source}/copy"), json={"name": "4B next year", "parents": [drive]})
    assert copied.status_code == 200 and copied.json()["name"] == "4B next year"


def test_permissions_list_the_owner_direct_shares_and_inherited_members(standin, api) -> None:
    mine = standin.create_spreadsheet("4B", shared_with=("sa@x.iam.gserviceaccount.com", standin.service_account))
    listed = api.get(files_url(standin, f"/{mine}/permissions"),
                     params={"fields": "permissions(type,role,emailAddress,permissionDetails)"}).json()["permissions"]
    assert {(p["role"], p["emailAddress"]) for p in listed} >= {("owner", "teacher@school.example"),
                                                                ("writer", standin.service_account)}
    drive = standin.create_shared_drive("School")
    on_drive = standin.create_spreadsheet("4C", parents=[drive], shared_with=())
    given = api.post(files_url(standin, f"/{on_drive}/permissions"), params={"sendNotificationEmail": "false"},
                     json={"type": "user", "role": "reader", "emailAddress": "Head@School.example"})
    assert given.status_code == 200, given.text
    listed = api.get(files_url(standin, f"/{on_drive}/permissions"),
                     params={"fields": "permissions(role,emailAddress,permissionDetails)"}).json()["permissions"]
    direct = [p for p in listed if not p["permissionDetails"][0]["inherited"]]
    assert [(p["role"], p["emailAddress"]) for p in direct] == [("reader", "head@school.example")]
    assert all(p["permissionDetails"][0]["inheritedFrom"] == drive for p in listed if p not in direct)
    assert not any(p["role"] == "owner" for p in listed)          # a shared drive's file has no owner


def test_permissions_create_refuses_what_drive_documents_it_refuses(standin, api) -> None:
    mine = standin.create_spreadsheet("4B")
    url = files_url(standin, f"/{mine}/permissions")
    owner = api.post(url, json={"type": "user", "role": "owner", "emailAddress": "new@school.example"})
    assert owner.status_code == 403
    assert "transferOwnership" in owner.json()["error"]["message"]
    anyone = api.post(url, params={"sendNotificationEmail": "false"}, json={"type": "anyone", "role": "reader"})
    assert anyone.status_code == 400                   # only for users and groups
    assert api.post(url, json={"type": "user", "role": "writer"}).status_code == 400    # whose?
    assert api.post(url, json={"type": "user", "role": "editor", "emailAddress": "a@b.c"}).status_code == 400
    reader_only = standin.create_spreadsheet("4C", shared_with=())
    with standin.world.lock:
        standin.world.files[reader_only].permissions["p1"] = {
            "kind": "drive#permission", "id": "p1", "type": "user", "role": "reader",
            "emailAddress": standin.service_account}
        standin.world.files[reader_only].shared_with.add(standin.service_account)
    refused = api.post(files_url(standin, f"/{reader_only}/permissions"),
                       json={"type": "user", "role": "reader", "emailAddress": "x@school.example"})
    assert refused.status_code == 403                  # a reader may not share
