"""django-import-export resources of the registry's export: one row per person, with DTKS-style
column names, so that an exported file imports back unchanged. A role that does not see full NIKs
gets `RestrictedPersonExportResource`: what households.privacy allows it, no more."""

from import_export import fields, resources

from .models import Person
from .privacy import age_in_years, kk_shown, nik_shown


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


class RestrictedPersonExportResource(PersonExportResource):
    """The export of a role without view_full_nik (Operator SKPD): NIK and No. KK masked, the age
    instead of the birth date, no mother's name (households.privacy has the arithmetic)."""

    umur = fields.Field(column_name="umur")

    class Meta:
        model = Person
        # The full export's columns: the age where the birth date was, no mother's name.
        fields = export_order = [
            "umur" if name == "tanggal_lahir" else name
            for name in PersonExportResource.Meta.fields
            if name != "nama_ibu_kandung"
        ]

    def dehydrate_nomor_nik(self, person):
        return nik_shown(person.identity_number, full_identity=False)

    def dehydrate_nomor_kk(self, person):
        return kk_shown(person.household.kk_number, full_identity=False)

    def dehydrate_umur(self, person):
        age = age_in_years(person.birth_date)
        return "" if age is None else age


def export_resource_for(*, full_identity: bool) -> PersonExportResource:
    """The export resource of a role."""
    return PersonExportResource() if full_identity else RestrictedPersonExportResource()
