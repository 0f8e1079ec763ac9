"""Forms of the core."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form with Indonesian labels and Bootstrap widgets."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                      "class": "form-control"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                          "class": "form-control"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages["invalid_login"] = _(
            "Nama pengguna atau kata sandi salah. Perhatikan huruf besar dan kecil."
        )
        self.error_messages["inactive"] = _("Akun ini tidak aktif. Hubungi admin.")
