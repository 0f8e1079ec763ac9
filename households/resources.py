"""django-import-export resources of the registry's export, one row per person, in two layouts:

- `PersonExportResource`, the import layout ("format impor"): DTKS-style column names and codes,
  so that an exported file imports back unchanged;
- `ReadablePersonExportResource`, the layout for people: the headers of the DTKS files in the
  user's language, labels instead of codes (the SHDK code kept in a column of its own, because
  other systems need it), the birth date as a date.

A role that does not see full NIKs gets either layout through `RestrictedColumns`: what
households.privacy allows it, no more."""

from django.utils.translation import gettext_lazy as _
from import_export import fields, resources

from .models import Person
from .privacy import age_in_years, kk_shown, nik_shown

LAYOUTS = ("people", "import")


class PersonExportResource(resources.ModelResource):
    """Columns named as households.importing.rows recognises them."""

    iddtks = fields.Field(attribute="household__source_id", column_name="iddtks")
    kecamatan = fields.Field(attribute="household__village__parent__name", column_name="kecamatan")
    kode_desa = fields.Field(column_name="kode_desa")
    desa_kelurahan = fields.Field(
        attribute="household__village__name", column_name="desa_kelurahan"
    )
    alamat = fields.Field(attribute="household__address", column_name="alamat")
    dusun = fields.Field(attribute="household__dusun", column_name="dusun")
    rt = fields.Field(attribute="household__rt", column_name="rt")
    rw = fields.Field(attribute="household__rw", column_name="rw")
    nomor_kk = fields.Field(attribute="household__kk_number", column_name="nomor_kk")
    nomor_nik = fields.Field(column_name="nomor_nik")
    nama = fields.Field(attribute="name", column_name="nama")
    tanggal_lahir = fields.Field(column_name="tanggal_lahir")
    tempat_lahir = fields.Field(attribute="birth_place", column_name="tempat_lahir")
    jenis_kelamin = fields.Field(attribute="sex", column_name="jenis_kelamin")
    nama_ibu_kandung = fields.Field(attribute="mother_name", column_name="nama_ibu_kandung")
    hubungan_keluarga = fields.Field(attribute="relation", column_name="hubungan_keluarga")
    desil = fields.Field(attribute="household__decile", column_name="desil")

    class Meta:
        model = Person
        fields = export_order = [
            "iddtks",
            "kecamatan",
            "kode_desa",
            "desa_kelurahan",
            "alamat",
            "dusun",
            "rt",
            "rw",
            "nomor_kk",
            "nomor_nik",
            "nama",
            "tanggal_lahir",
            "tempat_lahir",
            "jenis_kelamin",
            "nama_ibu_kandung",
            "hubungan_keluarga",
            "desil",
        ]

    #: Whether values keep their type (dates, numbers) or are all written as text.
    native_values = False

    def column_widths(self) -> list[int]:
        """No widths: the import layout is read by programs."""
        return []

    def dehydrate_nomor_nik(self, person):
        return person.identity_number

    def dehydrate_kode_desa(self, person):
        return person.household.village.code

    def dehydrate_tanggal_lahir(self, person):
        return person.birth_date.isoformat() if person.birth_date else ""

    @staticmethod
    def queryset_for(households):
        return (
            Person.objects.filter(household__in=households)
            .select_related("household__village__parent")
            .order_by("household__kk_number", "relation", "pk")
        )


class ReadablePersonExportResource(PersonExportResource):
    """The layout for people: the import layout's values as a person reads them, in the order of
    the Kartu Keluarga (the family, the person, then the address), with a width for each column.
    Dates stay `datetime.date` and numbers `int`: the writer makes them date and number cells."""

    kode_shdk = fields.Field(attribute="relation", column_name="kode_shdk")
    status = fields.Field(column_name="status")
    status_keluarga = fields.Field(column_name="status_keluarga")
    sumber_data = fields.Field(column_name="sumber_data")

    native_values = True

    #: Each column's header (as the DTKS files name it) and its width in characters.
    COLUMNS = {
        "nomor_kk": (_("No. KK"), 19),
        "nomor_nik": (_("NIK"), 19),
        "nama": (_("Name"), 28),
        "hubungan_keluarga": (_("Family relation"), 22),
        "kode_shdk": (_("SHDK code"), 8),
        "jenis_kelamin": (_("Sex"), 13),
        "tanggal_lahir": (_("Date of birth"), 13),
        "umur": (_("Age"), 7),
        "tempat_lahir": (_("Place of birth"), 18),
        "nama_ibu_kandung": (_("Mother's name"), 28),
        "status": (_("Member status"), 14),
        "kecamatan": (_("District"), 20),
        "desa_kelurahan": (_("Village"), 22),
        "kode_desa": (_("Village code"), 15),
        "alamat": (_("Address"), 32),
        "dusun": (_("Dusun"), 16),
        "rt": (_("RT"), 6),
        "rw": (_("RW"), 6),
        "desil": (_("Decile"), 7),
        "status_keluarga": (_("Family status"), 22),
        "sumber_data": (_("Data source"), 18),
        "iddtks": (_("DTKS ID"), 20),
    }

    class Meta:
        model = Person
        fields = export_order = [
            "nomor_kk",
            "nomor_nik",
            "nama",
            "hubungan_keluarga",
            "kode_shdk",
            "jenis_kelamin",
            "tanggal_lahir",
            "tempat_lahir",
            "nama_ibu_kandung",
            "status",
            "kecamatan",
            "desa_kelurahan",
            "kode_desa",
            "alamat",
            "dusun",
            "rt",
            "rw",
            "desil",
            "status_keluarga",
            "sumber_data",
            "iddtks",
        ]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            field.column_name = self.COLUMNS[name][0]

    def column_widths(self) -> list[int]:
        """The width of each exported column, in characters, in the order of the headers."""
        return [self.COLUMNS[self.get_field_name(field)][1] for field in self.get_export_fields()]

    def dehydrate_hubungan_keluarga(self, person):
        return person.get_relation_display() if person.relation else ""

    def dehydrate_kode_shdk(self, person):
        return person.relation

    def dehydrate_jenis_kelamin(self, person):
        return person.get_sex_display()

    def dehydrate_tanggal_lahir(self, person):
        return person.birth_date

    def dehydrate_status(self, person):
        return person.get_status_display()

    def dehydrate_status_keluarga(self, person):
        return person.household.get_status_display()

    def dehydrate_sumber_data(self, person):
        return person.household.get_source_display()

    def dehydrate_desil(self, person):
        return person.household.decile


class RestrictedColumns(resources.Resource):
    """What a role without view_full_nik (Operator SKPD) gets of a layout: NIK and No. KK masked,
    the age instead of the birth date, no mother's name (households.privacy has the arithmetic).
    Put first among the bases, before the layout's resource."""

    umur = fields.Field(column_name="umur")

    @staticmethod
    def restricted(names: list[str]) -> list[str]:
        """A layout's columns: the age where the birth date was, no mother's name."""
        return [
            "umur" if name == "tanggal_lahir" else name
            for name in names
            if name != "nama_ibu_kandung"
        ]

    def dehydrate_nomor_nik(self, person):
        return nik_shown(person.identity_number, full_identity=False)

    def dehydrate_nomor_kk(self, person):
        return kk_shown(person.household.kk_number, full_identity=False)

    def dehydrate_umur(self, person):
        age = age_in_years(person.birth_date)
        return "" if age is None else age


class RestrictedPersonExportResource(RestrictedColumns, PersonExportResource):
    """The import layout of a role without view_full_nik."""

    class Meta:
        model = Person
        fields = export_order = RestrictedColumns.restricted(PersonExportResource.Meta.fields)


class RestrictedReadablePersonExportResource(RestrictedColumns, ReadablePersonExportResource):
    """The layout for people of a role without view_full_nik."""

    class Meta:
        model = Person
        fields = export_order = RestrictedColumns.restricted(
            ReadablePersonExportResource.Meta.fields
        )


def export_resource_for(*, full_identity: bool, layout: str = "import") -> PersonExportResource:
    """The export resource of a role, in one of LAYOUTS."""
    if layout not in LAYOUTS:
        raise ValueError(layout)
    return _RESOURCES[layout, full_identity]()


_RESOURCES = {
    ("import", True): PersonExportResource,
    ("import", False): RestrictedPersonExportResource,
    ("people", True): ReadablePersonExportResource,
    ("people", False): RestrictedReadablePersonExportResource,
}
