"""Every link a mail carries (marketplace.links) resolves to the page its docstring names."""

import inspect
import uuid

import pytest
from django.conf import settings
from django.urls import resolve

from marketplace import links

LINKS = [
    function
    for name, function in inspect.getmembers(links, inspect.isfunction)
    if function.__module__ == links.__name__ and not name.startswith("_") and name != "absolute"
]


@pytest.mark.parametrize("link", LINKS, ids=[function.__name__ for function in LINKS])
def test_link_resolves_to_the_named_page(link):
    arguments = [str(uuid.uuid4()) for _ in inspect.signature(link).parameters]
    url = link(*arguments)
    base = str(settings.SITE_URL).rstrip("/")
    assert url.startswith(base + "/")
    match = resolve(url.removeprefix(base))
    assert match.view_name == link.__doc__.split()[0]
    assert sorted(str(value) for value in match.kwargs.values()) == sorted(arguments)


def test_absolute_joins_the_site_url(settings):
    settings.SITE_URL = "https://tcyss.example/"
    assert links.absolute("/sme/") == "https://tcyss.example/sme/"
