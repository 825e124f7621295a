"""Upload checks: content decides, names and sizes are bounded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.uploads import UploadRejected, check_upload
from tests.talent_fixtures import JPEG_BYTES, PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("card.pdf", PDF_BYTES, "application/pdf"),
        ("card.PNG", PNG_BYTES, "image/png"),
        ("card.jpg", JPEG_BYTES, "image/jpeg"),
        ("card.jpeg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_accepts_pdf_png_and_jpeg_by_content(name, content, content_type):
    checked = check_upload(SimpleUploadedFile(name, content), field="evidence")

    assert checked.content_type == content_type
    assert checked.stored_name != name
    assert checked.display_name == name


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("card.pdf", PNG_BYTES + b"<html><script>alert(1)</script></html>", "content is PNG"),
        ("card.png", PNG_BYTES[:-12] + b"<html><body>x</body></html>" + PNG_BYTES[-12:], "web markup"),
        ("card.pdf", b"PK\x03\x04" + b"\x00" * 100, "Only PDF, PNG or JPEG"),
        ("card.pdf", b"<!DOCTYPE html><html></html>", "Only PDF, PNG or JPEG"),
        ("card.pdf", PDF_BYTES.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /JS (x) >>"),
         "scripts"),
        ("card.pdf", b"%PDF-1.4\n1 0 obj", "incomplete"),
        ("card.png", PNG_BYTES[:30], "incomplete"),
        ("card.exe", PDF_BYTES, "content is PDF"),
        ("card", JPEG_BYTES, "content is JPEG"),
        ("empty.pdf", b"", "empty"),
    ],
)  # fmt: skip
def test_refuses_files_whose_content_is_not_what_it_claims(name, content, reason):
    with pytest.raises(UploadRejected) as error:
        check_upload(SimpleUploadedFile(name, content), field="evidence")

    assert reason in str(error.value.message)
    assert error.value.field == "evidence"


def test_refuses_files_over_ten_megabytes():
    big = PDF_BYTES[:-6] + b"0" * (10 * 1024 * 1024) + b"%%EOF\n"

    with pytest.raises(UploadRejected) as error:
        check_upload(SimpleUploadedFile("big.pdf", big), field="evidence")

    assert "10 MB" in str(error.value.message)
