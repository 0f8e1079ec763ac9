"""TKPK core: regions, agencies, users and roles, background jobs and the audit log."""

from .celery import app as celery_app

__all__ = ["celery_app"]
