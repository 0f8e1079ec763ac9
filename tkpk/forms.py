"""Forms of the core."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .models import Agency, User
from .roles import OPERATOR, ROLE_LABELS, ROLES, stored_role
from .services import AGENCY_FIELDS, USER_FIELDS


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


class ServiceModelForm(BootstrapMixin, forms.ModelForm):
    """A form whose fields come from a model, that checks input and leaves the writing, and the
    model's own validation, to a service: it never changes an instance. ``instance=`` (the stored
    object, kept as ``self.stored``) only gives the fields their starting values, so the service
    still compares the stored row with what was entered, and audits the difference.

    ``service_data()`` is the cleaned values of ``Meta.fields``, ready for the service.
    """

    def __init__(self, *args, instance=None, initial=None, **kwargs):
        self.stored = instance
        if instance is not None:
            opts = self._meta
            initial = {**model_to_dict(instance, opts.fields, opts.exclude), **(initial or {})}
        super().__init__(*args, initial=initial, **kwargs)

    def _post_clean(self):
        # No instance to fill and no model validation here: the service runs full_clean on
        # the object it writes, and its ValidationError lands on this form's fields.
        pass

    def save(self, commit=True):
        raise TypeError(f"{type(self).__name__} does not save: pass service_data() to a service.")

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


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


class AgencyForm(ServiceModelForm):
    """Add or change a regional agency (SKPD/OPD)."""

    class Meta:
        model = Agency
        fields = AGENCY_FIELDS


class UserForm(ServiceModelForm):
    """Add or change an account: exactly one role; an Operator SKPD belongs to an agency
    (checked here and again by the service)."""

    role = forms.ChoiceField(label=_("Role"), choices=[])

    class Meta:
        model = User
        fields = USER_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *((r, ROLE_LABELS[r]) for r in ROLES)]
        agency = self.fields["agency"]
        agency.queryset = Agency.objects.active().order_by("short_name")
        agency.label_from_instance = lambda a: f"{a.short_name} — {a.name}"
        agency.help_text = _(
            "Required for an Operator SKPD: they see and edit their agency's data."
        )
        self.fields["is_active"].help_text = _(
            "An account is never deleted (it carries the audit trail): deactivate it instead."
        )
        if self.stored is None:
            del self.fields["is_active"]  # a new account is active
        else:
            self.initial.setdefault("role", stored_role(self.stored))
            if self.stored.is_superuser:
                self.fields["role"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("role") == OPERATOR and not data.get("agency"):
            self.add_error("agency", _("An Operator SKPD account belongs to an agency: choose it."))
        return data
