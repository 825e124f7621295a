"""Reasons are rendered from stored facts; proposals written before keep what their text said."""

import importlib

import pytest

from matching.reasons import render

migration = importlib.import_module("matching.migrations.0004_proposal_facts")
BREAKDOWN = {
    "skills": 280,
    "certification": 150,
    "industry": 100,
    "proximity": 70,
    "rate_fit": 44,
    "rating": 112,
    "workload": 25,
}


@pytest.mark.parametrize(
    "facts",
    [
        {"level": 4.0, "certification": "RISS", "proximity": "same", "rating": 4.5, "urgent": False},
        {"level": 2.5, "certification": "SG", "proximity": "travels", "rating": None, "urgent": True},
        {"level": 0.0, "certification": "", "proximity": "remote", "rating": 1.0, "urgent": False},
    ],
)
def test_the_text_says_what_the_facts_hold_in_both_languages_and_reads_back(facts):
    reasons = render(BREAKDOWN, facts)

    assert set(reasons) == {"ja", "en"}
    assert len(reasons["ja"]) == len(reasons["en"])
    assert reasons["en"][0] == f"Required skills: 280 points (average level {facts['level']:.1f})."
    assert reasons["ja"] != reasons["en"]
    assert migration.facts_from(reasons["en"]) == facts


def test_a_proposal_without_facts_has_no_reasons():
    assert render({}, {}) == {}
