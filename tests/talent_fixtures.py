"""Files and profiles for talent tests, shared through tests/conftest.py."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from talent.models import Certification, Skill, Specialist, SpecialistSkill, TravelPrefecture


def build_pdf(catalog_extra: bytes = b"") -> bytes:
    """A small but well-formed one-page PDF (with a correct xref table), so a real parser reads it."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj " % number + body + b" endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF_BYTES = build_pdf()
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def pdf(name="card.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(name, content, content_type="application/octet-stream"):
    return io.BytesIO(content), name, content_type


def make_specialist(user, *, status="active", listed=True, skills=None, travel=(), **fields):
    defaults = {
        "display_name": user.name or user.email,
        "prefecture": "13",
        "hourly_rate_jpy": 15_000,
        "monthly_retainer_jpy": 50_000,
    }
    specialist = Specialist.objects.create(user=user, status=status, listed_in_directory=listed, **(defaults | fields))
    by_slug = {s.slug: s for s in Skill.objects.all()}
    for slug, level in (skills or {}).items():
        SpecialistSkill.objects.create(specialist=specialist, skill=by_slug[slug], level=level)
    for code in travel:
        TravelPrefecture.objects.create(specialist=specialist, prefecture=code)
    from talent.services import refresh_search_columns

    refresh_search_columns(specialist)
    return specialist


def make_certification(specialist, *, kind="riss", status="pending", number="017758", deadline=None, **fields):
    today = timezone.localdate()
    cert = Certification(
        specialist=specialist,
        kind=kind,
        number=number if kind != "other" else "",
        name="CISSP" if kind == "other" else "",
        issued_on=fields.pop("issued_on", datetime.date(2023, 4, 1)),
        renewal_deadline=(deadline or today + datetime.timedelta(days=800)) if kind == "riss" else None,
        status=status,
        evidence_content_type="application/pdf",
        evidence_name="card.pdf",
        **fields,
    )
    cert.validity = cert.validity_on(today)
    cert.evidence.save("evidence.pdf", pdf(), save=False)
    cert.save()
    return cert
