"""Prefecture -> region (地方区分, the eight regions of the usual school and statistics split).

A shared incident names the victim's region, never its prefecture; aggregates widen a
prefecture to its region when a cell would cover too few organisations.
"""

from django.utils.translation import get_language

REGIONS: dict[str, tuple[str, str, range]] = {
    "hokkaido": ("北海道", "Hokkaido", range(1, 2)),
    "tohoku": ("東北", "Tohoku", range(2, 8)),
    "kanto": ("関東", "Kanto", range(8, 15)),
    "chubu": ("中部", "Chubu", range(15, 24)),
    "kinki": ("近畿", "Kinki", range(24, 31)),
    "chugoku": ("中国", "Chugoku", range(31, 36)),
    "shikoku": ("四国", "Shikoku", range(36, 40)),
    "kyushu_okinawa": ("九州・沖縄", "Kyushu and Okinawa", range(40, 48)),
}
REGION_CHOICES = [(code, f"{ja} / {en}") for code, (ja, en, _codes) in REGIONS.items()]
_BY_PREFECTURE = {f"{number:02d}": code for code, (_ja, _en, numbers) in REGIONS.items() for number in numbers}


def region_of(prefecture: str) -> str:
    """The region code of a JIS prefecture code ("13" -> "kanto"); "" for an unknown one."""
    return _BY_PREFECTURE.get(prefecture, "")


def region_name(code: str, language: str | None = None) -> str:
    ja, en, _numbers = REGIONS.get(code, (code, code, range(0)))
    return en if (language or get_language() or "ja").startswith("en") else ja
