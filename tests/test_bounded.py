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


# ---- one huge CSV line -------------------------------------------------------------------------

HUGE_LINE = 160 * MIB  # the old readers held it twice (bytes and text): past 256 MiB


def _huge_line_file(path: Path, header: str, start: str) -> Path:
    with path.open("wb") as out:
        out.write(f"{header}\n{start}".encode())
        block = b"3" * MIB
        for _ in range(HUGE_LINE // MIB):
            out.write(block)
        out.write(b"\n")
    return path


def test_one_huge_csv_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    from conftest import csv_text, inschrijving

    bulk_header = csv_text([inschrijving()]).splitlines()[0]
    bulk = _huge_line_file(tmp_path / "bulk.csv", bulk_header, "inschrijving;99XX;")
    export = _huge_line_file(tmp_path / "export.csv", "BSN;Nummer;Start;CROHO",
                             "111222333;1;2024-09-01;")
    export_first = _huge_line_file(tmp_path / "first.csv", "BSN;Nummer;Start;CROHO" + "3" * 10,
                                   "")
    runs = {
        "validate": run_rodcli("validate", "--format", "json", "-j", "1", bulk, timeout=20,
                               max_mb=MAX_MB),
        "build": run_rodcli(*build_args(export, tmp_path), "-j", "1", timeout=20,
                            max_mb=MAX_MB),
        "init": run_rodcli("init", export, "--sector", "ho", timeout=20, max_mb=MAX_MB),
        "init-header": run_rodcli("init", export_first, "--sector", "ho", timeout=20,
                                  max_mb=MAX_MB),
    }
    for command, run in runs.items():
        assert run.killed is None, (command, run.killed, run.peak_mb)
        assert run.peak_mb < MAX_MB, (command, run.peak_mb)
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr, command
        assert "I020" in run.stdout or (command.startswith("init") and run.code == 0), (
            command, run.stdout[-500:])
    assert runs["validate"].code == 1 and runs["build"].code == 2
    assert "longer than 2 MiB" in runs["validate"].stdout
    assert "B007" in runs["build"].stdout
