"""Hire engagements and subsidy cases for the subsidies tests."""

import datetime

from django.utils import timezone

from matching.models import MatchRun, Proposal
from subsidies.demo import seed_programs
from subsidies.models import SubsidyCase, SubsidyProgram
from tests.matching_fixtures import make_engagement, make_request


def programs(chamber):
    seed_programs(chamber=chamber)
    return {program.code: program for program in SubsidyProgram.objects.filter(is_current=True)}


def make_hire(company, owner, specialist, *, hire_date=None, weekly_hours=40, employment_type="full_time"):
    request = make_request(
        company, owner, kind="hire", budget_jpy=5_600_000, employment_type=employment_type, status="filled"
    )
    run = MatchRun.objects.create(chamber=company.chamber, status="succeeded")
    proposal = Proposal.objects.create(
        run=run,
        request=request,
        specialist=specialist,
        score=700,
        breakdown={},
        facts={},
        rank=1,
        status="selected",
    )
    return make_engagement(
        proposal,
        kind="hire",
        employment_type=employment_type,
        weekly_hours=weekly_hours,
        hire_date=hire_date or timezone.localdate(),
    )


def make_case(engagement, program, owner, **fields):
    return SubsidyCase.objects.create(
        company=engagement.company, engagement=engagement, program=program, created_by=owner, **fields
    )


TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
