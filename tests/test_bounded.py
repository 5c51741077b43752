"""Bounded on hostile input (issue 16): an XLSX whose members are inflated before any size
check or hold millions of shared strings, XML that cannot be a bulk file, one huge CSV line.
Each is refused in seconds, within 256 MiB of resident memory (the child's own VmHWM)."""

from __future__ import annotations

import os
from pathlib import Path

from test_hostile_tabular import (
    CONTENT_TYPES,
    RELS,
    SHEET_HEAD,
    SHEET_TAIL,
    WORKBOOK,
    WORKBOOK_RELS,
    build_args,
    write_zip,
)
from test_hostile_xml import assert_clean_refusal, run_rodcli

MAX_MB = 256
MIB = 1 << 20


def _workbook(path: Path, extra: dict[str, tuple[bytes, bytes, int, bytes]],
              content_types: str = CONTENT_TYPES) -> Path:
    row = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    members = {name: (text.encode(), b"", 0, b"") for name, text in (
        ("[Content_Types].xml", content_types), ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS))}
    members["xl/worksheets/sheet1.xml"] = (SHEET_HEAD.format(doctype="").encode(), row, 1,
                                           SHEET_TAIL.encode())
    write_zip(path, {**extra, **members})
    return path


def test_xlsx_member_is_not_inflated_before_the_size_check(tmp_path: Path) -> None:
    """Before: the 'mimetype' member was read whole first (a 1 MB file peaked at 2.15 GB)."""
    bomb = _workbook(tmp_path / "export.xlsx",
                     {"mimetype": (b"", b"\0" * MIB, 200, b"")})  # 200 MiB, < the total cap
    assert bomb.stat().st_size < 2 * MIB
    run = run_rodcli(*build_args(bomb, tmp_path), timeout=10, max_mb=MAX_MB)
    assert_clean_refusal(run)
    assert run.code == 2 and "E008" in run.codes(), run.stdout
    assert run.peak_mb < MAX_MB
    assert "times" in run.json()["findings"][0]["message"]


def test_xlsx_over_256_mib_unpacked_is_refused(tmp_path: Path) -> None:
    bomb = _workbook(tmp_path / "export.xlsx", {"xl/media/x.bin": (b"", b"\0" * MIB, 300, b"")})
    run = run_rodcli(*build_args(bomb, tmp_path), timeout=10, max_mb=MAX_MB)
    assert_clean_refusal(run)
    assert run.code == 2 and "E008" in run.codes(), run.stdout
    assert "256 MiB" in run.json()["findings"][0]["message"]


def test_shared_strings_bomb_is_refused_in_seconds(tmp_path: Path) -> None:
    """Before: 22M <si> in 0.9 MB ran 214 s at 2 GB and was accepted. 1.5M here, of random
    text (36 MiB unpacked, packed some 3 times: within every size and ratio bound), which
    openpyxl would hold all at once."""
    types = CONTENT_TYPES.replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    strings = (b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main">', b"".join(
                   b"<si><t>%s</t></si>" % os.urandom(4).hex().encode() for _ in range(1000)),
               1500, b"</sst>")
    bomb = _workbook(tmp_path / "export.xlsx", {"xl/sharedStrings.xml": strings}, types)
    run = run_rodcli(*build_args(bomb, tmp_path), timeout=10, max_mb=MAX_MB)
    assert_clean_refusal(run)
    assert run.seconds < 10
    assert run.code == 2 and "E008" in run.codes(), run.stdout
    assert "shared strings" in run.json()["findings"][0]["message"]
