"""Template context shared by every page: the site name, the user's role and navigation."""

from django.conf import settings

from .menu import Menu
from .roles import ADMIN, BAPPEDA, OPERATOR, ROLE_LABELS, SECRETARIAT, user_role


def shell(request):
    role = user_role(getattr(request, "user", None))
    return {
        "site_name": settings.SITE_NAME,
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        "is_admin": role == ADMIN,
        "is_secretariat": role == SECRETARIAT,
        "is_operator": role == OPERATOR,
        "is_bappeda": role == BAPPEDA,
        # The items the apps registered in tkpk.menu, filtered when base.html reads them.
        "menu": Menu(request),
    }
