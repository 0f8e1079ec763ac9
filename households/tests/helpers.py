"""Small family files for the import tests."""

import csv
import io

from households.synthetic import HEADER

HEAD = {
    "iddtks": "DTKS1",
    "provinsi": "KALIMANTAN SELATAN",
    "kabupaten_kota": "HULU SUNGAI UTARA",
    "kecamatan": "DANAU PANGGANG",
    "desa_kelurahan": "SUNGAI NAMANG",
    "alamat": "Jl. Contoh 1",
    "dusun": "Dusun 1",
    "rt": "1",
    "rw": "2",
    "nomor_kk": "6308010101200001",
    "nomor_nik": "6308010203850001",
    "nama": "Budi Contoh",
    "tanggal_lahir": "02-03-1985",
    "tempat_lahir": "Amuntai",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Siti Contoh",
    "hubungan_keluarga": "1",
    "desil": "2",
}


def person(**changes) -> dict:
    return {**HEAD, **changes}


def family_rows() -> list[dict]:
    """A family of three, valid."""
    return [
        person(),
        person(
            nomor_nik="6308014504870002",
            nama="Siti Contoh",
            tanggal_lahir="05-04-1987",
            jenis_kelamin="P",
            hubungan_keluarga="3",
        ),
        person(
            nomor_nik="6308015006100003",
            nama="Rina Contoh",
            tanggal_lahir="10-06-2010",
            jenis_kelamin="P",
            hubungan_keluarga="4",
        ),
    ]


def csv_bytes(rows: list[dict], *, delimiter=",", encoding="utf-8", header=HEADER) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, sheet="Sheet1", header=HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(header)
    for row in rows:
        worksheet.append([row.get(name, "") for name in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
