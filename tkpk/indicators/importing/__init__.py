"""Import of BPS and RPJMD tables in the shape they are published:

    kode_wilayah, indikator, jenis, 2019, 2020, 2021, ...
    63.08,        P0,        realisasi, 6,50, 6,14, ...
    63.08,        P0,        target,    ,     ,     6,38, ...

one row per region, indicator and kind (`jenis`: realisasi or target), the years as columns.
CSV (comma, semicolon, pipe or tab) or XLSX, read by the registry's reader (file type and zip
checks included, households.importing.reader.open_table). Optional columns: `sumber` (source of
a row of actuals: bps, lokal, estimasi; else the import's), `nama_wilayah` and `satuan`
(ignored). A region is its Kemendagri code ("63.08" or "6308"); "00" is Indonesia. An indicator
is its code (P0) or its name. Cells take decimal commas ("6,38") or points, and "-" or "…" for
no figure (BPS's signs).

`import_check` reads the whole file and reports every bad cell by row and column, and what an
import would store; `import_apply` stores it in one transaction, only if the file has no error.
Target years that no RPJMD period of the region covers get a new period: from the first to the
last such year of the region in the file, split where an existing period lies between them.
"""

from .apply import (
    ImportResult,
    import_apply,
    import_record_apply,
    import_record_check,
    import_upload,
)
from .check import (
    CellError,
    Figure,
    ImportCheck,
    ImportRefused,
    column_letter,
    import_check,
    region_code,
)

__all__ = [
    "CellError",
    "Figure",
    "ImportCheck",
    "ImportRefused",
    "ImportResult",
    "column_letter",
    "import_apply",
    "import_check",
    "import_record_apply",
    "import_record_check",
    "import_upload",
    "region_code",
]
