"""The clusters of Perpres 15/2010 (and a fourth, "program lainnya", as data), the national
programs that regional programs deliver, and the pairs that one family may receive together.
Every row is editable afterwards: the lists are the region's, and change (domain.md: verify)."""

from django.db import migrations

CLUSTERS = [
    (1, "Klaster 1", "Bantuan sosial terpadu berbasis keluarga", True),
    (2, "Klaster 2", "Pemberdayaan masyarakat", False),
    (3, "Klaster 3", "Pemberdayaan usaha ekonomi mikro dan kecil", False),
    (4, "Klaster 4", "Program lainnya (infrastruktur dasar, program pro-rakyat)", False),
]

NATIONAL = [
    ("PKH", "Program Keluarga Harapan", 1),
    ("BPNT", "Bantuan Pangan Non Tunai / Sembako", 1),
    ("PBI-JK", "Penerima Bantuan Iuran Jaminan Kesehatan", 1),
    ("PIP", "Program Indonesia Pintar", 1),
    ("BLT-DD", "Bantuan Langsung Tunai Dana Desa", 1),
    ("RTLH", "Rehabilitasi Rumah Tidak Layak Huni", 4),
    ("KUR", "Kredit Usaha Rakyat", 3),
    ("UMI", "Pembiayaan Ultra Mikro", 3),
]

# Complementary by design: conditional cash with food aid, health insurance and school aid.
ALLOWED = [
    ("PKH", "BPNT", "PKH dan Sembako saling melengkapi (komplementaritas bansos)."),
    ("PKH", "PBI-JK", "Peserta PKH otomatis PBI-JK."),
    ("PKH", "PIP", "Anak peserta PKH berhak PIP."),
    ("BPNT", "PBI-JK", "Saling melengkapi."),
    ("BPNT", "PIP", "Saling melengkapi."),
    ("PBI-JK", "PIP", "Saling melengkapi."),
    ("PBI-JK", "BLT-DD", "Jaminan kesehatan tidak menggantikan BLT Dana Desa."),
]


def forwards(apps, schema_editor):
    Cluster = apps.get_model("programs", "Cluster")
    NationalProgram = apps.get_model("programs", "NationalProgram")
    AllowedOverlap = apps.get_model("programs", "AllowedOverlap")
    clusters = {}
    for number, short, name, family_aid in CLUSTERS:
        clusters[number], _ = Cluster.objects.get_or_create(
            number=number,
            defaults={"short_name": short, "name": name, "is_family_aid": family_aid},
        )
    programs = {}
    for code, name, cluster in NATIONAL:
        programs[code], _ = NationalProgram.objects.get_or_create(
            code=code, defaults={"name": name, "cluster": clusters[cluster]}
        )
    for a, b, note in ALLOWED:
        first, second = sorted([programs[a], programs[b]], key=lambda p: p.pk)
        AllowedOverlap.objects.get_or_create(first=first, second=second, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
