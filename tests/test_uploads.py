"""The one upload module (app/uploads.py) of work-order photos and compensation evidence:
files are what their bytes say, names are cleaned, and every download carries the same
safe headers. Unit behaviour first, then through the real pages and API as real users,
posting file names the way a browser encodes them."""
from __future__ import annotations

import io
import re
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header

from app.models import CompensationEvidence, WorkOrder, WorkOrderPhoto
from app.uploads import (
    JPEG,
    PDF,
    SANDBOX,
    WEBP,
    UploadRefused,
    content_disposition,
    download_response,
    read_uploads,
    safe_filename,
    sniff,
)
from app.uploads import PNG as PNG_TYPE
from tests.helpers import PNG, csrf_token, pdf_bytes, version_of
from tests.test_compensation import API, VIEW, new_claim

IMAGES = (JPEG, PNG_TYPE, WEBP)
EVIDENCE = (*IMAGES, PDF)
LEAK_PHOTO = '漏水照片 "1".png'


def image_bytes(image_format: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 120, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def storage(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.fixture
def ctx(app):
    """gettext needs a request context (the messages are translated)."""
    with app.test_request_context():
        yield


def refusal(files: list[FileStorage], allowed=EVIDENCE, max_bytes: int = 10_000,
            **kwargs) -> str:
    with pytest.raises(UploadRefused) as raised:
        read_uploads(files, allowed_types=allowed, max_bytes=max_bytes, **kwargs)
    return raised.value.message


# --- reading ------------------------------------------------------------------------------

@pytest.mark.parametrize("make, name, content_type", [
    (lambda: image_bytes("JPEG"), "门锁.jpg", JPEG),
    (lambda: image_bytes("JPEG"), "IMG_0001.JPEG", JPEG),
    (lambda: PNG, "floor.png", PNG_TYPE),
    (lambda: image_bytes("WEBP"), "ceiling.webp", WEBP),
    (pdf_bytes, "quote.pdf", PDF),
])
def test_each_allowed_type_is_accepted_by_its_content(ctx, make, name, content_type):
    data = make()
    [upload] = read_uploads([storage(data, name)], allowed_types=EVIDENCE, max_bytes=10_000)
    assert (upload.filename, upload.content_type, upload.size, upload.data) == (
        name, content_type, len(data), data)
    assert sniff(data) == content_type


def test_a_name_that_lies_about_the_content_is_refused(ctx):
    message = refusal([storage(PNG, "quote.pdf")])
    assert "quote.pdf is a PNG file; its name must end in .png" in message
    assert "must end in .pdf" in refusal([storage(pdf_bytes(), "scan.png")])
    assert "is a JPEG file" in refusal([storage(image_bytes("JPEG"), "photo.exe")])


def test_a_script_or_a_fake_header_is_refused(ctx):
    script = refusal([storage(b"<script>alert(1)</script>", "lock.png")], allowed=IMAGES)
    assert script == "lock.png is not a JPEG, PNG or WebP image."
    for data in (b"\x89PNG\r\n\x1a\n<script>", b"%PDF-1.7 not really a pdf",
                 b"\xff\xd8\xff\xe0 junk", b"RIFF\x00\x00\x00\x00WEBPjunk"):
        assert sniff(data) == ""
        assert "is not a JPEG, PNG or WebP image or a PDF" in refusal([storage(data, "x")])


def test_only_the_callers_types_are_accepted(ctx):
    assert refusal([storage(pdf_bytes(), "quote.pdf")], allowed=IMAGES) == (
        "quote.pdf is not a JPEG, PNG or WebP image.")
    assert refusal([storage(image_bytes("JPEG"), "a.jpg")], allowed=(PNG_TYPE,)) == (
        "a.jpg is not of an accepted type (PNG).")
    with pytest.raises(ValueError, match="image/gif"):
        read_uploads([storage(PNG, "a.png")], allowed_types=("image/gif",), max_bytes=100)


def test_empty_and_over_size_files_are_refused(ctx):
    assert refusal([storage(b"", "empty.png")]) == "empty.png is empty."
    big = refusal([storage(PNG, "big.png")], max_bytes=len(PNG) - 1)
    assert big.startswith("big.png is larger than")
    [exact] = read_uploads([storage(PNG, "a.png")], allowed_types=IMAGES,
                           max_bytes=len(PNG))
    assert exact.size == len(PNG)


def test_one_bad_file_refuses_all_and_skipped_inputs_do_not_count(ctx):
    files = [storage(PNG, "good.png"), None, storage(b"", ""), storage(b"MZ", "bad.png")]
    assert refusal(files).startswith("bad.png ")
    assert read_uploads([None, storage(b"", "")], allowed_types=IMAGES, max_bytes=10) == []
    too_many = [storage(PNG, f"{n}.png") for n in range(3)]
    assert refusal(too_many, max_files=2) == "Too many files: at most 2 at a time."
    assert len(read_uploads(too_many, allowed_types=IMAGES, max_bytes=1000,
                            max_files=3)) == 3


def test_a_name_without_an_extension_gets_the_real_one(ctx):
    [pdf, png] = read_uploads([storage(pdf_bytes(), "扫描件 v1.2"), storage(PNG, "photo")],
                              allowed_types=EVIDENCE, max_bytes=10_000)
    assert (pdf.filename, png.filename) == ("扫描件 v1.2.pdf", "photo.png")


# --- names --------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, cleaned", [
    ("../../photos/地板.png", "地板.png"),
    ("C:\\Users\\王\\Desktop\\漏水.jpg", "漏水.jpg"),
    ("line one\r\nline two.png", "line one line two.png"),
    ("tab\there\x07.png", "tab here.png"),
    (LEAK_PHOTO, LEAK_PHOTO),
    ("invoice\u202egnp.exe", "invoicegnp.exe"),  # no right-to-left trick
    ("..", "file"),
    ("", "file"),
    (None, "file"),
    (".htaccess", "htaccess"),
    ("  spaced out .png ", "spaced out.png"),
    ("ｆｕｌｌ.png", "ｆｕｌｌ.png"),
])
def test_file_names_are_cleaned(raw, cleaned):
    assert safe_filename(raw) == cleaned


def test_long_names_keep_their_extension():
    name = safe_filename("长" * 300 + ".jpeg")
    assert len(name) == 200 and name.endswith("长.jpeg")
    assert safe_filename("a" * 50 + ".pdf", max_length=10) == "aaaaaa.pdf"


# --- the header ---------------------------------------------------------------------------

def test_content_disposition_for_a_chinese_name_with_quotes():
    value = content_disposition(LEAK_PHOTO, inline=True)
    assert value == ("inline; filename=\"1.png\"; filename*=UTF-8''"
                     "%E6%BC%8F%E6%B0%B4%E7%85%A7%E7%89%87%20%221%22.png")
    assert parse_options_header(value) == ("inline", {"filename": LEAK_PHOTO})


@pytest.mark.parametrize("name", [
    'evil"; filename="x.html',
    "a.png\r\nSet-Cookie: session=stolen",
    'back\\slash;semi,comma "q".pdf',
    "地板.png",
])
def test_no_name_can_break_out_of_the_header(name):
    value = content_disposition(name, inline=False)
    assert "\r" not in value and "\n" not in value
    # One quoted ASCII name without inner quotes, then at most the encoded UTF-8 one.
    assert re.fullmatch(r"attachment; filename=\"[A-Za-z0-9._()+ -]+\""
                        r"(; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+)?", value), value
    assert parse_options_header(value) == ("attachment", {"filename": safe_filename(name)})


def test_plain_and_accented_names():
    assert content_disposition("floor.png", inline=False) == 'attachment; filename="floor.png"'
    assert content_disposition("café.pdf", inline=True) == (
        "inline; filename=\"cafe.pdf\"; filename*=UTF-8''caf%C3%A9.pdf")
    assert content_disposition("地板.png", inline=True).startswith(
        'inline; filename="file.png"; ')


def test_download_response_headers(app):
    with app.test_request_context():
        response = download_response(PNG, content_type=PNG_TYPE, filename=LEAK_PHOTO,
                                     inline=True)
    assert response.get_data() == PNG and response.content_type == PNG_TYPE
    assert_safe_download(response, PNG_TYPE, "inline")


# --- through the real pages and API -------------------------------------------------------

def browser_multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
                      ) -> tuple[bytes, str]:
    """A multipart body as a browser sends it: a file name's quotes and line breaks
    percent-encoded (HTML standard), the rest UTF-8."""
    boundary = f"----upload{uuid.uuid4().hex}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
             f"{value}\r\n".encode() for key, value in fields.items()]
    for key, (name, data, content_type) in files.items():
        encoded = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                     f'filename="{encoded}"\r\nContent-Type: {content_type}\r\n\r\n'
                     .encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def assert_safe_download(response, content_type: str, disposition: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Cache-Control"] == "private, no-store"
    value = response.headers["Content-Disposition"]
    assert value == content_disposition(LEAK_PHOTO, inline=disposition == "inline")
    assert parse_options_header(value) == (disposition, {"filename": LEAK_PHOTO})


def _work_order_form(world, client, **extra) -> dict[str, str]:
    data = {"source": "resident_visit", "category": "water_leak", "estate": world.estate_a,
            "unit": world.unit_a, "resident": world.resident_a,
            "description": "Water through the bathroom ceiling", "contact_name": "",
            "contact_phone": "", "location": "", "reported_at": "",
            "csrf_token": csrf_token(client, "/workorderview/add")}
    data.update(extra)
    return {key: str(value) for key, value in data.items()}


@pytest.mark.usefixtures("seeded")
def test_photo_download_is_sandboxed_and_safely_named(world, as_user, db_session):
    client = as_user("agent_a")
    body, content_type = browser_multipart(
        _work_order_form(world, client), {"photo_files": (LEAK_PHOTO, PNG, "image/png")})
    response = client.post("/workorderview/add", data=body, content_type=content_type)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    order = db_session.scalar(select(WorkOrder).order_by(WorkOrder.id.desc()).limit(1))
    [photo] = order.photos
    assert (photo.filename, photo.content_type) == (LEAK_PHOTO, PNG_TYPE)
    shown = client.get(f"/workorderview/photo/{photo.id}")
    assert shown.data == PNG
    assert_safe_download(shown, PNG_TYPE, "inline")
    page = client.get(f"/workorderview/show/{order.id}").get_data(as_text=True)
    assert "漏水照片 &#34;1&#34;.png" in page  # shown escaped once, not twice
    assert as_user("agent_b").get(f"/workorderview/photo/{photo.id}").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_a_photo_whose_name_lies_is_refused_and_the_input_kept(world, as_user, db_session):
    client = as_user("agent_a")
    before = db_session.scalar(select(func.count(WorkOrderPhoto.id)))
    body, content_type = browser_multipart(
        _work_order_form(world, client, description="Tap drips in 3-1201"),
        {"photo_files": ("invoice.pdf", PNG, "application/pdf")})
    response = client.post("/workorderview/add", data=body, content_type=content_type)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tap drips in 3-1201" in page
    assert "invoice.pdf is a PNG file; its name must end in .png." in page
    assert db_session.scalar(select(func.count(WorkOrderPhoto.id))) == before


@pytest.mark.usefixtures("seeded")
def test_evidence_download_is_sandboxed_and_safely_named(app, world, api_as, as_user,
                                                          db_session):
    agent = api_as("agent_a")
    pk = new_claim(app, api_as, world)

    def post(name: str, data: bytes):
        body, content_type = browser_multipart(
            {"kind": "evidence", "version": str(version_of(agent, f"{API}{pk}"))},
            {"files": (name, data, "application/octet-stream")})
        return agent.post(f"{API}{pk}/evidence", data=body, content_type=content_type)

    lying = post("floor.pdf", PNG)
    assert lying.status_code == 400
    assert lying.json["errors"]["evidence_files"] == (
        "floor.pdf is a PNG file; its name must end in .png.")
    assert post("empty.png", b"").json["errors"]["evidence_files"] == "empty.png is empty."
    assert db_session.scalar(select(func.count(CompensationEvidence.id))
                             .where(CompensationEvidence.claim_id == pk)) == 0
    added = post(LEAK_PHOTO, PNG)
    assert added.status_code == 201, added.get_data(as_text=True)
    [item] = added.json["result"]
    assert item["filename"] == LEAK_PHOTO

    ui = as_user("agent_a")
    for response in (ui.get(f"{VIEW}/evidence/{item['id']}"),
                     agent.get(f"{API}evidence/{item['id']}")):
        assert response.data == PNG
        assert_safe_download(response, PNG_TYPE, "inline")
    for username in ("agent_b", "manager_b"):
        assert as_user(username).get(f"{VIEW}/evidence/{item['id']}").status_code == 404
        assert api_as(username).get(f"{API}evidence/{item['id']}").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_a_pdf_is_saved_not_shown(app, world, api_as, as_user):
    agent = api_as("agent_a")
    pk = new_claim(app, api_as, world)
    body, content_type = browser_multipart(
        {"kind": "evidence", "version": str(version_of(agent, f"{API}{pk}"))},
        {"files": ("报价单", pdf_bytes(), "application/pdf")})
    added = agent.post(f"{API}{pk}/evidence", data=body, content_type=content_type)
    assert added.status_code == 201, added.get_data(as_text=True)
    [item] = added.json["result"]
    assert item["filename"] == "报价单.pdf"
    download = as_user("agent_a").get(f"{VIEW}/evidence/{item['id']}")
    assert download.status_code == 200 and download.mimetype == PDF
    assert download.headers["Content-Security-Policy"] == SANDBOX
    assert parse_options_header(download.headers["Content-Disposition"]) == (
        "attachment", {"filename": "报价单.pdf"})
