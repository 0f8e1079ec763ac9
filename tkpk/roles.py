"""The four roles of TKPK. Each is a Django group whose permissions a data migration creates.

A user holds at most one role; a superuser is treated as Admin.
"""

from django.utils.translation import gettext_lazy as _

ADMIN = "Admin"
SECRETARIAT = "Sekretariat TKPK"
OPERATOR = "Operator SKPD"
BAPPEDA = "Bappeda"

ROLES = [ADMIN, SECRETARIAT, OPERATOR, BAPPEDA]

ROLE_LABELS = {
    ADMIN: _("System admin"),
    SECRETARIAT: _("TKPK Secretariat"),
    OPERATOR: _("SKPD Operator"),
    BAPPEDA: _("Bappeda"),
}


def user_role(user) -> str | None:
    """The role name of a user, or None for an anonymous user or one without a role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    cached = getattr(user, "_tkpk_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((name for name in ROLES if name in names), None)
    user._tkpk_role = role
    return role


def stored_role(user) -> str | None:
    """The role an account holds, active or not (user_role is None for an inactive account):
    what the account pages show and edit."""
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    return next((name for name in ROLES if name in names), None)


def has_role(user, *roles: str) -> bool:
    """True when the user holds one of the given roles."""
    return user_role(user) in roles
