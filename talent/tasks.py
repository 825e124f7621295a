"""Thin Celery tasks for the talent bank; each calls one service."""

from celery import shared_task


# No own time limit: the global one (below the broker's visibility timeout) applies.
@shared_task(name="talent.refresh_certification_validity")
def refresh_certification_validity() -> dict[str, int]:
    from talent import services

    return services.refresh_certification_validity()


@shared_task(name="talent.import_specialists_csv")
def import_specialists_csv(job_id: str) -> None:
    """A CSV import the console started (talent.import_jobs); its state and report are the job's."""
    from talent import import_jobs

    import_jobs.run(job_id)
