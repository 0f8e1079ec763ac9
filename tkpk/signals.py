"""Audit of signing in and out. Django announces these only through signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_login_failed, audit_record
from .choices import AuditAction


@receiver(user_logged_in, dispatch_uid="tkpk_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="tkpk_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="tkpk_audit_login_failed")
def audit_login_failed_attempt(sender, credentials, request=None, **kwargs):
    audit_login_failed(username=credentials.get("username"), request=request)
