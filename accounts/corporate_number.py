"""法人番号 (corporate number): normalisation, check digit, display.

The first of the 13 digits is the check digit over the other 12:
9 - (sum(Pn * Qn) mod 9), Pn the n-th digit from the right, Qn = 1 for odd n,
2 for even n (法人番号の指定等に関する省令 第2条). It is therefore 1-9, never 0.
"""

import re
import unicodedata

# Hyphen look-alikes people type or paste (after NFKC, full-width hyphen-minus is "-").
_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2012\u2013\u2014\u2015\u30fc]")


class InvalidCorporateNumber(ValueError):
    """Raised with a reason code: 'format', 'length' or 'check_digit'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_digit(base: str) -> int:
    """The check digit for a 12-digit base."""
    total = sum(int(digit) * (2 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


def normalize(value: str) -> str:
    """Full-width digits, hyphens and spaces folded away: 13 plain digits, validated."""
    folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    if folded and not (folded.isascii() and folded.isdigit()):
        raise InvalidCorporateNumber("format")
    if len(folded) != 13:
        raise InvalidCorporateNumber("length")
    if int(folded[0]) != check_digit(folded[1:]):
        raise InvalidCorporateNumber("check_digit")
    return folded


def display(number: str) -> str:
    """Grouped 1-4-4-4 for people: 7-0000-1205-0002."""
    return f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}"
