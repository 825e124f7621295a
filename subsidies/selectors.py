"""Reads for subsidies, scoped to what the acting user may see (rules in accounts.access)."""

import uuid
from collections.abc import Iterator

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from marketplace.errors import get_or_not_found
from subsidies.models import CaseComment, SubsidyCase, SubsidyDocument, SubsidyProgram


def programs_visible_to(user: User | AnonymousUser) -> QuerySet[SubsidyProgram]:
    """Every signed-in user reads the programs open to all; a chamber's own program is read by
    that chamber's admins and its companies' people."""
    actor = access.active_user(user)
    qs = SubsidyProgram.objects.select_related("chamber")
    if actor is None:
        return qs.none()
    if actor.is_staff:
        return qs
    mine = Q(chamber__isnull=True)
    if actor.is_chamber_admin:
        mine |= Q(chamber_id=actor.chamber_id)
    else:
        mine |= access.member_filter("chamber__companies", actor, access.SUBSIDY_ROLES)
    return qs.filter(pk__in=SubsidyProgram.objects.filter(mine).values("pk"))


def access_program(user: User | AnonymousUser, program_id: uuid.UUID | str) -> SubsidyProgram:
    return get_or_not_found(programs_visible_to(user), program_id, _("Subsidy program not found."))


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[SubsidyCase]:
    """Staff: all. Chamber admins: their chamber's companies'. The company's members and the
    社労士 it named: the company's. Nobody else."""
    qs = SubsidyCase.objects.select_related("program", "engagement", "company")
    return access.visible(qs, user, chamber="company__chamber_id", company="company", member_roles=access.SUBSIDY_ROLES)


def access_case(user: User | AnonymousUser, case_id: uuid.UUID | str) -> SubsidyCase:
    return get_or_not_found(cases_visible_to(user), case_id, _("Subsidy case not found."))


def documents_of(case: SubsidyCase) -> QuerySet[SubsidyDocument]:
    """Every version of every document (newest first per type); the caller already reached the case."""
    return case.documents.select_related("uploaded_by").order_by("document_type", "-version")


def comments_on(case: SubsidyCase) -> QuerySet[CaseComment]:
    """The caller already reached the case."""
    return case.comments.select_related("author")


def access_document(
    user: User | AnonymousUser, case_id: uuid.UUID | str, document_id: uuid.UUID | str
) -> SubsidyDocument:
    case = access_case(user, case_id)
    return get_or_not_found(documents_of(case), document_id, _("Document not found."))


def cases_for_export(user: User | AnonymousUser) -> Iterator[SubsidyCase]:
    """A chamber admin's (or operator's) cases, streamed from the database in chunks."""
    return cases_visible_to(user).order_by("created_at", "id").iterator(chunk_size=500)
