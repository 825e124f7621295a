"""Scoring as a table: totals, "don't know", "not applicable" as its data says, band edges, parts."""

import copy

import pytest

from diagnosis import drafting
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from diagnosis.scoring import Form, roll_up, score
from talent.models import RequestKind
from talent.skills import SKILLS
from tests.diagnosis_fixtures import ITEM_IDS, answers

FORM = Form(VERSIONS[CURRENT_VERSION])


def test_the_questionnaire_has_25_items_in_three_parts_with_their_source():
    data = VERSIONS[CURRENT_VERSION]

    assert [sum(1 for item in data["items"] if item["part"] == n) for n in (1, 2, 3)] == [5, 13, 7]
    assert [f"q{n}" for n in range(1, 26)] == ITEM_IDS
    assert data["source"]["official_sheet_url"] == "https://www.ipa.go.jp/security/guide/sme/5minutes.html"
    assert data["source"]["guideline_date"] == "2023-04-26"
    assert "承認" in data["notice_ja"]
    assert "not approved" not in data["notice_en"]
    assert "neither approved nor reviewed" in data["notice_en"]


def test_every_topic_maps_to_existing_skills_and_request_kinds():
    slugs = {slug for slug, _ja, _en in SKILLS}
    topics = VERSIONS[CURRENT_VERSION]["topics"]

    assert {item["topic"] for item in VERSIONS[CURRENT_VERSION]["items"]} == set(topics)
    for topic in topics.values():
        assert topic["skills"]
        assert set(topic["skills"]) <= slugs
        assert topic["kinds"]
        assert set(topic["kinds"]) <= set(RequestKind.values)


@pytest.mark.parametrize(
    ("sheet", "total"),
    [
        (answers("done"), 100),
        (answers("partly"), 50),
        (answers("not_done"), 0),
        (answers("dont_know"), -25),  # -1 per item
        (answers(q11="dont_know"), 95),
        (answers(q3="dont_know", q11="dont_know"), 90),
        (answers(q3="partly", q20="not_done"), 94),
        (answers(q9="not_applicable", q21="not_applicable", q23="not_applicable"), 100),  # counts as done (data: 4)
    ],
)
def test_totals(sheet, total):
    assert score(FORM, sheet).total == total


def test_not_applicable_scores_as_its_data_says():
    data = copy.deepcopy(VERSIONS[CURRENT_VERSION])
    next(a for a in data["answers"] if a["value"] == "not_applicable")["points"] = 0

    assert score(Form(data), answers(q9="not_applicable")).total == 96


def test_not_applicable_only_where_the_item_declares_it():
    assert FORM.answer_errors({"q9": "not_applicable", "q23": "not_applicable"}) == {}
    assert FORM.answer_errors({"q1": "not_applicable"}) == {"q1": "not_applicable_refused"}
    assert FORM.answer_errors({"q99": "done", "q2": "maybe"}) == {"q99": "unknown_item", "q2": "unknown_answer"}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (100, "achieved"),
        (99, "mostly"),
        (70, "mostly"),
        (69, "gaps"),
        (50, "gaps"),
        (49, "at_risk"),
        (0, "at_risk"),
        (-25, "at_risk"),
    ],
)
def test_band_edges(total, band):
    assert FORM.band_for(total)["band"] == band


@pytest.mark.parametrize(
    ("sheet", "total", "band"),
    [
        # 17 done, 1 partly, 1 don't know, 6 not done: 68 + 2 - 1 = 69 | one more point of partly: 70
        (answers("not_done", **dict.fromkeys(ITEM_IDS[:17], "done"), q18="partly", q19="dont_know"), 69, "gaps"),
        (answers("not_done", **dict.fromkeys(ITEM_IDS[:17], "done"), q18="partly", q19="partly"), 72, "mostly"),
        (answers("not_done", **dict.fromkeys(ITEM_IDS[:17], "done"), q18="partly"), 70, "mostly"),
        # 12 done, 1 partly: 50 | with one "don't know": 49
        (answers("not_done", **dict.fromkeys(ITEM_IDS[:12], "done"), q13="partly"), 50, "gaps"),
        (answers("not_done", **dict.fromkeys(ITEM_IDS[:12], "done"), q13="partly", q14="dont_know"), 49, "at_risk"),
        (answers(q25="partly"), 98, "mostly"),
        (answers(), 100, "achieved"),
    ],
)
def test_band_edges_from_answers(sheet, total, band):
    result = score(FORM, sheet)

    assert result.band is not None
    assert (result.total, result.band["band"]) == (total, band)


def test_part_subtotals_dont_know_items_and_an_unfinished_sheet():
    result = score(FORM, answers(q2="dont_know", q7="partly", q20="dont_know"))
    unfinished = score(FORM, {"q1": "done", "q2": "partly"})

    assert [(p.number, p.subtotal, p.max_total) for p in result.parts] == [(1, 15, 20), (2, 50, 52), (3, 23, 28)]
    assert result.dont_know == ["q2", "q20"]
    assert result.weak == ["q2", "q7", "q20"]
    assert (unfinished.total, unfinished.band, len(unfinished.unanswered)) == (6, None, 23)


def test_two_sheets_roll_up_to_the_weakest_answer_per_item():
    head_office = answers(q20="not_done", q9="done")
    branch = answers(q3="partly", q11="dont_know", q9="not_applicable", q20="partly")

    rolled = roll_up(FORM, [head_office, branch])

    assert {k: v for k, v in rolled.items() if v != "done"} == {"q3": "partly", "q11": "dont_know", "q20": "not_done"}
    assert rolled["q9"] == "done"  # equal points: the site that uses wireless LAN decides
    assert (score(FORM, head_office).total, score(FORM, branch).total) == (96, 91)
    assert score(FORM, rolled).total == 89  # not the mean of the sheets (93.5)


def test_an_item_unanswered_on_any_sheet_is_unanswered_in_the_roll_up():
    rolled = roll_up(FORM, [answers(), {k: v for k, v in answers().items() if k != "q5"}])

    assert "q5" not in rolled
    assert score(FORM, rolled).band is None


@pytest.mark.parametrize(
    ("shared", "kind"),
    [
        (["q3"], "spot"),
        (["q3", "q11", "q20"], "spot"),  # one organisational item
        (["q20", "q24"], "advisor"),  # organisational gaps
        (["q1", "q2", "q3", "q4", "q5"], "spot"),
        (["q1", "q2", "q3", "q4", "q5", "q6"], "advisor"),  # many items
    ],
)
def test_the_kind_follows_from_what_is_weak(shared, kind):
    assert drafting.kind_for(FORM, shared) == kind


def test_the_kind_rule_is_data():
    strict = drafting.KindRule(organisational_items=3, items=10)

    assert drafting.kind_for(FORM, ["q20", "q24"], strict) == "spot"


def test_skills_come_from_the_shared_items_topics_once_each():
    assert drafting.skills_for(FORM, ["q3", "q4", "q24"]) == ["identity_access", "incident_response", "bcp"]
