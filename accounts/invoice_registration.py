"""適格請求書発行事業者登録番号 (a qualified-invoice issuer's registration number): `T` + 13 digits.

For a corporation the 13 digits are its 法人番号, so the check digit is verified
(`accounts.corporate_number`); for an individual the NTA assigns a separate number (not the My
Number) whose check digit is not published as the same rule [U]: only the pattern is checked
(DOMAIN.md, "Invoices and tax"). Whether a number is really registered is the NTA's public list's
to say (invoice-kohyo.nta.go.jp); nothing here proves it.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import corporate_number

PATTERN = re.compile(r"T\d{13}")
_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2012\u2013\u2014\u2015\u30fc]")


def normalize(value: str, *, corporation: bool) -> str:
    """`T` and 13 plain digits (full-width letters and digits, hyphens and spaces folded away);
    a corporation's digits must be a valid 法人番号. Raises ValidationError naming the reason."""
    folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not PATTERN.fullmatch(folded):
        raise ValidationError(
            _("A registration number is T followed by 13 digits (T1234567890123)."), code="registration_format"
        )
    if corporation:
        try:
            corporate_number.normalize(folded[1:])
        except corporate_number.InvalidCorporateNumber as exc:
            raise ValidationError(
                _("A corporation's registration number is T and its corporate number: the check digit is wrong."),
                code="registration_check_digit",
            ) from exc
    return folded


def validate_corporation_number(value: str) -> None:
    """A field validator for an organisation's number (a chamber is a corporation)."""
    if value:
        normalize(value, corporation=True)
