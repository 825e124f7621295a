"""Demo billing: the demo retainer has run for two months and the demo consultation was billed
by the hour, so invoices (open, waiting to be paid) exist to look at. Illustrative data."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from billing import invoicing
from billing.models import Invoice, TimeEntry
from matching.models import Engagement


def seed() -> int:
    """Idempotent: backdates the demo engagements once, logs the consultation's hours once, and
    issues what is due (issuing is exactly-once per period anyway). Returns the invoices there are."""
    demo = Engagement.objects.filter(company__chamber__name__contains="(demo)").exclude(kind="hire")
    today = timezone.localdate()
    retainer = demo.filter(fee_basis=Engagement.FeeBasis.MONTHLY, status=Engagement.Status.ACTIVE).first()
    if retainer is not None and not retainer.invoices.exists():
        start = today - relativedelta(months=2, days=3)
        Engagement.objects.filter(pk=retainer.pk).update(service_start=start, started_on=start)
    hourly = demo.filter(fee_basis=Engagement.FeeBasis.HOURLY, status=Engagement.Status.COMPLETED).first()
    if hourly is not None and not hourly.time_entries.exists():
        month = today.replace(day=1) - relativedelta(months=1)
        Engagement.objects.filter(pk=hourly.pk).update(service_start=month, started_on=month)
        for offset, hours, what, status in (
            (2, "2.5", "訓練シナリオの作成（デモ）", TimeEntry.Status.CONFIRMED),
            (9, "1.5", "訓練結果の報告（デモ）", TimeEntry.Status.CONFIRMED),
            (12, "1", "追加の質疑対応（デモ）", TimeEntry.Status.LOGGED),
        ):
            TimeEntry.objects.create(
                engagement=hourly,
                work_date=month + datetime.timedelta(days=offset),
                hours=Decimal(hours),
                description=what,
                status=status,
                logged_by=hourly.specialist.user,
            )
    invoicing.issue_due_invoices(today=today)
    return Invoice.objects.filter(engagement__in=demo).count()
