"""Emails to specialists about their credentials (ja first, en below)."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from talent.models import Certification


def _message(certification: Certification) -> tuple[str, str]:
    context = {"kind": certification.get_kind_display(), "number": certification.number or certification.name}
    if certification.status == Certification.Status.REJECTED:
        return (
            _("Your credential was not accepted"),
            _("%(kind)s %(number)s was not accepted: %(note)s") % {**context, "note": certification.review_note},
        )
    if certification.validity == Certification.Validity.LAPSED:
        return (
            _("Your RISS registration has lapsed"),
            _("%(kind)s %(number)s passed its renewal deadline (%(deadline)s) and no longer counts.")
            % {**context, "deadline": certification.renewal_deadline},
        )
    if certification.validity == Certification.Validity.RENEWAL_DUE:
        return (
            _("Your RISS registration is due for renewal"),
            _("%(kind)s %(number)s must be renewed by %(deadline)s.")
            % {**context, "deadline": certification.renewal_deadline},
        )
    return _("Your credential was verified"), _("%(kind)s %(number)s was verified.") % context


def notify_certification_status(*, certification_id: str) -> None:
    certification = Certification.objects.select_related("specialist__user").filter(pk=certification_id).first()
    if certification is None:
        return
    parts = []
    for language in ("ja", "en"):
        with translation.override(language):
            parts.append(_message(certification))
    subject = f"{parts[0][0]} / {parts[1][0]}"
    body = f"{parts[0][1]}\n\n{parts[1][1]}\n"
    send_mail(subject, body, None, [certification.specialist.user.email])
