"""The import's background task, run by ``manage.py db_worker`` (README, "Background jobs")."""

from django_tasks import task

from .jobs import import_job_run


@task()
def run_import_job(job_id: int, attempt: int, save: bool) -> str:
    """One stage of an import job: the dry run, or (``save``) the save. Returns its status."""
    return import_job_run(job_id, save=save, attempt=attempt).status
