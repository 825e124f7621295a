"""Capacity that stays true: held = active engagements + undecided proposals, never above
capacity, freed by every ending; proposals that can no longer become work expire (audited)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Company, User
from marketplace.errors import Conflict
from matching import capacity
from matching.models import AdvisorRequest, Engagement, MatchRun, Proposal
from matching.services import engagements, proposals, requests, runs
from notifications.models import Notification
from talent.models import Certification, Specialist
from tests import factories
from tests.matching_fixtures import make_request
from tests.talent_fixtures import make_certification, make_specialist
from workflow.models import StatusChange


def _specialist(index, **fields):
    user = User.objects.create_user(
        f"c{index}@example.test", None, name=f"C{index}", role="specialist", email_confirmed_at=timezone.now()
    )
    return make_specialist(user, **({"skills": {"incident_response": 4}} | fields))


def run_chamber(chamber):
    run = MatchRun.objects.create(chamber=chamber)
    assert runs.execute_match_run(run_id=str(run.pk)) == "succeeded"
    run.refresh_from_db()
    return run


def held(specialist):
    """The definition, counted from the rows themselves."""
    active = Engagement.objects.filter(specialist=specialist, status="active").count()
    return active + Proposal.objects.filter(specialist=specialist, status__in=Proposal.HOLDING).count()


def walk_to_engagement(proposal, admin, owner):
    proposals.approve_proposal(proposal=proposal, admin=admin)
    proposals.accept_proposal(proposal=Proposal.objects.get(pk=proposal.pk), user=proposal.specialist.user)
    return engagements.select_proposal(
        proposal=Proposal.objects.get(pk=proposal.pk), user=owner, terms={"hours_per_month": 4}
    )


def test_a_specialist_with_capacity_2_who_completed_five_engagements_is_still_proposed(
    tokyo, admin_carol, sme_alice, alice_company
):
    bob = _specialist(1, capacity=2)
    for round_ in range(5):
        make_request(alice_company, sme_alice, title=f"案件{round_}", skills={"incident_response": 3}, slots=1)
        run = run_chamber(tokyo)
        engagement = walk_to_engagement(Proposal.objects.get(run=run), admin_carol, sme_alice)
        engagements.complete_engagement(engagement=engagement, user=sme_alice)

    make_request(alice_company, sme_alice, title="6件目", skills={"incident_response": 3}, slots=1)
    run = run_chamber(tokyo)

    assert Proposal.objects.filter(run=run, specialist=bob).count() == 1
    assert Specialist.objects.get(pk=bob.pk).active_engagements == 0
    assert held(bob) == 1
    assert Proposal.objects.filter(status="selected").count() == 5  # selected ones hold nothing


def test_a_selected_proposal_holds_nothing_beyond_its_engagement(tokyo, admin_carol, sme_alice, alice_company):
    bob = _specialist(1, capacity=1)
    make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=1)
    walk_to_engagement(Proposal.objects.get(run=run_chamber(tokyo)), admin_carol, sme_alice)

    assert capacity.remaining([bob.pk]) == {bob.pk: 0}
    assert held(bob) == 1


def test_cancelling_a_request_expires_its_live_proposals_with_history(tokyo, admin_carol, sme_alice, alice_company):
    bob, bea = _specialist(1), _specialist(2)
    request = make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=2)
    run = run_chamber(tokyo)
    proposals.approve_proposal(proposal=Proposal.objects.get(run=run, specialist=bob), admin=admin_carol)

    requests.cancel_request(request=request, user=sme_alice, note="予算がつかず")

    assert set(Proposal.objects.values_list("status", flat=True)) == {"expired"}
    changes = StatusChange.objects.filter(to_status="expired", by=sme_alice)
    assert sorted(changes.values_list("from_status", flat=True)) == ["approved", "pending_review"]
    assert capacity.remaining([bob.pk, bea.pk]) == {bob.pk: 2, bea.pk: 2}


def test_a_suspended_specialists_proposals_expire_at_once(client_for, tokyo, admin_carol, sme_alice, alice_company):
    bob = _specialist(1)
    make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=1)
    run_chamber(tokyo)

    response = client_for(admin_carol).post(f"/api/v1/specialists/{bob.id}/suspend/", {"note": "苦情の調査中"})

    assert response.status_code == 200
    assert Proposal.objects.get().status == "expired"
    assert StatusChange.objects.filter(to_status="expired", from_status="pending_review", by=admin_carol).count() == 1


def test_a_lapsed_registration_expires_proposals_that_required_it(tokyo, sme_alice, alice_company):
    bob = _specialist(1)
    certification = make_certification(bob, status="verified")
    riss = make_request(
        alice_company,
        sme_alice,
        title="RISS必須",
        skills={"incident_response": 3},
        slots=1,
        required_certification="riss",
    )
    make_request(alice_company, sme_alice, title="資格不問", skills={"incident_response": 3}, slots=1)
    run_chamber(tokyo)
    assert Proposal.objects.filter(status="pending_review").count() == 2
    Certification.objects.filter(pk=certification.pk).update(renewal_deadline=timezone.localdate())

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    result = proposals.expire_stale_proposals(now=tomorrow)

    assert result == {"unanswered": 0, "inactive": 0, "lapsed": 1}
    assert Proposal.objects.get(request=riss).status == "expired"
    assert Proposal.objects.exclude(request=riss).get().status == "pending_review"


def test_unanswered_proposals_expire_after_a_reminder_the_day_before(tokyo, admin_carol, sme_alice, alice_company):
    tokyo.proposal_response_hours = 72
    tokyo.save()
    bob = _specialist(1)
    make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=1)
    proposal = Proposal.objects.get(run=run_chamber(tokyo))
    proposals.approve_proposal(proposal=proposal, admin=admin_carol)
    proposal.refresh_from_db()
    deadline = proposal.expires_at
    assert deadline is not None
    assert deadline - timezone.now() > datetime.timedelta(hours=71)

    early = proposals.remind_expiring_proposals(now=deadline - datetime.timedelta(hours=30))
    due = [proposals.remind_expiring_proposals(now=deadline - datetime.timedelta(hours=h)) for h in (20, 5)]
    proposals.expire_stale_proposals(now=deadline - datetime.timedelta(seconds=1))
    assert Proposal.objects.get().status == "approved"
    proposals.expire_stale_proposals(now=deadline)

    assert (early, due) == (0, [1, 0])
    assert Notification.objects.filter(kind="proposal_expiring", recipient=bob.user).count() == 1
    assert Proposal.objects.get().status == "expired"
    assert held(bob) == 0
    # Answering after the deadline, before the beat caught it, is refused too.
    late = Proposal.objects.create(
        run=proposal.run,
        request=make_request(alice_company, sme_alice, title="2"),
        specialist=bob,
        score=1,
        breakdown={},
        facts={},
        rank=1,
        status="approved",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with pytest.raises(Conflict):
        proposals.accept_proposal(proposal=late, user=bob.user)


def test_a_run_drops_what_another_run_took_in_the_meantime(tokyo, osaka, sme_alice, alice_company, monkeypatch):
    """Two chambers share the bank: a run's write re-checks remaining capacity under the lock."""
    bob = _specialist(1, capacity=1)
    erin_company = factories.CompanyFactory(chamber=osaka, status=Company.Status.VERIFIED)
    make_request(alice_company, sme_alice, skills={"incident_response": 3}, slots=1)
    other = make_request(erin_company, sme_alice, skills={"incident_response": 3}, slots=1)
    real_lock = capacity.lock_proposal_writes

    def another_run_commits_first():
        # Osaka's run wrote Bob's only unit after Tokyo's run had loaded the bank.
        osaka_run = MatchRun.objects.create(chamber=osaka, status="succeeded")
        Proposal.objects.create(run=osaka_run, request=other, specialist=bob, score=900, breakdown={}, facts={}, rank=1)
        real_lock()

    monkeypatch.setattr(capacity, "lock_proposal_writes", another_run_commits_first)
    run = run_chamber(tokyo)

    assert run.stats["dropped_over_capacity"] == 1
    assert not Proposal.objects.filter(run=run).exists()
    assert held(bob) == 1


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["run", "advance", "advance", "advance", "decline", "end", "end", "expire", "cancel", "post"]),
        st.integers(0, 50),
    ),
    min_size=4,
    max_size=24,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_held_capacity_matches_its_definition_and_never_exceeds_capacity(
    tokyo, osaka, admin_carol, admin_oscar, sme_alice, alice_company, operations
):
    with transaction.atomic():
        erin = User.objects.create_user(
            "erin-prop@example.test", None, name="E", role="sme", email_confirmed_at=timezone.now()
        )
        osaka_company = factories.CompanyFactory(chamber=osaka, status=Company.Status.VERIFIED)
        factories.MembershipFactory(user=erin, company=osaka_company)
        specialists = [_specialist(i, capacity=1 + i % 3) for i in range(4)]
        owners = {alice_company.pk: sme_alice, osaka_company.pk: erin}
        admins = {tokyo.pk: admin_carol, osaka.pk: admin_oscar}
        companies = [alice_company, osaka_company]
        for i in range(3):
            make_request(
                companies[i % 2], owners[companies[i % 2].pk], title=f"r{i}", skills={"incident_response": 3}, slots=2
            )
        run_chamber(tokyo)
        run_chamber(osaka)

        def pick(queryset, n):
            rows = list(queryset.order_by("id"))
            return rows[n % len(rows)] if rows else None

        def furthest(n):
            """A proposal furthest along, so that a few steps reach an engagement."""
            for status in ("accepted", "approved", "pending_review"):
                if found := pick(Proposal.objects.filter(status=status), n):
                    return found
            return None

        for operation, n in operations:
            try:
                with transaction.atomic():
                    if operation == "run":
                        run_chamber([tokyo, osaka][n % 2])
                    elif operation == "post":
                        company = companies[n % 2]
                        make_request(
                            company, owners[company.pk], title=f"p{n}", skills={"incident_response": 3}, slots=1 + n % 3
                        )
                    elif operation == "advance" and (p := furthest(n)):
                        # One step along pending_review -> approved -> accepted -> selected.
                        if p.status == "pending_review":
                            proposals.approve_proposal(proposal=p, admin=admins[p.request.company.chamber_id])
                        elif p.status == "approved":
                            proposals.accept_proposal(proposal=p, user=p.specialist.user)
                        else:
                            owner = owners[p.request.company_id]
                            engagements.select_proposal(proposal=p, user=owner, terms={"hours_per_month": 4})
                    elif operation == "decline" and (p := pick(Proposal.objects.filter(status="approved"), n)):
                        proposals.decline_proposal(proposal=p, user=p.specialist.user)
                    elif operation == "end" and (e := pick(Engagement.objects.filter(status="active"), n)):
                        if n % 2:
                            engagements.complete_engagement(engagement=e, user=owners[e.company_id])
                        else:
                            engagements.terminate_engagement(engagement=e, user=e.specialist.user, note="終了")
                    elif operation == "expire":
                        proposals.expire_stale_proposals(now=timezone.now() + datetime.timedelta(days=30))
                    elif operation == "cancel" and (r := pick(AdvisorRequest.objects.filter(status="open"), n)):
                        requests.cancel_request(request=r, user=owners[r.company_id])
            except Conflict:
                pass  # a wrong state is refused; the invariant must hold all the same

            for specialist in Specialist.objects.filter(pk__in=[s.pk for s in specialists]):
                active = Engagement.objects.filter(specialist=specialist, status="active").count()
                assert specialist.active_engagements == active
                assert held(specialist) <= specialist.capacity
                assert capacity.remaining([specialist.pk])[specialist.pk] == specialist.capacity - held(specialist)
        transaction.set_rollback(True)
