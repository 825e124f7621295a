"""Scoring a self-diagnosis from its questionnaire's data: totals, bands, parts, the roll-up.

Pure functions over a version's data (diagnosis/questionnaire.py) and answers
({item id: answer value}); no queries, so pages, the API and tests share them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext_lazy


def localized(row: Mapping[str, Any], language: str | None, key: str = "") -> str:
    """`row[key + "_ja"]` or `row[key + "_en"]` (plain "ja"/"en" without a key)."""
    suffix = "en" if (language or "ja").startswith("en") else "ja"
    return str(row[f"{key}_{suffix}" if key else suffix])


@dataclass(frozen=True)
class Form:
    """A questionnaire version's data, read by id."""

    data: Mapping[str, Any]

    @cached_property
    def items(self) -> dict[str, Mapping[str, Any]]:
        return {item["id"]: item for item in self.data["items"]}

    @cached_property
    def answers(self) -> dict[str, Mapping[str, Any]]:
        return {answer["value"]: answer for answer in self.data["answers"]}

    @cached_property
    def parts(self) -> dict[int, Mapping[str, Any]]:
        return {part["number"]: part for part in self.data["parts"]}

    @cached_property
    def max_points(self) -> int:
        return max(int(answer["points"]) for answer in self.data["answers"])

    @property
    def max_total(self) -> int:
        return self.max_points * len(self.items)

    def points(self, answer: str) -> int:
        return int(self.answers[answer]["points"])

    def is_weak(self, answer: str) -> bool:
        return bool(self.answers[answer]["weak"])

    def band_for(self, total: int) -> Mapping[str, Any]:
        """The first band (highest first) whose lowest total the total reaches; the last has none."""
        for band in self.data["bands"]:
            if band["min_total"] is None or total >= band["min_total"]:
                found: Mapping[str, Any] = band
                return found
        raise ValueError("the last band must have no lowest total")

    def skills_of(self, item_id: str) -> list[str]:
        return list(self.data["topics"][self.items[item_id]["topic"]]["skills"])

    def allowed_answers(self, item_id: str) -> set[str]:
        """Every answer, but "not applicable" only for an item that declares it may be."""
        allowed = set(self.answers)
        if not self.items[item_id]["may_be_not_applicable"]:
            allowed.discard("not_applicable")
        return allowed

    def answer_errors(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """{item id: "unknown_item" | "unknown_answer" | "not_applicable_refused"} for what is wrong."""
        errors: dict[str, str] = {}
        for item_id, answer in answers.items():
            if item_id not in self.items:
                errors[item_id] = "unknown_item"
            elif answer is not None and answer not in self.answers:
                errors[item_id] = "unknown_answer"
            elif answer is not None and answer not in self.allowed_answers(item_id):
                errors[item_id] = "not_applicable_refused"
        return errors


@dataclass(frozen=True)
class PartScore:
    number: int
    subtotal: int
    max_total: int
    answered: int
    items: int


@dataclass(frozen=True)
class Score:
    """One sheet's (or the rolled-up company's) score. `band` is None until every item is answered."""

    answers: dict[str, str]
    total: int
    max_total: int
    band: Mapping[str, Any] | None
    parts: list[PartScore]
    dont_know: list[str]
    unanswered: list[str]
    weak: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.unanswered


def score(form: Form, answers: Mapping[str, str | None]) -> Score:
    """Sum the points of the answered items; the band needs every item answered."""
    given = {item_id: answer for item_id, answer in answers.items() if answer is not None and item_id in form.items}
    parts = []
    for number in form.parts:
        ids = [item_id for item_id, item in form.items.items() if item["part"] == number]
        answered = [item_id for item_id in ids if item_id in given]
        parts.append(
            PartScore(
                number=number,
                subtotal=sum(form.points(given[item_id]) for item_id in answered),
                max_total=form.max_points * len(ids),
                answered=len(answered),
                items=len(ids),
            )
        )
    total = sum(part.subtotal for part in parts)
    unanswered = [item_id for item_id in form.items if item_id not in given]
    return Score(
        answers=given,
        total=total,
        max_total=form.max_total,
        band=None if unanswered else form.band_for(total),
        parts=parts,
        dont_know=[item_id for item_id in form.items if given.get(item_id) == "dont_know"],
        unanswered=unanswered,
        weak=[item_id for item_id in form.items if item_id in given and form.is_weak(given[item_id])],
    )


def roll_up(form: Form, sheets: Sequence[Mapping[str, str | None]]) -> dict[str, str]:
    """The company's answers from its sheets (one per site or department): per item, the weakest.

    Why the weakest answer and not the mean of the sheet totals: the company is as exposed as
    its weakest site (a leak at one branch is the company's leak), each rolled-up item stays
    one of the five answers, so "don't know" at any site is listed for review and a weak item
    anywhere can be shared in a drafted request, and the total keeps the sheet's 0-100 scale
    and bands. Weakest = fewest points; at equal points an applicable answer beats "not
    applicable" (what one site uses applies to the company). An item unanswered on any sheet
    stays unanswered, so the company's result is complete only when every sheet is.
    """
    rolled: dict[str, str] = {}
    for item_id in form.items:
        given = [sheet.get(item_id) for sheet in sheets]
        if not given or any(answer is None or answer not in form.answers for answer in given):
            continue
        rolled[item_id] = min(
            (answer for answer in given if answer is not None),
            key=lambda answer: (form.points(answer), answer == "not_applicable"),
        )
    return rolled


# Said beside the company's result (the rule is roll_up's docstring).
ROLL_UP_RULE = gettext_lazy(
    "The company's answer to each item is the weakest answer any of its sheets gave: "
    "the company is as exposed as its weakest site."
)
