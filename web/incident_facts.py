"""What the SME's and the console's incident and support-program pages show alike, shaped once:
a workflow object's history (who, when, from -> to), the aggregates' cells with their labels, and
an incident-cost case's explained eligibility and amount (subsidies.eligibility, subsidies.costs)."""

from typing import Any

from django.db.models import Model
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Company
from accounts.prefectures import prefecture_name
from incidents import aggregates
from incidents.categories import IncidentCategory
from incidents.regions import region_name
from subsidies import costs, eligibility
from subsidies.models import SubsidyCase
from workflow.selectors import history_of


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def history(obj: Model, statuses: Any) -> list[dict[str, Any]]:
    """Every transition of `obj`, oldest first: who (a specialist by display name only), when,
    from which status to which (labels of `statuses`), and the note given."""
    rows = []
    for change in history_of(obj).select_related("by__specialist"):
        user = change.by
        if user is None:
            who = _("The system")
        elif user.role == "specialist" and getattr(user, "specialist", None) is not None:
            who = user.specialist.display_name
        else:
            who = user.name or user.email
        rows.append(
            {
                "by": who,
                "at": change.created_at,
                "from": _label(statuses, change.from_status) if change.from_status else "",
                "to": _label(statuses, change.to_status),
                "note": change.note,
            }
        )
    return rows


def aggregate_rows(table: aggregates.Table) -> list[dict[str, Any]]:
    """The published cells with what each groups by named (a blank dimension covers every value)."""
    everything = _("All")
    rows = []
    for cell in table.cells:
        key = cell.key
        if "prefecture" in key:
            place = prefecture_name(key["prefecture"])
        elif "region" in key:
            place = region_name(key["region"])
        else:
            place = everything
        rows.append(
            {
                "category": _label(IncidentCategory, key["category"]),
                "industry": _label(Company.Industry, key["industry"]) if "industry" in key else everything,
                "place": place,
                "period": key.get("month") or key.get("quarter") or everything,
                "incidents": cell.incidents,
                "loss_total_jpy": cell.loss_total_jpy,
            }
        )
    return rows


def case_costs(case: SubsidyCase) -> dict[str, Any]:
    """An incident-cost case's explained eligibility and its amount, invoice by invoice, in the
    reader's language (both computed by the subsidies app, never typed)."""
    language = translation.get_language() or "ja"
    results = eligibility.check(case)
    share = costs.cost_share(case)
    return {
        "case": case,
        "eligible": not eligibility.blocking(results),
        "rules": [{"rule": r.rule, "result": r.result, "reason": r.reason(language)} for r in results],
        "share": share,
        "lines": [{"line": line, "reason": line.reason(language)} for line in share.lines],
        "steps": share.steps(language),
        "history": history(case, SubsidyCase.Status),
    }
