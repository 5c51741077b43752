"""The shipped example bulk files in ``examples/``.

Every file in ``examples/valid`` gives no findings; every file in ``examples/invalid`` gives
exactly the exit code and the count per code in its ``<name>.expected.json``. Together with the
CLI-only cases here they cover every I, X, F and R code of the catalogue, so a new code without
an example fails the suite. An ``"xfail"`` key in an expected.json marks a known rodcli bug: the
file states what rodcli *should* report.
"""

from __future__ import annotations

import csv
import gc
import json
import re
import sys
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree
from typer.testing import CliRunner

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import RECORD_MODELS
from rodcli.cli import app
from rodcli.codes import CATALOGUE
from rodcli.readers.bulk_csv import csv_columns

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
VALID = EXAMPLES / "valid"
INVALID = EXAMPLES / "invalid"
EXPECTED_SUFFIX = ".expected.json"
BULK_SUFFIXES = (".csv", ".xml")
# The catalogue families that come from a file given to ``rodcli validate``; M and B codes
# belong to ``rodcli build`` and are tested there.
FILE_CODE_PREFIXES = ("I", "X", "F", "R")
# Codes that need CLI arguments rather than file content; each has its own test below.
CLI_ONLY = {
    "I001": "test_unreadable_file",
    "I017": "test_unusable_schema",
    "I019": "test_foreign_root_with_own_schema",
    # need a full disk or hundreds of MiB: tested in test_internal_errors.py, test_bounded.py
    "I022": "test_a_full_temporary_folder_is_a_finding",
    "I023": "test_xml_that_cannot_be_a_bulk_file_is_stopped_early",
}
NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
SECTOR_BY_NAMESPACE = {namespace: sector for sector, namespace in NAMESPACES.items()}

RUNNER = CliRunner()


# ---- helpers ---------------------------------------------------------------------------------


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    unraisable: list[str]  # exceptions raised in finalizers, e.g. ResourceWarning


def invoke(*args: str) -> Run:
    """``rodcli validate ARGS`` in-process. Exceptions raised in finalizers during the run
    (such as a ResourceWarning for a file left open) are collected here, so they are checked
    by ``test_files_are_closed`` and cannot fail whichever test happens to run next."""
    caught: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = caught.append
    try:
        result = RUNNER.invoke(app, ["validate", *args])
        gc.collect()
    finally:
        sys.unraisablehook = previous
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr,
               [str(item.exc_value) for item in caught])


def report(*args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON report of ``rodcli validate --format json -q ARGS``."""
    run = invoke(*args, "--format", "json", "-q")
    return run.exit_code, json.loads(run.stdout)


def bulk_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.suffix in BULK_SUFFIXES)


def expected_of(path: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads(
        path.with_name(path.name + EXPECTED_SUFFIX).read_text("utf-8")
    )
    # An argument naming another example (``--with examples/valid/...``) is relative to the
    # repository, wherever the tests run from.
    expected["args"] = [str(EXAMPLES.parent / arg) if arg.startswith("examples/") else arg
                        for arg in expected["args"]]
    return expected


def invalid_cases() -> list[Any]:
    cases = []
    for path in bulk_files(INVALID):
        expected = expected_of(path)
        marks = []
        if "xfail" in expected:
            marks.append(pytest.mark.xfail(strict=True, reason=expected["xfail"]))
        cases.append(pytest.param(path, expected, id=path.name, marks=marks))
    return cases


def file_text(path: Path) -> str:
    """The file as text, whatever its encoding: enough to find its digits."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("latin-1")


def xml_sector(path: Path) -> str:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    qname = etree.QName(root.getroot())
    assert qname.localname == ROOT_ELEMENT
    return SECTOR_BY_NAMESPACE[qname.namespace or ""]


def record_types(path: Path) -> tuple[str, list[str]]:
    """Sector and record type of every record in a valid example."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        return "ho", [row[0] for row in rows[1:]]
    sector = xml_sector(path)
    root = etree.parse(str(path)).getroot()
    names = [etree.QName(child).localname for child in root]
    return sector, [name for name in names if name in RECORD_MODELS[sector]]  # type: ignore[index]


# ---- valid examples --------------------------------------------------------------------------


@pytest.mark.parametrize("path", bulk_files(VALID), ids=lambda path: path.name)
def test_valid_example_has_no_findings(path: Path) -> None:
    exit_code, document = report(str(path))
    assert document["counts"]["by_code"] == {}
    assert document["counts"]["total"] == 0
    assert document["findings"] == []
    assert exit_code == 0


@pytest.mark.parametrize("path", bulk_files(VALID), ids=lambda path: path.name)
def test_valid_example_is_realistic(path: Path) -> None:
    sector, types = record_types(path)
    # An mbo student has a person, an enrolment, its periods, BPVs, a diploma and its parts.
    assert 8 <= len(types) <= (15 if sector == "ho" else 30)
    assert set(types) == set(RECORD_MODELS[sector])  # type: ignore[index]


def test_valid_csv_layout() -> None:
    raw = (VALID / "ho_bulk.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    header = raw.decode("utf-8").split("\n", 1)[0]
    assert header.split(";") == csv_columns()


@pytest.mark.parametrize(
    "path", [path for path in bulk_files(VALID) if path.suffix == ".xml"],
    ids=lambda path: path.name,
)
def test_valid_xml_passes_xmlschema(path: Path) -> None:
    """A second, independent XSD implementation agrees with libxml2 on the shipped XSD."""
    sector = xml_sector(path)
    resource = files("rodcli.bulkformat") / "schemas" / f"rod_bulk_{sector}_v1.xsd"
    with as_file(resource) as xsd:
        xmlschema.XMLSchema(str(xsd)).validate(str(path))


# ---- invalid examples ------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "expected"), invalid_cases())
def test_invalid_example_counts(path: Path, expected: dict[str, Any]) -> None:
    exit_code, document = report(str(path), *expected["args"])
    assert document["counts"]["by_code"] == expected["codes"]
    assert exit_code == expected["exit"]


def test_every_invalid_example_has_expected_json() -> None:
    examples = {path.name for path in bulk_files(INVALID)}
    expectations = {
        path.name.removesuffix(EXPECTED_SUFFIX) for path in INVALID.glob("*" + EXPECTED_SUFFIX)
    }
    assert examples == expectations
    assert {path.name for path in INVALID.iterdir()} == examples | {
        name + EXPECTED_SUFFIX for name in examples
    }


def test_examples_cover_every_file_code() -> None:
    """A new I, X, F or R code fails here until an example (or a CLI-only case) trips it."""
    covered = set(CLI_ONLY)
    for path in bulk_files(INVALID):
        covered |= set(expected_of(path)["codes"])
    assert covered <= set(CATALOGUE)
    in_scope = {code for code in CATALOGUE if code.startswith(FILE_CODE_PREFIXES)}
    assert sorted(in_scope - covered) == []


def test_readme_lists_every_example() -> None:
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    for path in [*bulk_files(VALID), *bulk_files(INVALID)]:
        assert f"`{path.parent.name}/{path.name}`" in readme, path.name


def test_doctype_is_refused_not_expanded() -> None:
    path = INVALID / "xml_doctype.xml"
    assert b"<!ENTITY" in path.read_bytes()
    exit_code, document = report(str(path))
    assert document["counts"]["by_code"] == {"I016": 1}
    assert document["files"][0]["records"] == 0
    assert exit_code == 1


def test_doctype_after_long_prolog_is_refused(tmp_path: Path) -> None:
    declaration, rest = (INVALID / "xml_doctype.xml").read_text("utf-8").split("\n", 1)
    padding = "<!-- " + "opmerking " * 8000 + "-->\n"  # far from the start of the file
    path = tmp_path / "late_doctype.xml"
    path.write_text(f"{declaration}\n{padding}{rest}", encoding="utf-8")
    exit_code, document = report(str(path))
    assert document["counts"]["by_code"] == {"I016": 1}
    assert exit_code == 1


def test_xsd_messages_keep_braces() -> None:
    _, document = report(str(INVALID / "ho_xsd_errors.xml"), "--lang", "en")
    messages = {
        finding["location"]["field"]: finding["message"]
        for finding in document["findings"]
        if finding["code"] == "X001"
    }
    assert "DUO" in messages["ontvangendeInstantie"]
    assert "[0-9]{4}" in messages["datumTijdBedrijfsdocument"]


# ---- CLI-only cases --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["missing.csv", "."], ids=["missing", "directory"])
def test_unreadable_file(tmp_path: Path, name: str) -> None:
    exit_code, document = report(str(tmp_path / name))
    assert document["counts"]["by_code"] == {"I001": 1}
    assert exit_code == 2


@pytest.mark.parametrize(
    "schema",
    [Path("missing.xsd"), VALID / "ho_bulk.csv", VALID / "ho_bulk.xml"],
    ids=["missing", "not-xml", "xml-not-xsd"],
)
def test_unusable_schema(tmp_path: Path, schema: Path) -> None:
    if not schema.is_absolute():
        schema = tmp_path / schema
    exit_code, document = report(str(VALID / "ho_bulk.xml"), "--schema", str(schema))
    assert document["counts"]["by_code"] == {"I017": 1}
    assert exit_code == 2


FOREIGN_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="urn:example:studentvolgsysteem:export"
           xmlns="urn:example:studentvolgsysteem:export" elementFormDefault="qualified">
  <xs:element name="studentexport">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="student" maxOccurs="unbounded">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="brin" type="xs:string"/>
              <xs:element name="burgerservicenummer" type="xs:string"/>
              <xs:element name="opleiding" type="xs:string"/>
              <xs:element name="startdatum" type="xs:date"/>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


def test_foreign_root_with_own_schema(tmp_path: Path) -> None:
    """The file that is I006 on its own is checked against --schema only: I019, exit 0."""
    schema = tmp_path / "studentexport.xsd"
    schema.write_text(FOREIGN_XSD, encoding="utf-8")
    exit_code, document = report(str(INVALID / "xml_wrong_root.xml"), "--schema", str(schema))
    assert document["counts"]["by_code"] == {"I019": 1}
    assert exit_code == 0


# ---- resources -------------------------------------------------------------------------------

def resource_cases() -> list[Any]:
    cases = [pytest.param(path, False, id=f"{path.parent.name}/{path.name}")
             for path in [*bulk_files(VALID), *bulk_files(INVALID)]]
    cases.append(pytest.param(INVALID / "xml_wrong_root.xml", True,
                              id="invalid/xml_wrong_root.xml --schema"))
    return cases


@pytest.mark.parametrize(("path", "own_schema"), resource_cases())
def test_files_are_closed(tmp_path: Path, path: Path, own_schema: bool) -> None:
    args = expected_of(path)["args"] if path.parent == INVALID else []
    if own_schema:
        schema = tmp_path / "studentexport.xsd"
        schema.write_text(FOREIGN_XSD, encoding="utf-8")
        args = [*args, "--schema", str(schema)]
    assert invoke(str(path), *args, "--format", "json", "-q").unraisable == []


# ---- privacy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [*bulk_files(VALID), *bulk_files(INVALID)],
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_no_personal_number_in_any_output(path: Path) -> None:
    numbers = set(NINE_DIGITS.findall(file_text(path)))
    args = expected_of(path)["args"] if path.parent == INVALID else []
    for output_format in ("text", "json"):
        for lang in ("nl", "en"):
            run = invoke(str(path), *args, "--format", output_format, "--lang", lang)
            output = run.stdout + run.stderr
            assert output.strip()
            leaked = sorted(number for number in numbers if number in output)
            assert leaked == [], f"{output_format}/{lang} shows {leaked}"


def test_format_doc_lists_every_field_as_the_models_define_it() -> None:
    """docs/format.md's field tables are generated from the models: they must not drift."""
    from rodcli.schema_doc import field_rows

    text = (EXAMPLES.parent / "docs" / "format.md").read_text("utf-8")
    for sector in ("ho", "mbo"):
        for row in field_rows(sector, "en"):
            assert (f"| `{row.name}` | {row.meaning} | {row.kind} | {row.required} | "
                    f"{row.value_list} | {row.source} |") in text, (sector, row.record_type,
                                                                   row.name)
