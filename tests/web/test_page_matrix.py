"""Every page × audience: what each persona gets when they open it.

One row per page (its URL name, how to build its kwargs from the personas, and what each
persona gets); a persona the row does not name gets the row's `default`. Outcomes:
OK 200 · LOGIN a redirect to /login/?next=<the page> · HOME a redirect to the persona's home ·
NOT_FOUND 404 (another audience's page, or another tenant's object: never a 403, so nothing can
be probed). `test_every_page_has_a_row` fails for a page added without one.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import Cast

OK, LOGIN, HOME, NOT_FOUND = "200", "login", "home", "404"

# Fixture names of tests/conftest.py; None is the anonymous visitor.
PERSONAS: dict[str, str | None] = {
    "anon": None,
    "sme_alice": "sme_alice",  # owner of the Tokyo company
    "sme_erin": "sme_erin",  # owner of an Osaka company
    "stranger_dave": "stranger_dave",  # SME role, no company
    "specialist_bob": "specialist_bob",
    "specialist_bea": "specialist_bea",
    "admin_carol": "admin_carol",  # chamber admin of Tokyo
    "admin_oscar": "admin_oscar",  # chamber admin of Osaka
    "operator_olga": "operator_olga",  # Django staff, SME role
}
HOMES = {
    "sme_alice": "/sme/",
    "sme_erin": "/sme/",
    "stranger_dave": "/sme/",
    "operator_olga": "/sme/",
    "specialist_bob": "/specialist/",
    "specialist_bea": "/specialist/",
    "admin_carol": "/console/",
    "admin_oscar": "/console/",
}
SME_PEOPLE = ("sme_alice", "sme_erin", "stranger_dave", "operator_olga")
SPECIALISTS = ("specialist_bob", "specialist_bea")
CHAMBER_ADMINS = ("admin_carol", "admin_oscar")


def no_kwargs(cast: Cast) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    url_name: str
    expect: dict[str, str]
    default: str = NOT_FOUND
    kwargs: Callable[[Cast], dict[str, Any]] = no_kwargs
    note: str = field(default="", compare=False)

    def outcome(self, persona: str) -> str:
        return self.expect.get(persona, self.default)


def audience(url_name: str, people: tuple[str, ...], kwargs: Callable[[Cast], dict[str, Any]] = no_kwargs) -> Row:
    """A page of one audience: each of `people` 200, anonymous the sign-in page, anyone else 404."""
    return Row(url_name, {"anon": LOGIN, **dict.fromkeys(people, OK)}, kwargs=kwargs)


ROWS = [
    Row("web:home", {"anon": OK}, default=HOME, note="signed in: your home"),
    Row("web:login", {"anon": OK}, default=HOME, note="signed in: your home"),
    audience("console:home", CHAMBER_ADMINS),
    audience("sme:home", SME_PEOPLE),
    audience("specialist:home", SPECIALISTS),
]

# Pages that are not opened with a GET; their own tests cover them.
NOT_PAGES = {
    "web:logout": "POST only (tests/web/test_account.py)",
    "web:set_language": "POST only (tests/web/test_account.py)",
}
NAMESPACES = ("web", "console", "sme", "specialist")


def page_url_names() -> set[str]:
    """Every URL name in the pages' namespaces."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_page_has_a_row():
    assert page_url_names() - set(NOT_PAGES) == {row.url_name for row in ROWS}


CASES = [pytest.param(row, persona, id=f"{row.url_name}-{persona}") for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_page_answers_each_persona(client, cast, request, row, persona):
    url = reverse(row.url_name, kwargs=row.kwargs(cast))
    fixture = PERSONAS[persona]
    if fixture is not None:
        client.force_login(request.getfixturevalue(fixture))

    response = client.get(url)

    expected = row.outcome(persona)
    if expected == OK:
        assert response.status_code == 200
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={quote(url)}"
    elif expected == HOME:
        assert response.status_code == 302
        assert response["Location"] == HOMES[persona]
    else:
        assert response.status_code == 404
