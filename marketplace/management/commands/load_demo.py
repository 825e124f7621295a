from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accounts import lifecycle
from accounts.models import User
from billing import demo as billing_demo
from marketplace import links
from matching import demo as matching_demo
from matching.models import Engagement
from subsidies import demo as subsidies_demo
from talent import demo as talent_demo
from talent.models import Specialist

INVITED_SPECIALIST = "specialist-000001@demo.tcyss.example"


class Command(BaseCommand):
    help = "Load illustrative demo data (idempotent: safe to run again)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        logins = accounts_demo.seed()
        created = talent_demo.seed_specialists(300)
        self.stdout.write(f"Specialists: {created} created (illustrative profiles).")
        logins["specialist"] = [talent_demo.enable_demo_login(accounts_demo.DEMO_PASSWORD)]
        # The other demo specialists came in like a CSV import (no password): one of them gets
        # the invitation an import sends, to try /invite/<token>/ (the mail is in the log too).
        invited = Specialist.objects.filter(user__email=INVITED_SPECIALIST).select_related("user")
        invitations = lifecycle.invite_imported_specialists(by=None, specialists=invited)
        walked = matching_demo.seed(accounts_demo.DEMO_PASSWORD)
        if walked.proposals:
            stages = ", ".join(f"{status} {count}" for status, count in sorted(walked.proposals.items()))
            ends = ", ".join(f"{status} {count}" for status, count in sorted(walked.engagements.items()))
            self.stdout.write(f"Requests: {walked.requests} created and matched; proposals: {stages}.")
            self.stdout.write(f"Engagements: {ends or 'none'}.")
            for status, email in sorted(walked.specialist_logins.items()):
                self.stdout.write(f"  specialist with a proposal {status}: {email}")
        elif walked.requests:
            self.stdout.write(f"Requests: {walked.requests} created; no specialist fitted them, so nothing matched.")
        else:
            self.stdout.write("Requests: already loaded (nothing new).")
        invoices = billing_demo.seed()
        if invoices:
            self.stdout.write(
                f"Invoices: {invoices} (a retainer's past months and a month of confirmed hours), open; paying them "
                "needs Stripe (README: billing with the local stand-in)."
            )
        programs = subsidies_demo.seed_programs()
        self.stdout.write(f"Subsidy programs: {programs} created (illustrative, modelled on real ones).")
        hire = Engagement.objects.filter(kind="hire", company__chamber__name__contains="(demo)").first()
        if hire is not None:
            owner = hire.company.memberships.filter(role="owner").select_related("user").first()
            admin = User.objects.filter(role=User.Role.CHAMBER_ADMIN, chamber=hire.company.chamber).first()
            if owner and admin:
                cases = subsidies_demo.seed_cases(engagement=hire, owner=owner.user, admin=admin)
                for stage, case_id in cases.items():
                    self.stdout.write(f"  subsidy case {stage}: {case_id}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded (illustrative, not real companies)."))
        self.stdout.write(f"Demo password for every login: {accounts_demo.DEMO_PASSWORD}")
        for role, emails in logins.items():
            self.stdout.write(f"  {role}: {', '.join(emails)}")
        for invitation, token in invitations:
            self.stdout.write(
                f"  specialist invited as after a CSV import ({invitation.email}, no password yet): "
                f"{links.invitation(token)}"
            )
        self.stdout.write(
            "  every other demo specialist: ask for a password reset with their address (the link is in the log)"
        )
