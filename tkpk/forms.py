"""Forms of the core."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form with Indonesian labels and Bootstrap widgets."""

    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages["invalid_login"] = _(
            "Wrong username or password. Note that both are case-sensitive."
        )
        self.error_messages["inactive"] = _("This account is inactive. Contact the admin.")
