"""Validating a large CSV file on every core while PostgreSQL stores what is ready.

The file is cut into blocks at line ends (never inside a quoted field); forked worker processes
decode, split and validate the blocks with the same RowParser as the sequential path and return
the valid rows already in COPY text format, with the rejected rows and their reasons. The parent
feeds the blocks in file order and keeps only a few in flight, so memory stays flat.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

BLOCK_BYTES = 1 << 20
TABS = 17  # separators between the 18 staging columns
_parser = None  # set in the parent before forking; inherited by the workers


@dataclass
class Block:
    """What a worker returns for one block of the file."""

    copy_data: bytes
    rows: int
    rejects: list[tuple[int, list, list[str]]]


def worker_count() -> int:
    from django.conf import settings

    configured = settings.HOUSEHOLD_IMPORT_PROCESSES
    return configured or min(os.cpu_count() or 1, 4)


def can_fork() -> bool:
    """Forking needs a POSIX system, and a daemonic process (a Celery prefork child under
    multiprocessing) may not have children."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _parse_block(data: bytes, first_line: int, encoding: str, delimiter: str) -> Block:
    parser = _parser
    reader = csv.reader(io.StringIO(data.decode(encoding)), delimiter=delimiter)
    lines, rejects = [], []
    rows = 0
    previous = 0
    for cells in reader:
        row_no = first_line + previous
        previous = reader.line_num
        if not any(cells):
            continue
        rows += 1
        record, reasons = parser.parse(row_no, cells)
        if record is None:
            rejects.append((row_no, cells, reasons))
            continue
        # NUL stands in for NULL while the line is checked (PostgreSQL text cannot hold NUL).
        line = "\t".join(
            [v if type(v) is str else "\0" if v is None else _copy_value(v) for v in record]
        )
        # The fast join is right unless a value held a tab, a line break or a backslash.
        if line.count("\t") != TABS or "\\" in line or "\n" in line or "\r" in line:
            line = "\t".join([_copy_value(v) for v in record])
        else:
            line = line.replace("\0", "\\N")
        lines.append(line)
    lines.append("")
    return Block("\n".join(lines).encode("utf-8") if len(lines) > 1 else b"", rows, rejects)


def _blocks(raw, start: int) -> Iterator[tuple[bytes, int]]:
    """(block, number of its first line) from byte offset `start`, where line 2 begins."""
    raw.seek(start)
    line = 2
    carry = b""
    while True:
        data = raw.read(BLOCK_BYTES)
        if not data:
            break
        data = carry + data
        cut = data.rfind(b"\n") + 1
        # A quoted field may hold a line break: cut only where the quotes are balanced.
        while cut and data.count(b'"', 0, cut) % 2:
            cut = data.rfind(b"\n", 0, cut - 1) + 1
        if not cut:
            carry = data
            continue
        block, carry = data[:cut], data[cut:]
        yield block, line
        line += block.count(b"\n")
    if carry:
        yield carry + b"\n", line


def parse_in_parallel(
    raw, *, start: int, encoding: str, delimiter: str, parser, processes: int
) -> Iterator[Block]:
    """Blocks of the file parsed by `processes` forked workers, in file order."""
    global _parser
    _parser = parser
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        pending: deque = deque()
        for data, first_line in _blocks(raw, start):
            pending.append(pool.apply_async(_parse_block, (data, first_line, encoding, delimiter)))
            if len(pending) > processes * 2:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
