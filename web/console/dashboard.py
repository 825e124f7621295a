"""The console's home: every queue with its count and the age of its oldest item, each a link to
its list; then the chamber's figures for a fiscal year (figures.selectors), drawn as SVG bar
charts with the table of their numbers beside each, and the same figures as CSV."""

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from accounts.models import User
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from figures import fiscal
from figures.queues import Queue, queues
from figures.selectors import Figures, chamber_figures
from marketplace import formatting
from web.access import for_role
from web.console.charts import Chart, bar_chart
from web.pages import acting

ADMIN = User.Role.CHAMBER_ADMIN

# Each queue's label and the list it opens (a live run opens its own page).
QUEUES: dict[str, tuple[Any, str]] = {
    "companies": (gettext_lazy("Companies to verify"), "console:companies"),
    "certifications": (gettext_lazy("Credentials to review"), "console:certifications"),
    "proposals": (gettext_lazy("Proposals to review"), "console:proposals"),
    "runs": (gettext_lazy("Match runs in progress"), "console:proposals"),
    "documents": (gettext_lazy("Subsidy documents to review"), "console:subsidy_cases"),
    "deadlines": (gettext_lazy("Subsidy cases near a deadline"), "console:subsidy_cases"),
    "incidents": (gettext_lazy("Incident requests open"), "console:proposals"),
    "invoices": (gettext_lazy("Overdue invoices"), "console:invoices"),
    "refunds": (gettext_lazy("Refunds in flight"), "console:invoices"),
}


@dataclass(frozen=True)
class QueueLink:
    key: str
    label: str
    count: int
    url: str
    note: str


def _age(delta: datetime.timedelta) -> str:
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 86400:
        days = seconds // 86400
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if seconds >= 3600:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = seconds // 60
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _note(queue: Queue, now: datetime.datetime) -> str:
    if queue.key == "deadlines":
        if queue.due is None:
            return ""
        return _("Nearest deadline: %(date)s") % {"date": formatting.jdate(queue.due, translation.get_language())}
    age = queue.age(now)
    if age is None:
        return ""
    if queue.key == "invoices":
        return _("Oldest overdue for %(age)s") % {"age": _age(age)}
    return _("Oldest waiting %(age)s") % {"age": _age(age)}


def queue_links(user: User) -> list[QueueLink]:
    now = timezone.now()
    links = []
    for queue in queues(user):
        label, url_name = QUEUES[queue.key]
        if queue.key == "runs" and queue.target is not None:
            url = reverse("console:run", kwargs={"run_id": queue.target})
        elif queue.key == "incidents":
            url = reverse(url_name) + "?kind=incident"
        else:
            url = reverse(url_name)
        links.append(QueueLink(queue.key, str(label), queue.count, url, _note(queue, now)))
    return links


# --- the figures ---------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One number of the figures: what it is, which part of it, the value, its unit."""

    figure: str
    part: str
    value: int | float | None
    unit: str
    suppressed: bool = False  # None is a cell hidden for being under 5 (not "unknown")

    @property
    def text(self) -> str:
        if self.value is None:
            return _("fewer than 5 (not shown)") if self.suppressed else "—"
        if self.unit == "円":
            return formatting.yen(int(self.value))
        number = f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:,.1f}"
        return f"{number} {self.unit}" if translation.get_language() == "en" else f"{number}{self.unit}"

    @property
    def csv_value(self) -> str:
        if self.value is None:
            return ""
        return str(self.value)


def records(figures: Figures) -> dict[str, list[Record]]:
    """Every figure as records, by section (the page's tables and the CSV read the same)."""
    companies, count, days = pgettext("unit", "companies"), pgettext("unit", "cases"), pgettext("unit", "days")
    yen, percent = "円", "%"
    sections: dict[str, list[Record]] = {}
    headline = _("All")
    sections["headline"] = [
        Record(_("SMEs served"), headline, figures.smes_served, companies),
        Record(_("Requests published"), headline, figures.requests_published, count),
        Record(_("Requests filled"), headline, figures.requests_filled, count),
        Record(_("Share of requests filled"), headline, figures.filled_percent, percent),
        Record(_("Median time from publishing to the first approved proposal"), headline,
               figures.to_first_approval.days, days),
        Record(_("Median time from publishing to an engagement"), headline, figures.to_engagement.days, days),
    ]  # fmt: skip
    sections["requests"] = [
        record
        for row in figures.requests_by_kind
        for record in (
            Record(_("Requests published"), row.label, row.published, count),
            Record(_("Requests filled"), row.label, row.filled, count),
        )
    ]
    engagements = _("Engagements begun in the year")
    sections["engagements"] = [
        Record(engagements, _("Still active"), figures.engagements_active, count),
        Record(engagements, _("Ended"), figures.engagements_ended, count),
    ]
    sections["money"] = [
        Record(_("Payments collected"), _("Amount"), figures.collected_jpy, yen),
        Record(_("Payments collected"), _("Platform fee"), figures.collected_fee_jpy, yen),
        Record(_("Refunds"), _("Amount"), figures.refunded_jpy, yen),
        Record(_("Refunds"), _("Platform fee"), figures.refunded_fee_jpy, yen),
    ]
    sections["subsidies"] = [
        record
        for row in figures.subsidy_stages
        for record in (
            Record(_("Subsidy cases"), row.label, row.cases, count),
            Record(_("Amount claimed"), row.label, row.claimed_jpy, yen),
            Record(_("Amount decided"), row.label, row.decided_jpy, yen),
        )
    ]
    language = translation.get_language() or "ja"
    bands = VERSIONS[CURRENT_VERSION]["bands"]
    labels = {band["band"]: band["en" if language.startswith("en") else "ja"] for band in bands}
    sections["bands"] = [
        Record(_("Companies by diagnosis band"), labels.get(cell.band, cell.band), cell.count, companies, True)
        for cell in figures.bands.cells
    ]
    return sections


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Record]]]
    chart: Chart | None


def sections(figures: Figures) -> list[Section]:
    """The page's sections: a table per section, and a chart of its first column."""
    found = records(figures)
    titles = {
        "headline": _("The year at a glance"),
        "requests": _("Requests by kind"),
        "engagements": _("Engagements"),
        "money": _("Fees collected and refunded"),
        "subsidies": _("Subsidy cases by stage"),
        "bands": _("Companies by diagnosis band"),
    }
    built = []
    for key, items in found.items():
        if key == "headline":
            rows = [(item.figure, [item]) for item in items]
            columns = [_("Value")]
        elif key in ("money",):
            rows = [(f"{item.figure}: {item.part}", [item]) for item in items]
            columns = [_("Amount")]
        else:
            by_part: dict[str, list[Record]] = {}
            for item in items:
                by_part.setdefault(item.part, []).append(item)
            rows = list(by_part.items())
            columns = list(dict.fromkeys(item.figure for item in items)) or [_("Value")]
            if key == "engagements":
                columns = [_("Engagements")]
        chart = None
        if key != "headline":
            chart = bar_chart(key, titles[key], [(label, cells[0].value, cells[0].text) for label, cells in rows])
        built.append(Section(key, titles[key], columns, rows, chart))
    return built


def _figures(request: HttpRequest) -> Figures:
    user = acting(request)
    year = fiscal.parse(request.GET.get("year"))
    try:
        return chamber_figures(user, user.chamber_id or "", year)
    except NotFound as exc:
        raise Http404(str(exc.detail)) from exc


# The figures part of the page, drawn, is kept this long per chamber, year and language: a
# year's figures move slowly, and computing and drawing them is most of the page's time
# (bench/console.py). The queues are counted on every request; the CSV is always computed.
FIGURES_CACHE_SECONDS = 300


def figures_cache_key(chamber_id: Any, year: int, language: str | None) -> str:
    return f"console:figures:v1:{chamber_id}:{year}:{language}"


def _figures_html(request: HttpRequest) -> str:
    user = acting(request)
    year = fiscal.parse(request.GET.get("year"))
    key = figures_cache_key(user.chamber_id, year.year, translation.get_language())
    found = cache.get(key)
    if found is None:
        figures = _figures(request)
        context = {
            "figures": figures,
            "sections": sections(figures),
            "years": fiscal.choices(figures.year),
            "as_of": timezone.now(),
        }
        found = render_to_string("web/console/dashboard_figures.html", context, request=request)
        cache.set(key, found, FIGURES_CACHE_SECONDS)
    return str(found)


@for_role(ADMIN)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The queues, then the chosen fiscal year's figures (drawn at most FIGURES_CACHE_SECONDS ago)."""
    figures = _figures_html(request)
    context = {"queues": queue_links(acting(request)), "figures_html": mark_safe(figures)}  # noqa: S308  (our own template's output)
    return render(request, "web/console/dashboard.html", context)


CSV_HEADER = ("年度", "指標", "区分", "値", "単位")


@for_role(ADMIN)
@require_GET
def figures_csv(request: HttpRequest) -> HttpResponse:
    """Every figure of the year as CSV: UTF-8 with a BOM (Excel opens it as such), in Japanese."""
    figures = _figures(request)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    with translation.override("ja"):
        year = f"{figures.year.year}年度"
        for items in records(figures).values():
            for item in items:
                writer.writerow((year, item.figure, item.part, item.csv_value, item.unit))
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    filename = f"figures-FY{figures.year.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
