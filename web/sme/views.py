"""The SME's pages: its requests and where each stands, engagements, invoices, subsidy cases, its
company and its people. Objects come through the API's selectors (out of reach: 404), actions through the
domain's services (web/pages.py)."""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import lifecycle
from accounts import selectors as accounts_selectors
from accounts.models import CompanyMembership, Invitation, User
from billing import selectors as billing_selectors
from marketplace.errors import get_or_not_found
from matching import selectors as matching_selectors
from subsidies import selectors as subsidies_selectors
from web.access import for_role
from web.action_forms import RowReasonForm
from web.pages import Action, RowForm, acting, page, reach
from web.sme import forms

SME = User.Role.SME
OWNER = CompanyMembership.Role.OWNER


@for_role(SME)
def home(request: HttpRequest) -> HttpResponse:
    """The company's requests with their pipeline, its engagements, invoices and subsidy cases."""
    user = acting(request)
    requests = matching_selectors.with_pipeline(matching_selectors.requests_visible_to(user).prefetch_related(None))
    context = {
        "requests": list(requests.order_by("-created_at", "id")),
        "engagements": list(
            matching_selectors.engagements_visible_to(user).prefetch_related(None).order_by("-created_at", "id")
        ),
        "invoices": list(billing_selectors.invoices_visible_to(user).prefetch_related(None)),
        "cases": list(subsidies_selectors.cases_visible_to(user)),
    }
    return render(request, "web/sme/home.html", context)


@for_role(SME)
def members(request: HttpRequest) -> HttpResponse:
    """The people of the person's companies and the invitations still open. An owner invites a
    colleague or the company's 社労士, sends an invitation again or withdraws it, and deactivates
    a colleague's account with the reason."""
    user = acting(request)
    memberships = list(accounts_selectors.memberships_visible_to(user).order_by("company__name", "role", "user__email"))
    owned = {m.company_id: m.company for m in memberships if m.user_id == user.pk and m.role == OWNER}
    of_owned = lifecycle.invitations_visible_to(user).filter(company_id__in=owned)
    invitations = list(
        of_owned.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by("company__name", "email")
    )
    actions: dict[str, Action] = {}
    if owned:

        def invitation(data: dict[str, Any]) -> Invitation:
            return reach(
                lambda _user, pk: get_or_not_found(of_owned, pk, _("Invitation not found.")), request, data["target"]
            )

        def colleague(data: dict[str, Any]) -> User:
            of_colleagues = accounts_selectors.memberships_visible_to(user).filter(company_id__in=owned)
            membership = reach(
                lambda _user, pk: get_or_not_found(of_colleagues, pk, _("User not found.")), request, data["target"]
            )
            return membership.user

        actions = {
            "invite": Action(
                forms.invite_form([(str(pk), company.name) for pk, company in owned.items()]),
                lambda data: lifecycle.invite(
                    by=user,
                    email=data["email"],
                    role=User.Role.SME,
                    company=owned[uuid.UUID(data["company"])],
                    company_role=data["company_role"],
                ),
                lambda sent: _("The invitation is sent to %(email)s.") % {"email": sent[0].email},
            ),
            "resend": Action(
                RowForm,
                lambda data: lifecycle.resend_invitation(invitation=invitation(data), by=user),
                lambda sent: (
                    _("The invitation is sent again to %(email)s, with a new link.") % {"email": sent[0].email}
                ),
            ),
            "revoke": Action(
                RowForm,
                lambda data: lifecycle.revoke_invitation(invitation=invitation(data), by=user),
                lambda revoked: _("The invitation to %(email)s is withdrawn.") % {"email": revoked.email},
            ),
            "deactivate": Action(
                RowReasonForm,
                lambda data: lifecycle.deactivate_user(user=colleague(data), by=user, note=data["note"]),
                lambda gone: _("%(name)s can no longer sign in.") % {"name": gone.name or gone.email},
            ),
        }
    colleagues = [m for m in memberships if m.company_id in owned and m.user_id != user.pk and m.user.is_active]
    context = {"memberships": memberships, "invitations": invitations, "owned": owned}
    return page(request, "web/sme/members.html", context, actions, rows=[*invitations, *colleagues])
