"""Forms of the registry. NIK and No. KK are checked by households.identity, like the import."""

from django import forms
from django.conf import settings
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tkpk.forms import BootstrapMixin, ServiceModelForm
from tkpk.models import Region

from .choices import DataSource
from .identity import check_kk, check_nik, message_for
from .importing.rows import FIELD_ALIASES, FIELD_LABELS, REQUIRED_FIELDS
from .models import Household, Person
from .privacy import nik_shown, sees_full_identity
from .services import nik_owner


class HouseholdForm(ServiceModelForm):
    class Meta:
        model = Household
        fields = [
            "kk_number",
            "village",
            "address",
            "dusun",
            "rt",
            "rw",
            "decile",
            "source",
            "source_id",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = (
            Region.objects.filter(level=4)
            .within(settings.HOME_REGION_CODE)
            .select_related("parent")
            .order_by("parent__name", "name")
        )
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} — {r.name}"

    def clean_kk_number(self):
        result = check_kk(self.cleaned_data["kk_number"])
        if result.errors:
            raise forms.ValidationError([message_for(code) for code in result.errors])
        return result.kk


class PersonForm(BootstrapMixin, forms.ModelForm):
    """One member of a family. A stored member's NIK is never printed into the page: the field
    starts empty with the masked NIK as its placeholder (an audited reveal shows it), empty keeps
    the stored number, and a changed NIK is typed in full."""

    nik = forms.CharField(label=_("NIK"), max_length=40)

    class Meta:
        model = Person
        fields = [
            "nik",
            "name",
            "sex",
            "birth_place",
            "birth_date",
            "relation",
            "mother_name",
            "status",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.request = user, request
        if self.instance.pk:
            self.initial["nik"] = ""  # never the stored number (model_to_dict would put it)
            field = self.fields["nik"]
            field.required = False
            field.help_text = _("Leave empty to keep the NIK; type a new one in full to change it.")
            field.widget.attrs["placeholder"] = nik_shown(
                self.instance.identity_number, full_identity=sees_full_identity(user)
            )
            field.widget.attrs["autocomplete"] = "off"
        self.nik_warnings: list[str] = []

    def clean(self):
        data = super().clean()
        raw = data.get("nik")
        if not raw and self.instance.pk:
            # Kept as stored: checked again only against a corrected birth date or sex.
            raw = self.instance.identity_number
        if not raw:
            return data
        result = check_nik(raw, birth_date=data.get("birth_date"), sex=data.get("sex") or None)
        if result.temporary:
            data["nik"], data["temporary_number"] = None, result.nik
        elif result.errors:
            for code in result.errors:
                self.add_error("nik", message_for(code))
        else:
            data["nik"], data["temporary_number"] = result.nik, None
            if result.nik != self.instance.nik:
                self.check_not_taken(result.nik)
        self.nik_warnings = [message_for(code) for code in result.warnings]
        return data

    def check_not_taken(self, nik: str) -> None:
        owner = nik_owner(
            user=self.user, nik=nik, exclude_pk=self.instance.pk, request=self.request
        )
        if owner is None:
            return
        if sees_full_identity(self.user):
            message = _("This NIK already belongs to %(name)s (No. KK %(kk)s).") % {
                "name": owner.name,
                "kk": owner.household.kk_number,
            }
        else:
            message = _("This NIK is already registered to another person.")
        self.add_error("nik", message)

    def _post_clean(self):
        # The model's own validation runs in the service (person_save), with the cleaned NIK.
        pass


MemberFormSet = inlineformset_factory(
    Household,
    Person,
    form=PersonForm,
    extra=1,
    can_delete=False,
)


class FamilyForm:
    """A family and its members, entered on one page and saved together by household_save.

    ``household`` is the family form, ``members`` the members' formset; errors of the service
    land on the family form (its fields, or above it)."""

    def __init__(self, data=None, files=None, *, household=None, user, request):
        self.household = HouseholdForm(data, instance=household)
        self.members = MemberFormSet(
            data,
            instance=household,
            prefix="members",
            # The forms check NIKs as this user (lookups are audited).
            form_kwargs={"user": user, "request": request},
        )
        self.fields = self.household.fields

    def is_valid(self) -> bool:
        household_valid = self.household.is_valid()
        return self.members.is_valid() and household_valid

    def add_error(self, field, error) -> None:
        self.household.add_error(field, error)

    def service_data(self) -> dict:
        return self.household.service_data()

    def member_changes(self) -> list[tuple[Person | None, dict]]:
        """(stored person or None, the values entered) for every member form that changed."""
        changes = []
        for form in self.members.forms:
            if not form.has_changed():
                continue
            values = {
                name: form.cleaned_data.get(name)
                for name in form.fields
                if name not in ("id", "household")
            }
            values["temporary_number"] = form.cleaned_data.get("temporary_number")
            changes.append((form.instance if form.instance.pk else None, values))
        return changes

    def nik_warnings(self) -> list[str]:
        return sorted(
            {w for form in self.members.forms if form.has_changed() for w in form.nik_warnings}
        )


class ImportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Family file"),
        help_text=_("CSV (comma, semicolon, pipe or tab) or XLSX, with DTKS-style column names."),
    )
    source = forms.ChoiceField(label=_("Data source"), choices=DataSource.choices)


class ImportMappingForm(forms.Form):
    """One select per target field: which column of the file holds it."""

    def __init__(self, *args, header: list[str], sheets: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —"))] + [
            (str(i), h or f"#{i + 1}") for i, h in enumerate(header)
        ]
        if sheets and len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(s, s) for s in sheets]
            )
        for field in FIELD_ALIASES:
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=FIELD_LABELS.get(field, field),
                choices=choices,
                required=field in REQUIRED_FIELDS,
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["clear_empty"] = forms.BooleanField(
            label=_("Empty cells clear the field"),
            required=False,
            help_text=_(
                "Off (the default): an empty cell keeps what the registry holds. A column that "
                "is not mapped never changes anything."
            ),
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        )

    def mapping_fields(self):
        """The column selects, without the options below them."""
        return [self[name] for name in self.fields if name.startswith("map_") or name == "sheet"]

    def mapping(self) -> dict[str, int]:
        return {
            name[4:]: int(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value != ""
        }


class NikCheckForm(BootstrapMixin, forms.Form):
    """The exact NIK a beneficiary gave: 16 digits, checked like every NIK."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        help_text=_("The 16-digit NIK from the beneficiary's KTP or KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_nik(self):
        result = check_nik(self.cleaned_data["nik"])
        if result.temporary:
            return result.nik
        if result.errors:
            raise forms.ValidationError([message_for(code) for code in result.errors])
        return result.nik
