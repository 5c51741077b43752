"""``rodcli build --since``: only what changed since the last delivery, and the round trip
with ``rodcli compare``.

The round trip: build an export (the shipped example, and one of our own), change some rows,
build again with ``--since`` the first bulk file: exactly the changed records are written, a
record gone from the export is a warning (C006), and ``compare`` of the changed export with
the first bulk file shows exactly the changed rows.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from conftest import inschrijving, make_bsn, make_onderwijsnummer, mbo_inschrijving, write_xml
from rodcli.builder import BuildOptions, build
from rodcli.cli import app
from rodcli.codes import CATALOGUE
from rodcli.comparison import CompareOptions, compare
from rodcli.findings import FileReport, Finding, Severity, exit_code
from rodcli.findings import Result as Report
from rodcli.readers import read_bulk

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})



def bsn_from(prefix: int) -> str:
    """The first synthetic BSN at or after an 8-digit prefix (not every prefix has one)."""
    while True:
        try:
            return make_bsn(f"{prefix:08d}")
        except ValueError:
            prefix += 1


NEW_BSN = bsn_from(31415926)
ONR = make_onderwijsnummer("10271828")
BSN_LATER = bsn_from(27182818)

MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"
uitschrijving = { filled = "Einde" }
resultaat = { filled = "Examen" }

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
onderwijsnummer = "ONR"
inschrijvingvolgnummer = "Nummer"
geboortedatum = { column = "Geboren", date = "DD-MM-YYYY" }
geslacht = "Geslacht"
datumInschrijving = { column = "Start", date = "DD-MM-YYYY" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = { value = "B" }
inschrijvingsvorm = { value = "S" }
vooropleiding = { value = "00401" }
datumUitschrijving = { column = "Einde", date = "DD-MM-YYYY" }
redenUitschrijving = { column = "Reden", codes = { "gestopt" = "9", \
"diploma" = "1" } }
datumAfsluitendExamen = { column = "Examen", date = "DD-MM-YYYY" }
"""
HEADER = ["Nummer", "BSN", "ONR", "Geboren", "Geslacht", "Start", "CROHO", "Vorm", "Einde",
          "Reden", "Examen"]


def rodcli(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


@dataclass(frozen=True)
class Export:
    """An export with its mapping and the names of the columns the round trip changes."""

    path: Path
    mapping: Path
    encoding: str
    delimiter: str
    number: str  # inschrijvingvolgnummer
    bsn: str
    vorm: str
    end: str
    reason: str
    ects: str | None = None  # a filled cell makes the row a module enrolment

    def read(self) -> tuple[list[str], list[list[str]]]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            rows = [row for row in csv.reader(handle, delimiter=self.delimiter)
                    if any(cell.strip() for cell in row)]
        return rows[0], rows[1:]

    def write(self, path: Path, header: list[str], rows: list[list[str]]) -> Export:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding=self.encoding, newline="")
        return Export(path, self.mapping, self.encoding, self.delimiter, self.number, self.bsn,
                      self.vorm, self.end, self.reason, self.ects)


def own_export(tmp_path: Path) -> Export:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    students = [bsn_from(51012345 + n * 1000) for n in range(6)]
    rows = [[f"2025-{n}", bsn, "", f"{n + 1:02d}-05-2006", "MV"[n % 2], "01-09-2025", "34479",
             "VT", "", "", ""] for n, bsn in enumerate(students)]
    rows.append(["2021-9", "", "", "12-12-2002", "V", "01-09-2021", "34479", "VT",
                 "31-08-2025", "diploma", "04-07-2025"])
    rows[-1][1] = bsn_from(60312345)
    spec = Export(tmp_path / "own.csv", mapping, "utf-8", ";", "Nummer", "BSN", "Vorm",
                  "Einde", "Reden")
    return spec.write(spec.path, HEADER, rows)


def example_export(tmp_path: Path) -> Export:
    if not (EXPORTS / "ho_export.csv").is_file():
        pytest.skip("examples/exports/ho_export.csv is not there (yet)")
    return Export(EXPORTS / "ho_export.csv", EXPORTS / "ho_mapping.toml", "cp1252", ";",
                  "Inschrijvingsnummer", "BSN", "Vorm", "Einddatum", "Reden uitschrijving",
                  "ECTS")


def run_build(export: Export, output: Path, *since: Path, rejects: Path | None = None) -> Report:
    return build(export.path, BuildOptions(mapping=export.mapping, sector="ho",
                                           output_format="xml", output=output, force=True,
                                           since=since, rejects=rejects))


def records_in(path: Path) -> list[tuple[str, str]]:
    """(record type, inschrijvingvolgnummer) of every record in a bulk file."""
    return sorted((item.record_type, item.values["inschrijvingvolgnummer"])
                  for item in read_bulk(path, FileReport(str(path)), None, None)
                  if not isinstance(item, Finding))


def number_of(finding: Finding) -> str:
    """The inschrijvingvolgnummer in a finding's (masked) record key."""
    assert finding.location.record is not None
    return finding.location.record.rsplit("/", 1)[-1]


def non_notes(result: Report) -> dict[str, int]:
    return {code: count for code, count in sorted(result.code_counts.items())
            if CATALOGUE[code].severity > Severity.INFO}


# ---- the round trip ----------------------------------------------------------------------------


@dataclass
class Changed:
    vorm: str  # the number of the enrolment whose opleidingsvorm changed
    ended: str  # ... that now has an end date (a new uitschrijving)
    removed: str  # ... that is gone from the export
    new: str  # the new enrolment


def change(export: Export, target: Path) -> tuple[Export, Changed]:
    header, rows = export.read()
    col = header.index

    def plain(row: list[str]) -> bool:
        return (not row[col(export.end)] and row[col(export.vorm)] == "VT"
                and bool(row[col(export.bsn)])
                and (export.ects is None or not row[col(export.ects)]))

    candidates = [row for row in rows if plain(row)]
    assert len(candidates) >= 4
    vorm, ended, removed, template = candidates[:4]
    vorm[col(export.vorm)] = "DT"
    ended[col(export.end)] = "31-12-2025"
    ended[col(export.reason)] = "gestopt"
    rows.remove(removed)
    new = list(template)
    new[col(export.number)], new[col(export.bsn)] = "2025-9999", NEW_BSN
    rows.append(new)
    numbers = Changed(vorm[col(export.number)], ended[col(export.number)],
                      removed[col(export.number)], "2025-9999")
    return export.write(target, header, rows), numbers


@pytest.mark.parametrize("make_export", [own_export, example_export], ids=["own", "example"])
def test_round_trip(tmp_path: Path, make_export: Callable[[Path], Export]) -> None:
    export = make_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    first = run_build(export, delivered)
    assert exit_code(first, Severity.ERROR) == 0, non_notes(first)
    assert first.build is not None
    delivered_count = first.build.records_written

    changed, numbers = change(export, tmp_path / "changed.csv")

    # What the full build of the changed export would be: the records built.
    full = run_build(changed, tmp_path / "full.xml")
    assert full.build is not None
    built = full.build.records_written
    assert built == delivered_count + 1  # -1 removed, +1 uitschrijving, +1 new enrolment

    # --since writes exactly the changed records
    delta = tmp_path / "delta.xml"
    result = run_build(changed, delta, delivered)
    assert exit_code(result, Severity.ERROR) == 0, non_notes(result)
    summary = result.build
    assert summary is not None and summary.output == str(delta)
    assert records_in(delta) == sorted([("inschrijving", numbers.vorm),
                                        ("uitschrijving", numbers.ended),
                                        ("inschrijving", numbers.new)])
    assert summary.records_written == 3
    assert summary.records_written + summary.records_unchanged == built
    assert summary.rows_read == summary.rows_accepted + summary.rows_rejected
    gone = [f for f in result.findings if f.code == "C006"]
    assert [(number_of(f), f.params["record_type"]) for f in gone] == [
        (numbers.removed, "inschrijving")]
    assert Path(gone[0].location.file) == delivered and gone[0].location.line is not None
    assert result.code_counts["C009"] == 1
    assert non_notes(result) == {"C006": 1}

    # compare shows exactly the changed rows: the export through its mapping ...
    expected = sorted([("C001", "inschrijving", numbers.new),
                       ("C001", "uitschrijving", numbers.ended),
                       ("C002", "inschrijving", numbers.removed),
                       ("C003", "inschrijving", numbers.vorm)])
    comparison = compare(CompareOptions(ours=changed.path, theirs=delivered,
                                        mapping=changed.mapping))
    found = sorted((f.code, f.params["record_type"], number_of(f))
                   for f in comparison.result.findings if f.code.startswith("C"))
    assert found == expected
    assert non_notes(comparison.result) == {"C001": 2, "C002": 1, "C003": 1}
    c003 = next(f for f in comparison.result.findings if f.code == "C003")
    assert (c003.location.field, c003.params["ours"], c003.params["theirs"]) == (
        "opleidingsvorm", "DEELTIJD", "VOLTIJD")
    # ... and the full bulk file of the changed export
    bulk_comparison = compare(CompareOptions(ours=tmp_path / "full.xml", theirs=delivered))
    assert sorted((f.code, f.params["record_type"], number_of(f))
                  for f in bulk_comparison.result.findings) == expected

    # once the delta is delivered too, nothing is left to write; the removed one stays gone
    again = run_build(changed, tmp_path / "again.xml", delivered, delta)
    assert again.build is not None
    assert (again.build.records_written, again.build.records_unchanged) == (0, built)
    assert non_notes(again) == {"C006": 1}


def test_cli_since_and_the_summary(tmp_path: Path) -> None:
    export = own_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    assert rodcli("build", export.path, "-m", export.mapping, "--sector", "ho", "-o",
                  delivered, "-q").exit_code == 0
    changed, _ = change(export, tmp_path / "changed.csv")
    report = tmp_path / "report.json"
    run = rodcli("build", changed.path, "-m", changed.mapping, "--sector", "ho", "-o",
                 tmp_path / "delta.csv", "--format", "csv", "--since", delivered,
                 "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 0
    document: dict[str, Any] = json.loads(report.read_text("utf-8"))
    assert document["build"]["records_written"] == 3
    assert document["build"]["records_unchanged"] == 7
    assert document["counts"]["by_code"]["C006"] == 1
    loud = rodcli("build", changed.path, "-m", changed.mapping, "--sector", "ho", "-o",
                  tmp_path / "delta.xml", "--since", delivered, "--lang", "en")
    assert "7 record(s) unchanged since the previous delivery (delivered.xml)" in loud.stdout
    assert "a deregistration may be due" in loud.stdout
    # privacy: C006/C009 and the rest show no personal number in full
    output = (loud.stdout + loud.stderr).replace(str(tmp_path), "")
    assert not re.search(r"(?<![0-9])[0-9]{9}(?![0-9])", output)


def test_since_refuses_to_overwrite_the_previous_delivery(tmp_path: Path) -> None:
    export = own_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    run_build(export, delivered)
    before = delivered.read_bytes()
    run = rodcli("build", export.path, "-m", export.mapping, "--sector", "ho", "-o",
                 delivered, "--since", delivered, "--force")
    assert run.exit_code == 2
    assert delivered.read_bytes() == before


# ---- nothing changed, and the cases around it ---------------------------------------------------


def test_nothing_changed_writes_an_empty_delta(tmp_path: Path) -> None:
    export = own_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    first = run_build(export, delivered)
    assert first.build is not None
    result = run_build(export, tmp_path / "delta.xml", delivered)
    assert result.build is not None
    assert result.build.records_written == 0
    assert result.build.records_unchanged == first.build.records_written
    assert non_notes(result) == {}
    assert records_in(tmp_path / "delta.xml") == []
    assert exit_code(result, Severity.ERROR) == 0


def test_a_delta_refers_to_what_was_delivered_before(tmp_path: Path) -> None:
    """Only the diploma deregistration changes: the delta holds a code beëindiging 1 without
    its result, which is in the earlier delivery. build's own check of the delta takes that
    delivery as context (as validate --with), so the delta is written."""
    export = own_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    run_build(export, delivered)
    header, rows = export.read()
    rows[-1][header.index("Einde")] = "30-08-2025"
    changed = export.write(tmp_path / "changed.csv", header, rows)
    delta = tmp_path / "delta.xml"
    result = run_build(changed, delta, delivered)
    assert non_notes(result) == {}, [f.params for f in result.findings]
    assert records_in(delta) == [("uitschrijving", "2021-9")]
    assert rodcli("validate", delta, "--with", delivered).exit_code == 0
    assert rodcli("validate", delta).exit_code == 1  # R003 without the context


def test_rows_rejected_now_are_not_gone(tmp_path: Path) -> None:
    export = own_export(tmp_path)
    delivered = tmp_path / "delivered.xml"
    run_build(export, delivered)
    header, rows = export.read()
    rows[0][header.index("Start")] = "31-02-2025"  # F003: rejected this time
    changed = export.write(tmp_path / "changed.csv", header, rows)
    result = run_build(changed, tmp_path / "delta.xml", delivered,
                       rejects=tmp_path / "rejects.csv")
    assert non_notes(result) == {"F003": 1}
    assert result.build is not None and result.build.records_written == 0
    assert result.build.rows_rejected == 1


def test_onderwijsnummer_that_became_a_bsn(tmp_path: Path) -> None:
    export = own_export(tmp_path)
    header, rows = export.read()
    col = header.index
    student = ["2025-77", "", ONR, "14-03-2004", "V", "01-09-2025", "34479", "VT", "", "", ""]
    first = export.write(tmp_path / "first.csv", header, [*rows, student])
    delivered = tmp_path / "delivered.xml"
    assert exit_code(run_build(first, delivered), Severity.ERROR) == 0
    student[col("BSN")], student[col("ONR")] = BSN_LATER, ""
    changed = export.write(tmp_path / "changed.csv", header, [*rows, student])
    delta = tmp_path / "delta.xml"
    result = run_build(changed, delta, delivered)
    assert non_notes(result) == {}
    assert result.code_counts["C008"] == 1
    c008 = next(f for f in result.findings if f.code == "C008")
    assert (c008.params["ours_kind"], c008.params["theirs_kind"]) == ("BSN", "onderwijsnummer")
    assert records_in(delta) == [("inschrijving", "2025-77")]


@pytest.mark.parametrize("problem", ["missing", "broken", "mbo"])
def test_unusable_previous_delivery_writes_nothing(tmp_path: Path, problem: str) -> None:
    export = own_export(tmp_path)
    previous = tmp_path / "previous.xml"
    if problem == "broken":
        previous.write_text(write_xml(tmp_path, [inschrijving()]).read_text("utf-8")[:-60],
                            encoding="utf-8")
    elif problem == "mbo":
        write_xml(tmp_path, [mbo_inschrijving()], "mbo", name="previous.xml")
    output = tmp_path / "delta.xml"
    result = run_build(export, output, previous)
    expected = {"missing": "I001", "broken": "I004", "mbo": "I014"}[problem]
    assert set(non_notes(result)) == {"C007", expected}
    assert exit_code(result, Severity.ERROR) == 2
    assert not output.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_previous_delivery_is_context_not_under_review(tmp_path: Path) -> None:
    """Errors inside an earlier delivery are not reported again (as validate --with)."""
    export = own_export(tmp_path)
    previous = write_xml(tmp_path, [inschrijving(opleidingsvorm="FULLTIME")],
                         name="previous.xml")
    result = run_build(export, tmp_path / "delta.xml", previous)
    assert non_notes(result) == {"C006": 1}
    assert exit_code(result, Severity.ERROR) == 0
