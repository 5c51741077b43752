"""The XML adapter's fast path (``engine.xml_input``) gives exactly what the precise reader
gives: a plain, valid file in batches of columns; from the first chunk that is not plain or
not valid on, the precise reader, with the records handed over already skipped. Chunks are
made small here so that a file has many and the fast path ends in the middle."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import etree

from conftest import (
    Row,
    inschrijving,
    make_bsns,
    make_invalid,
    mbo_student,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli.bulkformat import NAMESPACES
from rodcli.bulkformat.xsd import builtin_schema, valid_as_read
from rodcli.engine import xml_input
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Chunks of a few records, batches of a few chunks; counts the fast path's batches."""
    monkeypatch.setattr(xml_input, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(xml_input, "BATCH_RECORDS", 40)
    fallbacks: list[int] = []
    reader = xml_input.read_xml_bulk

    def counted(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        fallbacks.append(1)
        return reader(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(xml_input, "read_xml_bulk", counted)
    return fallbacks


def _rows(count: int, seed: int) -> list[Row]:
    """Students whose records the XSD accepts but the rules do not always: numbers that fail
    the eleven-test, unknown codes, dates out of order, duplicate and missing keys, a
    deregistration whose reason needs a diploma, an unusual study load, spaces around
    values."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for student, pgn in enumerate(make_bsns(count)):
        number = str(student % 3)
        start = date(2024, 9, 1) + timedelta(days=rng.randrange(30))
        enrolment = (module_inschrijving if rng.random() < 0.3 else inschrijving)(
            burgerservicenummer=pgn, inschrijvingvolgnummer=number, datumInschrijving=start)
        leaving = uitschrijving(burgerservicenummer=pgn, inschrijvingvolgnummer=number,
                                datumUitschrijving=start + timedelta(days=300),
                                redenUitschrijving=rng.choice(["1", "9", "4"]))
        result = resultaat(burgerservicenummer=pgn, inschrijvingvolgnummer=number,
                           datumAfsluitendExamen=start + timedelta(days=290))
        group = [enrolment, leaving, result]
        match rng.randrange(10):
            case 0:
                rng.choice(group)["burgerservicenummer"] = make_invalid(pgn)
            case 1:
                enrolment["geslacht"] = "Q"
            case 2:
                leaving["datumUitschrijving"] = start - timedelta(days=1)
            case 3:
                group.append(dict(enrolment))
            case 4:
                group.remove(enrolment)
            case 5:
                enrolment["opleidingsvorm"] = "  VOLTIJD "
            case 6 if enrolment["recordtype"] == "moduleInschrijving":
                enrolment["studielast"] = "7.3"
            case _:
                pass
        rows.extend(group)
    return rows


def _precise(path: Path) -> Result:
    return validate_files([path], ValidateOptions(max_findings=0, columnar_from_bytes=1 << 60))


def _columnar(path: Path) -> Result:
    return validate_files([path], ValidateOptions(max_findings=0, columnar_from_bytes=0))


def _same(path: Path) -> Result:
    precise, columnar = _precise(path), _columnar(path)
    assert columnar.sorted_findings() == precise.sorted_findings()
    assert columnar.code_counts == precise.code_counts
    assert columnar.files == precise.files
    return columnar


def test_a_plain_file_takes_the_fast_path(tmp_path: Path, small_chunks: list[int]) -> None:
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text(_rows(300, seed=3)), encoding="utf-8")
    result = _same(path)
    assert not small_chunks
    assert {"F005", "F007", "R002", "R003", "R005", "R006", "R013"} <= set(result.code_counts)


def test_crlf_and_an_own_declaration(tmp_path: Path, small_chunks: list[int]) -> None:
    text = xml_text(_rows(100, seed=4)).replace(
        '<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' encoding='utf-8'?>")
    path = tmp_path / "bulk.xml"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    _same(path)
    assert not small_chunks


def test_mbo(tmp_path: Path, small_chunks: list[int]) -> None:
    rows = [row for at, number in enumerate(make_bsns(150))
            for row in mbo_student(burgerservicenummer=number, inschrijvingvolgnummer=str(at),
                                   onderwijslocatie=None if at % 7 == 0 else "123X456")]
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text(rows, "mbo"), encoding="utf-8")
    result = _same(path)
    assert not small_chunks and result.code_counts == {"R011": 22}


def test_lines_beyond_65535(tmp_path: Path, small_chunks: list[int]) -> None:
    """libxml2 keeps an element's line in 16 bits and answers beyond that with another
    node's line; the fast path gives the lines the precise reader gives."""
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text(_rows(2700, seed=5)), encoding="utf-8")
    assert len(path.read_bytes().splitlines()) > 70_000
    result = _same(path)
    assert not small_chunks
    assert max(finding.location.line or 0 for finding in result.sorted_findings()) > 65_535


_SPOILS = {
    "an XSD error": lambda text: text.replace("<geslacht>V</geslacht>",
                                              "<geslacht>V</geslacht><x/>", 1),
    "a bad pattern": lambda text: text.replace("<brin>99XX</brin>", "<brin>9XX</brin>", 1),
    "a comment": lambda text: text.replace("<geslacht>", "<!-- > --><geslacht>", 1),
    "a comment alone": lambda text: text.replace("  <uitschrijving>",
                                                 "  <!-- x -->\n  <uitschrijving>", 1),
    "CDATA": lambda text: text.replace("<geslacht>V<", "<geslacht><![CDATA[V]]><", 1),
    "an entity": lambda text: text.replace("<geslacht>V<", "<geslacht>&#86;<", 1),
    "an instruction": lambda text: text.replace("  <uitschrijving>",
                                                "  <?pi x?>\n  <uitschrijving>", 1),
    "two elements on a line": lambda text: text.replace("</brin>\n    <", "</brin><", 1),
    "a value over lines": lambda text: text.replace("<geslacht>V<", "<geslacht>\nV\n<", 1),
    "a blank line": lambda text: text.replace("  <uitschrijving>", "\n  <uitschrijving>", 1),
    "an attribute": lambda text: text.replace("<uitschrijving>",
                                              '<uitschrijving a="1">', 1),
    "a stranger": lambda text: text.replace("  <uitschrijving>",
                                            "  <onbekend>x</onbekend>\n  <uitschrijving>", 1),
    "text between records": lambda text: text.replace("  <uitschrijving>",
                                                      "  tekst\n  <uitschrijving>", 1),
    "a late header": lambda text: text.replace(
        "  <uitschrijving>", "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n"
        "  <uitschrijving>", 1),
    "not ASCII": lambda text: text.replace("<geslacht>V<", "<geslacht>Vé<", 1),
    "a lone carriage return": lambda text: text.replace("</brin>\n", "</brin>\r", 1),
    "trailing spaces": lambda text: text.replace("<uitschrijving>\n",
                                                 "<uitschrijving>" + " " * 200 + "\n", 1),
    "a deep indent": lambda text: text.replace("  <uitschrijving>",
                                               " " * 300 + "<uitschrijving>", 1),
    "an empty record": lambda text: text.replace("  <uitschrijving>",
                                                 "  <uitschrijving/>\n  <uitschrijving>", 1),
    "a second root": lambda text: text + "<nog_een_root/>\n",
    "a comment after the root": lambda text: text + "<!-- einde -->\n",
    "cut short": lambda text: text[:-200],
    "the end on a record's line": lambda text: re.sub(
        r"\n</aanleveren", "</aanleveren", text),
}


@pytest.mark.parametrize("spoil", list(_SPOILS))
@pytest.mark.parametrize("where", [0.0, 0.6])
def test_from_where_it_is_not_plain(tmp_path: Path, spoil: str, where: float,
                                    small_chunks: list[int]) -> None:
    text = xml_text(_rows(120, seed=6))
    at = text.index("<uitschrijving>", int(len(text) * where))
    path = tmp_path / "bulk.xml"
    path.write_bytes((text[:at] + _SPOILS[spoil](text[at:])).encode())
    _same(path)
    if spoil not in ("a comment after the root",):
        assert small_chunks  # the precise reader took over


@pytest.mark.parametrize("head", [
    '<?xml version="1.1" encoding="UTF-8"?>\n',
    '<?xml version="1.0" encoding="ISO-8859-1"?>\n',
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n',
    '<?xml version="1.0"?>\n<!DOCTYPE x>\n',
    '<?xml version="1.0"?>\n<!-- a comment before the root -->\n',
])
def test_a_prolog_that_is_not_plain(tmp_path: Path, head: str, small_chunks: list[int]) -> None:
    text = xml_text(_rows(60, seed=7)).split("\n", 1)[1]
    path = tmp_path / "bulk.xml"
    path.write_bytes((head + text).encode())
    _same(path)
    assert small_chunks


@pytest.mark.parametrize("root", [
    'xmlns="{ns}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    'xmlns="{ns}" onbekend="1"',
    'xmlns="urn:iets:anders"',
])
def test_the_root_start_tag(tmp_path: Path, root: str) -> None:
    text = xml_text(_rows(60, seed=8)).replace(
        f'xmlns="{NAMESPACES["ho"]}"', root.format(ns=NAMESPACES["ho"]), 1)
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    _same(path)


def test_a_prefixed_namespace(tmp_path: Path, small_chunks: list[int]) -> None:
    text = xml_text(_rows(60, seed=9)).replace(f'xmlns="{NAMESPACES["ho"]}"',
                                               f'xmlns:rod="{NAMESPACES["ho"]}"')
    path = tmp_path / "bulk.xml"
    path.write_text(re.sub(r"<(/?)(?=[A-Za-z])", r"<\1rod:", text), encoding="utf-8")
    _same(path)
    assert small_chunks


@pytest.mark.parametrize("sector", ["ho", "mbo"])
def test_the_wrong_sector_asked(tmp_path: Path, sector: str) -> None:
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text(_rows(60, seed=10)), encoding="utf-8")
    options = {"max_findings": 0, "sector": sector}
    precise = validate_files([path], ValidateOptions(columnar_from_bytes=1 << 60, **options))
    columnar = validate_files([path], ValidateOptions(columnar_from_bytes=0, **options))
    assert columnar.sorted_findings() == precise.sorted_findings()


_MUTATIONS = [
    ("<brin>99XX</brin>", ""),  # a required element gone
    ("<geslacht>V</geslacht>", "<geslacht>V</geslacht><geslacht>V</geslacht>"),
    ("<geslacht>V</geslacht>", "<geslacht/>"),
    ("<geslacht>V</geslacht>", "<geslacht> </geslacht>"),
    ("<geslacht>V</geslacht>", "<geslacht>" + "V" * 71 + "</geslacht>"),
    ("<opleidingcode>34607</opleidingcode>", "<opleidingcode> 34607 </opleidingcode>"),
    ("<geboortedatum>2005-03-14</geboortedatum>", "<geboortedatum>2005-02-30</geboortedatum>"),
    ("<geboortedatum>2005-03-14</geboortedatum>", "<geboortedatum>2005-03-14Z</geboortedatum>"),
    ("<studielast>7.5</studielast>", "<studielast>7.55</studielast>"),
    ("<studielast>7.5</studielast>", "<studielast>0</studielast>"),
    ("<inschrijvingvolgnummer>1</inschrijvingvolgnummer>", ""),
    ("<burgerservicenummer>", "<onderwijsnummer>101222331</onderwijsnummer><burgerservicenummer>"),
    ("<brin>99XX</brin>", "<brin>99XX</brin>tekst"),
    ("  <inschrijving>", "  <inschrijving>\n    <onbekend/>"),
]


@pytest.mark.parametrize(("old", "new"), _MUTATIONS)
def test_the_streaming_verdict_is_the_tree_verdict(old: str, new: str) -> None:
    """The gate validates as it reads (no tree); its verdict is libxml2's on the tree."""
    rows = [inschrijving(), module_inschrijving(), uitschrijving(), resultaat()]
    text = xml_text(rows).encode()
    schema = builtin_schema("ho")
    assert valid_as_read(text, schema)
    spoilt = text.replace(old.encode(), new.encode(), 1)
    assert spoilt != text
    tree = etree.fromstring(spoilt, etree.XMLParser(resolve_entities=False))
    assert valid_as_read(spoilt, schema) == schema.validate(tree)
