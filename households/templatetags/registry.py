"""Template tags of the registry: identity numbers as the signed-in role may see them
(households.privacy decides; a template never masks by itself)."""

from django import template

from households.privacy import kk_shown, sees_full_identity

register = template.Library()


@register.simple_tag(takes_context=True)
def kk_for_user(context, number: str) -> str:
    """The No. KK, whole or masked for the user of this request."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return kk_shown(number, full_identity=sees_full_identity(user))


@register.filter
def get_item(mapping: dict, key):
    """mapping[key] in a template (labels keyed by a loop variable)."""
    return mapping.get(key, "")
