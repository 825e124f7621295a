"""Operators change state in Django admin only through actions that call services."""

import json

from django.contrib.admin.sites import site

from accounts.models import Company, User
from matching.models import Proposal
from workflow.models import StatusChange


def test_status_is_read_only_in_every_workflow_admin(rf, db):
    operator = User.objects.create_superuser("root@ops.test", "x", name="Ops", role="sme")
    request = rf.get("/admin/")
    request.user = operator
    for model, model_admin in site._registry.items():
        if hasattr(model, "TRANSITIONS") or model is Proposal:
            assert "status" in model_admin.get_readonly_fields(request), model.__name__


def test_an_operator_verifies_companies_through_the_action_with_history(client, db, alice_company, erin_company):
    operator = User.objects.create_superuser("root@ops.test", "x", name="Ops", role="sme")
    Company.objects.filter(pk=alice_company.pk).update(status="pending")
    Company.objects.filter(pk=erin_company.pk).update(status="rejected")
    client.force_login(operator)

    response = client.post(
        "/admin/accounts/company/",
        {"action": "action_verify_pending_companies", "_selected_action": [alice_company.pk, erin_company.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert dict(Company.objects.values_list("pk", "status")) == {
        alice_company.pk: "verified",
        erin_company.pk: "rejected",
    }
    assert StatusChange.objects.filter(object_id=alice_company.pk, to_status="verified", by=operator).count() == 1
    assert any("rejected" in str(message) for message in response.context["messages"])


def _change_form_data(response):
    """The values a change page would post back unchanged: the form's and each inline's."""
    data = {}
    for name, field in response.context["adminform"].form.fields.items():
        value = response.context["adminform"].form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = json.dumps(value) if isinstance(value, list | dict) else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = len(formset.forms)
        data[f"{prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        data[f"{prefix}-MIN_NUM_FORMS"], data[f"{prefix}-MAX_NUM_FORMS"] = 0, 1000
        for index, form in enumerate(formset.forms):
            for name in form.fields:
                value = form.instance.pk if name == "id" else form.initial.get(name)
                if value is not None and value is not False:
                    data[f"{prefix}-{index}-{name}"] = getattr(value, "pk", value)
    return data


def test_skills_edited_inline_in_admin_are_found_by_the_directory(client, db, sme_alice, specialist_bob):
    from rest_framework_simplejwt.tokens import AccessToken

    from talent.models import Skill
    from tests.talent_fixtures import make_specialist

    profile = make_specialist(specialist_bob, skills={"bcp": 2})
    operator = User.objects.create_superuser("root@ops.test", "x", name="Ops", role="sme")
    client.force_login(operator)
    page = f"/admin/talent/specialist/{profile.pk}/change/"
    data = _change_form_data(client.get(page))
    level = next(key for key, value in data.items() if key.endswith("-0-level"))
    data[level] = 4
    data[level.replace("-0-level", "-1-skill")] = Skill.objects.get(slug="malware_analysis").pk
    data[level.replace("-0-level", "-1-level")] = 3
    data[level.replace("-0-level", "-TOTAL_FORMS")] = 2

    response = client.post(page, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    directory = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(sme_alice)}"}
    found = client.get("/api/v1/specialists/", {"skills": "bcp,malware_analysis", "min_level": 3}, **directory)
    assert [card["id"] for card in found.json()["results"]] == [str(profile.pk)]
    text = client.get("/api/v1/specialists/", {"q": "マルウェア"}, **directory).json()["results"]
    assert [card["id"] for card in text] == [str(profile.pk)]
