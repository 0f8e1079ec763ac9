"""Demo data of the meetings app, loaded by `manage.py seed_demo` (idempotent: a meeting that
exists is left alone). Two meetings drawn from the seeds, dated relative to today, with actions
in every status and some overdue. Everything goes through the services, so the audit trail and
the timelines look as if the secretariat and the agencies had done it."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tkpk.models import Agency, User

from .choices import ActionPriority, MeetingKind, MeetingStatus
from .models import Meeting
from .services import (
    action_cancel,
    action_create,
    action_reopen,
    action_verify,
    attendance_add,
    meeting_create,
    meeting_minutes_update,
    progress_post,
)

WORKING_TITLE = (
    "Rapat Kerja TKPK Kabupaten Hulu Sungai Utara: validasi data dan akar masalah kemiskinan"
)
COORDINATION_TITLE = "Rapat Koordinasi Penyusunan Rencana Penanggulangan Kemiskinan Daerah (RPKD)"
DEMO_USERNAMES = ["sekretariat", "operator.dinsos", "operator.dinkes"]

WORKING_MINUTES = """\
## Pembukaan
Rapat dibuka oleh Wakil Bupati selaku Ketua TKPK. Persentase penduduk miskin HSU turun dari \
**6,50 %** (2019) menjadi **6,14 %** (2020); target RPJMD masih menuntut penurunan lebih lanjut.

## Pembahasan
1. Data DTSEN hasil pemutakhiran belum seluruhnya divalidasi di tingkat desa.
2. Masih ada NIK penerima bantuan yang tidak padan dengan data kependudukan.
3. Akar masalah kemiskinan per kecamatan belum dipetakan: perlu masukan setiap perangkat daerah.

## Kesimpulan
Setiap perangkat daerah menyelesaikan validasi data dan menyampaikan analisis akar masalah \
kemiskinan sesuai tugasnya, paling lambat pada tenggat yang disepakati (lihat tindak lanjut).
"""

COORDINATION_MINUTES = """\
## Pembahasan
Sekretariat TKPK memaparkan kerangka RPKD: klaster 1 (bantuan sosial terpadu berbasis keluarga), \
klaster 2 (pemberdayaan masyarakat) dan klaster 3 (pemberdayaan usaha ekonomi mikro dan kecil).

| Klaster | Perangkat daerah utama |
|---|---|
| 1 | Dinsos, Dinkes, Disdik |
| 2 | DPMD |
| 3 | Diskopdag, Distan |

## Keputusan
Usulan program setiap klaster disampaikan ke Sekretariat TKPK untuk dirangkum dalam RPKD.
"""


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _day(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def seed(*, stdout) -> None:
    """Create the demo meetings unless they exist."""
    agencies = {agency.short_name: agency for agency in Agency.objects.all()}
    needed = {"Dinsos", "Dinkes", "Disdik", "DPMD", "Diskopdag", "Distan", "Disperkim"}
    needed |= {"Disdukcapil", "Bappelitbang"}
    if not needed <= set(agencies):
        stdout.write("Meetings demo skipped: the demo agencies are missing.")
        return
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    secretariat = users.get("sekretariat")
    operators = {"Dinsos": users.get("operator.dinsos"), "Dinkes": users.get("operator.dinkes")}
    created = 0
    if not Meeting.objects.filter(title=WORKING_TITLE).exists():
        with transaction.atomic():
            _working_meeting(agencies, secretariat, operators)
        created += 1
    if not Meeting.objects.filter(title=COORDINATION_TITLE).exists():
        with transaction.atomic():
            _coordination_meeting(agencies, secretariat, operators)
        created += 1
    stdout.write(f"Meetings demo: {created} meeting(s) created.")


def _attend(meeting, secretariat, rows, agencies):
    for short, name, position, present in rows:
        attendance_add(
            user=secretariat,
            meeting=meeting,
            agency=agencies.get(short),
            name=name,
            position=position,
            present=present,
        )


def _working_meeting(agencies, secretariat, operators):
    meeting = meeting_create(
        user=secretariat,
        kind=MeetingKind.WORKING,
        title=WORKING_TITLE,
        starts_at=_at(45, 9),
        duration_minutes=180,
        place="Aula Bappelitbang Kabupaten Hulu Sungai Utara, Amuntai",
        chair="Wakil Bupati Hulu Sungai Utara, Ketua TKPK",
        agenda="1. Capaian penurunan kemiskinan dan target RPJMD\n"
        "2. Validasi data DTSEN dan pemadanan NIK\n"
        "3. Akar masalah kemiskinan per kecamatan",
        status=MeetingStatus.HELD,
        invited_agencies=[agencies[s] for s in ("Dinsos", "Dinkes", "Disdik", "DPMD")]
        + [agencies[s] for s in ("Disdukcapil", "Bappelitbang")],
    )
    _attend(
        meeting,
        secretariat,
        [
            (None, "H. Husairi Abdi", "Wakil Bupati, Ketua TKPK", True),
            ("Bappelitbang", "Siti Rahmah", "Sekretariat TKPK", True),
            ("Dinsos", "Ahmad Fauzi", "Kepala Bidang Perlindungan dan Jaminan Sosial", True),
            ("Dinkes", "Nurul Hidayah", "Kepala Seksi Kesehatan Keluarga", True),
            ("Disdik", "Muhammad Rizal", "Sekretaris Dinas", True),
            ("DPMD", "Rahmadi", "Kepala Bidang Pemerintahan Desa", False),
            ("Disdukcapil", "Normaliani", "Kepala Bidang Pelayanan Pendaftaran Penduduk", True),
        ],
        agencies,
    )
    meeting_minutes_update(user=secretariat, meeting=meeting, minutes=WORKING_MINUTES)
    dinsos_op, dinkes_op = operators["Dinsos"], operators["Dinkes"]

    def add(short, text, due, priority=ActionPriority.MEDIUM, person=""):
        return action_create(
            user=secretariat,
            meeting=meeting,
            description=text,
            responsible_agency=agencies[short],
            due_date=_day(due),
            priority=priority,
            person_in_charge=person,
        )

    validation = add(
        "Dinsos",
        "Menyelesaikan verifikasi dan validasi data DTSEN di 10 kecamatan dan melaporkan hasilnya "
        "kepada Sekretariat TKPK.",
        -10,
        ActionPriority.HIGH,
        "Kepala Bidang Perlindungan dan Jaminan Sosial",
    )
    progress_post(
        user=dinsos_op or secretariat,
        action=validation,
        text="Verifikasi selesai di 6 dari 10 kecamatan (Amuntai Tengah, Amuntai Selatan, "
        "Babirik, Sungai Pandan, Banjang, Haur Gading).",
        percent=60,
        on=_day(-12),
    )
    nik = add(
        "Disdukcapil",
        "Memadankan NIK penerima bantuan dengan data kependudukan dan memperbaiki NIK yang tidak "
        "valid.",
        -20,
        ActionPriority.HIGH,
        "Kepala Bidang Pelayanan Pendaftaran Penduduk",
    )
    progress_post(
        user=secretariat, action=nik, text="Pemadanan 94 % selesai.", percent=94, on=_day(-25)
    )
    progress_post(
        user=secretariat,
        action=nik,
        text="Seluruh NIK sudah dipadankan; 312 NIK diperbaiki.",
        percent=100,
        on=_day(-15),
        mark_done=True,
    )
    action_verify(user=secretariat, action=nik, comment="Laporan pemadanan diterima.")
    add(
        "DPMD",
        "Menghimpun hasil musyawarah desa tentang akar masalah kemiskinan di 20 desa dengan "
        "keluarga desil 1 terbanyak.",
        -5,
        person="Kepala Bidang Pemerintahan Desa",
    )
    health = add(
        "Dinkes",
        "Menganalisis akar masalah kemiskinan dari sisi kesehatan: stunting dan kepesertaan "
        "PBI-JKN keluarga miskin.",
        5,
        person="Kepala Seksi Kesehatan Keluarga",
    )
    progress_post(
        user=dinkes_op or secretariat,
        action=health,
        text="Analisis selesai; dokumen kajian dilampirkan pada rapat berikutnya.",
        percent=100,
        on=_day(-1),
        mark_done=True,
    )
    school = add(
        "Disdik",
        "Memetakan anak usia sekolah dari keluarga desil 1–2 yang tidak bersekolah.",
        3,
        person="Sekretaris Dinas",
    )
    progress_post(
        user=secretariat,
        action=school,
        text="Data dari 5 kecamatan sudah masuk.",
        percent=40,
        on=_day(-3),
    )
    add(
        "Bappelitbang",
        "Menyusun rangkuman akar masalah kemiskinan per kecamatan sebagai bahan RPKD.",
        20,
        ActionPriority.LOW,
        "Sekretariat TKPK",
    )


def _coordination_meeting(agencies, secretariat, operators):
    meeting = meeting_create(
        user=secretariat,
        kind=MeetingKind.COORDINATION,
        title=COORDINATION_TITLE,
        starts_at=_at(14, 13, 30),
        duration_minutes=150,
        place="Ruang Rapat Bappelitbang, Amuntai",
        chair="Kepala Bappelitbang, Sekretaris TKPK",
        agenda="1. Kerangka RPKD\n2. Usulan program per klaster\n3. Jadwal penyusunan",
        status=MeetingStatus.HELD,
        invited_agencies=[
            agencies[s] for s in ("Dinsos", "Dinkes", "Diskopdag", "Distan", "Disperkim")
        ],
    )
    _attend(
        meeting,
        secretariat,
        [
            ("Bappelitbang", "Siti Rahmah", "Sekretariat TKPK", True),
            ("Dinsos", "Ahmad Fauzi", "Operator data Dinas Sosial", True),
            ("Dinkes", "Nurul Hidayah", "Operator data Dinas Kesehatan", True),
            ("Diskopdag", "Fitriani", "Kepala Bidang Usaha Mikro", True),
            ("Distan", "Junaidi", "Penyuluh Pertanian", True),
            ("Disperkim", "Hairil Anwar", "Kepala Seksi Perumahan", False),
        ],
        agencies,
    )
    meeting_minutes_update(user=secretariat, meeting=meeting, minutes=COORDINATION_MINUTES)
    dinsos_op = operators["Dinsos"]

    def add(short, text, due, priority=ActionPriority.MEDIUM):
        return action_create(
            user=secretariat,
            meeting=meeting,
            description=text,
            responsible_agency=agencies[short],
            due_date=_day(due),
            priority=priority,
        )

    micro = add(
        "Diskopdag",
        "Menyusun usulan program klaster 3 (KUR, UMi, pelatihan dan modal usaha mikro) untuk RPKD.",
        10,
        ActionPriority.HIGH,
    )
    progress_post(
        user=secretariat, action=micro, text="Draf usulan disusun.", percent=30, on=_day(-5)
    )
    add("Distan", "Mengusulkan program pertanian bagi rumah tangga petani desil 1–3.", -3)
    housing = add("Disperkim", "Menyerahkan data rumah tidak layak huni (RTLH) per desa.", 7)
    action_cancel(
        user=secretariat,
        action=housing,
        comment="Data RTLH sudah diterima melalui rapat kerja bidang perumahan.",
    )
    aid = add(
        "Dinsos",
        "Menyelaraskan sasaran bansos klaster 1 (PKH, Sembako, PBI-JKN) dengan DTSEN terbaru.",
        -2,
        ActionPriority.HIGH,
    )
    progress_post(
        user=dinsos_op or secretariat,
        action=aid,
        text="Sasaran sudah diselaraskan; berita acara terlampir.",
        percent=100,
        on=_day(-4),
        mark_done=True,
    )
    action_verify(user=secretariat, action=aid, comment="Sesuai.")
    add("Dinkes", "Menyusun target penurunan stunting pada keluarga miskin ekstrem.", 14)
    pkh = add(
        "Dinsos",
        "Menyampaikan daftar penerima PKH yang tidak lagi memenuhi syarat, dengan alasannya.",
        7,
    )
    progress_post(
        user=dinsos_op or secretariat,
        action=pkh,
        text="Daftar disampaikan.",
        percent=100,
        on=_day(-2),
        mark_done=True,
    )
    action_reopen(
        user=secretariat,
        action=pkh,
        comment="Alasan ketidaklayakan belum dicantumkan untuk 45 penerima; mohon dilengkapi.",
    )
