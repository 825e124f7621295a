"""SME classes under 中小企業基本法 第2条 (thresholds inclusive: 「以下」).

An enterprise is an SME if it meets the capital test OR the employee test of its
industry. Small-scale (小規模企業者) is by employees alone: <= 20, or <= 5 in
commerce (wholesale, retail) and services. Sole proprietors have no capital test.
Source: chusho.meti.go.jp/keiei/sapoin/portal/03_1teigi.html
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Thresholds:
    capital_jpy: int
    employees: int
    small_scale_employees: int


# "other" takes the manufacturing thresholds (manufacturing, construction,
# transport and every industry not listed separately).
THRESHOLDS: dict[str, Thresholds] = {
    "manufacturing": Thresholds(300_000_000, 300, 20),
    "other": Thresholds(300_000_000, 300, 20),
    "wholesale": Thresholds(100_000_000, 100, 5),
    "services": Thresholds(50_000_000, 100, 5),
    "retail": Thresholds(50_000_000, 50, 5),
}

SMALL_SCALE = "small_scale"
SME = "sme"
LARGE = "large"
LABELS = {
    SMALL_SCALE: gettext_lazy("Small-scale enterprise"),
    SME: gettext_lazy("SME"),
    LARGE: gettext_lazy("Large"),
}


@dataclass(frozen=True)
class SizeClass:
    size_class: str
    capital_test: bool | None  # None: not applicable (sole proprietor) or capital unknown
    employee_test: bool

    @property
    def basis(self) -> str:
        """Why, in the active language."""
        if self.size_class == SMALL_SCALE:
            return _("Small-scale enterprise by the employee test.")
        if self.size_class == SME:
            if self.capital_test and self.employee_test:
                return _("SME by the capital test and the employee test.")
            if self.capital_test:
                return _("SME by the capital test.")
            return _("SME by the employee test.")
        return _("Large: neither the capital test nor the employee test is met.")


def classify(*, industry: str, employees: int, capital_jpy: int | None) -> SizeClass:
    """Classify by industry bucket; capital None means no capital test (sole proprietor)."""
    limits = THRESHOLDS[industry]
    employee_test = employees <= limits.employees
    capital_test = None if capital_jpy is None else capital_jpy <= limits.capital_jpy
    if employees <= limits.small_scale_employees:
        return SizeClass(SMALL_SCALE, capital_test, employee_test)
    if employee_test or capital_test:
        return SizeClass(SME, capital_test, employee_test)
    return SizeClass(LARGE, capital_test, employee_test)
