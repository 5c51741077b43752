"""Checks that let something through (issue 16): text in the XML root beside records, XML in
UTF-16 without a BOM, and a --schema whose imports cannot be read as meant. (The differential
of the per-record validation against lxml's whole-document validation is in test_fuzz.py.)"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import inschrijving, uitschrijving, xml_text
from test_hostile_xml import NS, ROOT, Listener, Tripwire, document, run_rodcli, write


@pytest.mark.parametrize("where", ["after-first-record", "after-last-record", "between-lines"])
def test_text_in_the_root_beside_records_is_an_xsd_error(tmp_path: Path, where: str) -> None:
    """Before: '</inschrijving>x' passed validate with exit 0; xmllint --schema refused it."""
    text = xml_text([inschrijving(), uitschrijving()])
    if where == "after-first-record":
        text = text.replace("</inschrijving>", "</inschrijving>x", 1)
    elif where == "after-last-record":
        text = text.replace(f"</{ROOT}>", f"stray text\n</{ROOT}>")
    else:
        text = text.replace("</inschrijving>\n", "</inschrijving>\n  42\n", 1)
    path = write(tmp_path / "bulk.xml", text)
    run = run_rodcli("validate", "--format", "json", path)
    assert run.code == 1, run.stdout
    assert "X001" in run.codes()
    assert any("Character content" in finding["message"]
               for finding in run.json()["findings"])


def test_utf16_without_bom_is_reported_as_utf16(tmp_path: Path) -> None:
    """Before: passed, and the report said UTF-8."""
    text = document().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert 'encoding="UTF-16"' in text
    path = tmp_path / "bulk.xml"
    path.write_bytes(text.encode("utf-16-le"))  # no BOM
    run = run_rodcli("validate", "--format", "json", path)
    assert run.code == 1, run.stdout
    assert "I002" in run.codes()
    assert run.json()["files"][0]["encoding"] == "utf-16"


def _schema_importing(tmp_path: Path, location: str) -> Path:
    return write(tmp_path / "own.xsd", (
        '<?xml version="1.0"?>\n'
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}">'
        f'<xs:import namespace="urn:other" schemaLocation="{location}"/>'
        f'<xs:element name="{ROOT}"/></xs:schema>\n'))


def test_schema_import_of_a_url_is_refused(tmp_path: Path) -> None:
    """Before: libxml2 dropped the import silently and validate exited 0."""
    listener = Listener()
    try:
        schema = _schema_importing(tmp_path, f"http://127.0.0.1:{listener.port}/imp.xsd")
        run = run_rodcli("validate", "--format", "json", "--schema", schema,
                         write(tmp_path / "doc.xml", document()), timeout=20)
        assert listener.settle() == 0
    finally:
        listener.close()
    assert run.code == 2, run.stdout
    assert run.codes() == ["I017"]
    assert "URL" in run.json()["findings"][0]["message"]


def test_schema_import_of_a_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    """Before: validate hung on the FIFO."""
    tripwire = Tripwire(tmp_path / "imp.xsd", "<x/>")
    try:
        schema = _schema_importing(tmp_path, "imp.xsd")
        started = time.monotonic()
        run = run_rodcli("validate", "--format", "json", "--schema", schema,
                         write(tmp_path / "doc.xml", document()), timeout=20)
        time.sleep(0.1)
    finally:
        tripwire.close()
    assert run.killed is None and time.monotonic() - started < 20
    assert run.code == 2, run.stdout
    assert run.codes() == ["I017"]
    assert tripwire.opened == 0


def test_schema_with_a_local_import_still_works(tmp_path: Path) -> None:
    write(tmp_path / "other.xsd", (
        '<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'targetNamespace="urn:other"><xs:element name="x"/></xs:schema>\n'))
    (tmp_path / "sub").mkdir()
    schema = _schema_importing(tmp_path, "other.xsd")
    os.link(schema, tmp_path / "sub" / "copy.xsd")  # harmless: just another name
    run = run_rodcli("validate", "--format", "json", "--schema", schema,
                     write(tmp_path / "doc.xml", f'<{ROOT} xmlns="{NS}"/>\n'))
    assert "I017" not in run.codes(), run.stdout
