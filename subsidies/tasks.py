"""Thin Celery tasks for subsidies; each calls one service."""

from celery import shared_task


@shared_task(name="subsidies.remind_deadlines")
def remind_deadlines() -> int:
    from subsidies import services

    return services.remind_deadlines()


@shared_task(name="subsidies.expire_overdue_cases")
def expire_overdue_cases() -> int:
    from subsidies import services

    return services.expire_overdue_cases()
