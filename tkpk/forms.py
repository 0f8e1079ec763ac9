"""Forms of the core."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class BootstrapMixin:
    """Give every widget of a form its Bootstrap 5 class, unless the widget names its own.

    Checkbox lists are left alone: their template renders each box with its own classes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


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
