"""Self-diagnosis fixtures: answers as data, diagnoses made through the services."""

from diagnosis import services
from diagnosis.models import BasicPolicy, Diagnosis, RequestDraft, Sheet
from diagnosis.questionnaire import CURRENT_VERSION, VERSIONS
from tests.talent_fixtures import pdf

ITEM_IDS = [item["id"] for item in VERSIONS[CURRENT_VERSION]["items"]]


def answers(default="done", **overrides):
    """Every item answered `default`, but those named (q3="partly")."""
    return {item_id: overrides.get(item_id, default) for item_id in ITEM_IDS}


def make_diagnosis(company, user, sheets=None, *, complete=False):
    """A diagnosis with sheets {label: answers} (one whole-company sheet, all done, by default)."""
    sheets = sheets if sheets is not None else {"本社": answers()}
    diagnosis = services.start_diagnosis(user=user, company=company, sheet_labels=list(sheets))
    for sheet in diagnosis.sheets.all():
        services.update_sheet(user=user, sheet=sheet, answers=sheets[sheet.label], replace=True)
    if complete:
        services.complete_diagnosis(user=user, diagnosis=diagnosis)
    diagnosis.refresh_from_db()
    return diagnosis


def policy_upload_body():
    return {"file": pdf("basic-policy.pdf"), "public_url": "https://alice.example.test/security-policy"}


def diagnosis_world(company, owner):
    """For the permission matrix: {diagnosis} in progress with every item answered on its
    {sheet}; {diagnosis_done} completed with Q20 and Q24 not done; a basic policy, unpublished."""
    in_progress = make_diagnosis(company, owner, {"本社": answers(q3="partly", q11="dont_know")})
    done = make_diagnosis(company, owner, {"本社": answers(q20="not_done", q24="not_done")}, complete=True)
    services.upload_basic_policy(user=owner, company=company, file=pdf("basic-policy.pdf"))
    return {
        "diagnosis": in_progress.id,
        "sheet": in_progress.sheets.get().id,
        "diagnosis_done": done.id,
    }


def diagnosis_snapshot():
    """What a denied write must leave as it was."""
    return (
        list(Diagnosis.objects.order_by("id").values()),
        list(Sheet.objects.order_by("id").values()),
        list(RequestDraft.objects.order_by("id").values()),
        list(BasicPolicy.objects.order_by("id").values()),
    )
