"""Operators change state in Django admin only through actions that call services."""

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
