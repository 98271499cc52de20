"""Background tasks of the project app, run by ``manage.py db_worker`` (README, "Background jobs")."""

from django_tasks import task

from .export_jobs import export_job_run


@task()
def run_export_job(job_id: int, attempt: int) -> str:
    """Write the file of a large export. Returns the job's status."""
    return export_job_run(job_id, attempt=attempt).status
