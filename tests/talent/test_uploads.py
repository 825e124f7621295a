"""Upload checks: content decides, names and sizes are bounded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.uploads import UploadRejected, check_upload
from tests.talent_fixtures import JPEG_BYTES, PDF_BYTES, PNG_BYTES, build_pdf

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


def _pikepdf_with_javascript() -> bytes:
    """JavaScript in an OpenAction, stored inside a compressed object stream: no byte of the
    file says "JavaScript"."""
    pikepdf = pytest.importorskip("pikepdf")
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.OpenAction = document.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )
    buffer = io.BytesIO()
    document.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(build_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> "), id="escaped-names"),
        pytest.param(build_pdf(b"/Names << /EmbeddedFiles << /Names [] >> >> "), id="embedded-files"),
        pytest.param(build_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >> "), id="launch"),
        pytest.param("objstm", id="object-stream-javascript"),
        pytest.param(build_pdf().replace(b"xref", b"xrof").replace(b"obj", b"ob j"), id="unparseable"),
        pytest.param(build_pdf() + b"<svg onload=alert(1)>" + b"%%EOF\n", id="svg-polyglot"),
    ],
)
def test_refuses_pdfs_with_active_content_however_it_is_hidden(content):
    data = _pikepdf_with_javascript() if content == "objstm" else content
    if content == "objstm":
        assert b"JavaScript" not in data  # no byte pattern could have found it

    with pytest.raises(UploadRejected) as error:
        check_upload(SimpleUploadedFile("form.pdf", data), field="file")

    assert any(word in str(error.value.message) for word in ("scripts", "markup", "damaged"))


def test_refuses_markup_anywhere_in_an_image_not_only_at_its_start():
    polyglot = PNG_BYTES[:-12] + b"\x00" * 8000 + b"<html><script>alert(1)</script>" + PNG_BYTES[-12:]

    with pytest.raises(UploadRejected, match="markup"):
        check_upload(SimpleUploadedFile("photo.png", polyglot), field="file")


def test_a_real_generated_pdf_passes():
    """The terms PDF we generate ourselves is the kind of PDF people upload: it must pass."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(50, 800, "Employment contract")
    page.save()

    assert check_upload(SimpleUploadedFile("contract.pdf", buffer.getvalue()), field="file").content_type == (
        "application/pdf"
    )


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings, tmp_path):
    """A 300 MB declared body: 413 at once; nothing is spooled to a temp file."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    declared = 300 * 1024 * 1024

    response = client.post(
        "/api/v1/certifications/", data=b"x" * 1024, content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(declared),
    )  # fmt: skip

    assert response.status_code == 413
    assert "larger than 11 MB" in response.json()["detail"]
    assert sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file()) == 0


def test_a_twelve_megabyte_upload_is_refused_with_nothing_spooled(client_for, specialist_bob, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    big = SimpleUploadedFile("big.pdf", build_pdf() + b"%" * (12 * 1024 * 1024))

    response = client_for(specialist_bob).post(
        "/api/v1/certifications/", {"kind": "sg", "issued_on": "2024-04-01", "evidence": big}
    )

    assert response.status_code == 413
    assert list(tmp_path.rglob("*")) == []
