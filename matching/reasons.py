"""A proposal's reasons, rendered when read from the facts the run stored.

A run stores each proposal's score breakdown and a few facts (average level of the
required skills, the credential counted, proximity, rating, urgency); the text is
rendered here in ja and en on every read. Rendering one proposal's reasons in two
languages per row at write time cost the 10,000-request run ~10 s (bench/matching.py);
the translated templates are looked up once per language and process instead.
"""

import functools
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import override

LANGUAGES = ("ja", "en")


@functools.cache
def _templates(language: str) -> dict[str, str]:
    with override(language):
        return {
            "skills": _("Required skills: %(points)d points (average level %(level).1f)."),
            "certification": _("Holds a verified %(kind)s credential."),
            "industry": _("Has worked in the company's industry."),
            "same": _("Based in the same prefecture."),
            "travels": _("Travels to the company's prefecture."),
            "remote": _("Works remotely."),
            "rate_fit": _("Rate fit: %(points)d points."),
            "rating": _("Average review %(rating).1f."),
            "urgent": _("Urgent request: free capacity weighed up."),
            "handled": _("Handled %(count)d earlier incident(s) of this kind."),
        }


def render(breakdown: dict[str, int], facts: dict[str, Any]) -> dict[str, list[str]]:
    """Human-readable reasons in ja and en for one proposal; {} for one without facts."""
    if not facts:
        return {}
    result: dict[str, list[str]] = {}
    for language in LANGUAGES:
        text = _templates(language)
        lines = [text["skills"] % {"points": breakdown.get("skills", 0), "level": facts["level"]}]
        if facts["certification"]:
            lines.append(text["certification"] % {"kind": facts["certification"]})
        if breakdown.get("industry"):
            lines.append(text["industry"])
        lines.append(text[str(facts["proximity"])])
        lines.append(text["rate_fit"] % {"points": breakdown.get("rate_fit", 0)})
        if facts["rating"] is not None:
            lines.append(text["rating"] % {"rating": facts["rating"]})
        if facts["urgent"]:
            lines.append(text["urgent"])
        if facts.get("handled"):
            lines.append(text["handled"] % {"count": facts["handled"]})
        result[language] = lines
    return result
