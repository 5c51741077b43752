"""``rodcli init``: a mapping drafted from an export's header and a sample of its rows.

The acceptance criterion: on each example export, the draft builds with zero errors after
setting only the institution code (BRIN). Also: which column names are recognised, TODO lines
for what cannot be guessed, the sniffed ``[source]``, valid TOML, and ``-o`` that never
replaces a file without ``--force``.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from rodcli.builder import BuildOptions, build
from rodcli.cli import app
from rodcli.draft import COLUMN_NAMES, RESULT_COLUMN_NAMES, draft_mapping, normalise
from rodcli.findings import Severity, exit_code
from rodcli.mapping import MappingFile

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
BRIN_TODO = re.compile(r'^brin = \{ value = "TODO" \}.*$', re.MULTILINE)
BSN = "111222333"

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def draft(export: Path, sector: str, folder: Path, *args: object) -> str:
    output = folder / "drafted.toml"
    run = rodcli("init", export, "--sector", sector, "-o", output, *args)
    assert run.exit_code == 0, run.output
    assert "TODO" in run.stderr  # "mapping drafted; check the TODO lines"
    return output.read_text(encoding="utf-8")


def with_brin(text: str) -> str:
    assert len(BRIN_TODO.findall(text)) == 1
    return BRIN_TODO.sub('brin = { value = "99XX" }', text)


EXAMPLES = [
    pytest.param("ho_export.csv", "ho", "ho_mapping.toml", id="ho_export.csv"),
    pytest.param("ho_export.xlsx", "ho", "ho_xlsx_mapping.toml", id="ho_export.xlsx"),
    pytest.param("mbo_export.csv", "mbo", "mbo_mapping.toml", id="mbo_export.csv"),
]


# ---- the acceptance criterion ---------------------------------------------------------------


@pytest.mark.parametrize(("export", "sector", "committed"), EXAMPLES)
def test_draft_builds_after_setting_only_the_brin(tmp_path: Path, export: str, sector: str,
                                                  committed: str) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(with_brin(draft(EXPORTS / export, sector, tmp_path)), encoding="utf-8")
    result = build(EXPORTS / export, BuildOptions(mapping, sector, "xml",  # type: ignore[arg-type]
                                                   tmp_path / "bulk.xml"))
    errors = [(f.code, f.params) for f in result.findings if f.severity >= Severity.ERROR]
    assert errors == []
    assert exit_code(result, Severity.ERROR) == 0
    assert (tmp_path / "bulk.xml").is_file()


@pytest.mark.parametrize(("export", "sector", "committed"), [
    pytest.param(*case.values, id=case.id) for case in EXAMPLES])
def test_committed_mapping_is_the_draft_plus_the_brin(tmp_path: Path, export: str, sector: str,
                                                      committed: str) -> None:
    """The example mappings are init's drafts with only the BRIN set, plus lines marked
    '# edited by hand' (each followed by the line it explains)."""
    drafted = with_brin(draft(EXPORTS / export, sector, tmp_path)).splitlines()
    kept = (EXPORTS / committed).read_text(encoding="utf-8").splitlines()
    added = [line for line in kept if line not in drafted]
    removed = [line for line in drafted if line not in kept]
    hand = [index for index, line in enumerate(kept) if line.startswith("# edited by hand:")]
    assert added == [line for index in hand for line in kept[index:index + 2]]
    # what a hand edit replaced is the draft's own TODO line for the same field
    assert all("TODO" in line for line in removed)
    assert len(removed) <= len(hand)


# ---- column names -----------------------------------------------------------------------------


@pytest.mark.parametrize(("column", "field"), [
    ("BSN", "burgerservicenummer"),
    ("Burgerservicenummer", "burgerservicenummer"),
    ("Citizen service number", "burgerservicenummer"),
    ("Onderwijsnummer", "onderwijsnummer"),
    ("Education number", "onderwijsnummer"),
    ("Inschrijvingsnummer", "inschrijvingvolgnummer"),
    ("Enrolment ID", "inschrijvingvolgnummer"),
    ("Geboortedatum", "geboortedatum"),
    ("Date of birth", "geboortedatum"),
    ("Geslacht", "geslacht"),
    ("Gender", "geslacht"),
    ("Postcode", "postcode"),
    ("Zip code", "postcode"),
    ("Startdatum", "datumInschrijving"),
    ("Start date", "datumInschrijving"),
    ("CROHO", "opleidingcode"),
    ("ISAT-code", "opleidingcode"),
    ("Programme code", "opleidingcode"),
    ("Vorm", "opleidingsvorm"),
    ("Study mode", "opleidingsvorm"),
    ("Fase", "opleidingsfase"),
    ("Phase", "opleidingsfase"),
    ("Vooropleiding", "vooropleiding"),
    ("Modulecode", "onderwijseenheidcode"),
    ("Course code", "onderwijseenheidcode"),
    ("ECTS", "studielast"),
    ("Credits", "studielast"),
    ("Einddatum", "datumUitschrijving"),
    ("End date", "datumUitschrijving"),
    ("Reden uitschrijving", "redenUitschrijving"),
    ("Reason", "redenUitschrijving"),
    ("Examendatum", "datumAfsluitendExamen"),
    ("Exam date", "datumAfsluitendExamen"),
    ("BRIN", "brin"),
])
def test_ho_column_names_are_recognised(column: str, field: str) -> None:
    text = draft_mapping([column], [], "ho", "export.csv")
    fields = tomllib.loads(text)["fields"]
    source = fields[field]
    assert (source if isinstance(source, str) else source["column"]) == column


@pytest.mark.parametrize(("column", "field"), [
    ("Crebo", "opleidingcode"),
    ("Leerweg", "leertraject"),
    ("BOL/BBL", "leertraject"),
    ("Leertraject", "leertraject"),
    ("Niveau", "niveau"),
    ("Level", "niveau"),
    ("Locatiecode", "onderwijslocatie"),
    ("Reden", "redenUitschrijving"),
    ("Einddatum", "datumUitschrijvingWerkelijk"),
    ("Geplande einddatum", "datumUitschrijvingGepland"),
    ("Diplomadatum", "datumDiploma"),
    ("Diplomanummer", "resultaatvolgnummer"),
    ("Behaalde kwalificatie", "opleidingcodeDiploma"),
    ("Leerroute", "leerroute"),
    ("Leerroutefase", "leerroutefase"),
    ("BPV-bedrijf", "leerbedrijfId"),
    ("Leerbedrijf", "leerbedrijfId"),
    ("BPV-nummer", "bpvVolgnummer"),
    ("BPV begin", "datumBeginBpv"),
    ("BPV uren", "omvangBpv"),
    ("Keuzedeel", "codeKeuzedeel"),
    ("Onderwijsaanbieder", "onderwijsaanbieder"),
])
def test_mbo_column_names_are_recognised(column: str, field: str) -> None:
    text = draft_mapping([column], [], "mbo", "export.csv")
    source = tomllib.loads(text)["fields"][field]
    assert (source if isinstance(source, str) else source["column"]) == column


# ---- the result record (issue 14) ----------------------------------------------------------

RESULT_HEADER = ["BSN", "Inschrijvingsnummer", "Startdatum", "CROHO", "Vorm", "Fase"]


@pytest.mark.parametrize("column", ["Datum examen", "Examendatum", "Diplomadatum",
                                    "Diploma", "Resultaat", "Datum afstuderen", "Exam date",
                                    "Graduation date", "Diploma date"])
def test_a_result_date_column_is_recognised(column: str) -> None:
    samples = [[BSN, "1", "01-09-2021", "34479", "VT", "B", "30-06-2025"],
               [BSN, "2", "01-09-2024", "34479", "VT", "B", ""]]
    text = draft_mapping([*RESULT_HEADER, column], samples, "ho", "export.csv")
    mapping = tomllib.loads(text)
    assert mapping["records"]["resultaat"] == {"filled": column}
    assert mapping["fields"]["datumAfsluitendExamen"] == {"column": column,
                                                          "date": "DD-MM-YYYY"}


@pytest.mark.parametrize(("column", "values", "yes"), [
    ("Diploma behaald", ["J", "N", ""], ["J"]),
    ("Diploma", ["ja", "nee"], ["ja"]),
    ("Resultaat", ["Ja", "Nee", "ja"], ["Ja", "ja"]),
    ("Geslaagd", ["1", "0"], ["1"]),
    ("Graduated", ["Y", "N"], ["Y"]),
    ("Result", ["yes", "no"], ["yes"]),
    ("Diploma behaald (J/N)", ["J", "N"], ["J"]),
])
def test_a_yes_no_column_drafts_the_resultaat_condition(column: str, values: list[str],
                                                        yes: list[str]) -> None:
    samples = [[BSN, str(n), "01-09-2021", "34479", "VT", "B", "30-06-2025", value]
               for n, value in enumerate(values)]
    text = draft_mapping([*RESULT_HEADER, "Datum examen", column], samples, "ho", "export.csv")
    mapping = tomllib.loads(text)
    assert mapping["records"]["resultaat"] == {"column": column, "equals": yes}
    assert mapping["fields"]["datumAfsluitendExamen"]["column"] == "Datum examen"
    unused = [line for line in text.splitlines() if line.startswith("# Export columns not used")]
    assert not any(column in line for line in unused)


def test_mbo_diploma_flag_and_date(tmp_path: Path) -> None:
    samples = [[BSN, "1", "2023-08-01", "25180", "BOL", "2026-06-30", "J"]]
    text = draft_mapping(["BSN", "Inschrijvingsnummer", "Startdatum", "Crebo", "Leerweg",
                          "Datum examen", "Diploma behaald"], samples, "mbo", "export.csv")
    mapping = tomllib.loads(text)
    assert mapping["records"]["diploma"] == {"column": "Diploma behaald", "equals": ["J"]}
    assert mapping["fields"]["datumDiploma"]["column"] == "Datum examen"


def test_mbo_records_per_row() -> None:
    """A person, the enrolment and its period on every row; a BPV where a leerbedrijf is
    named; a diploma where there is a diploma date."""
    samples = [[BSN, "1", "01-08-2024", "31-07-2027", "25180", "BBL", "100018965",
                "2026-06-30"]]
    text = draft_mapping(["BSN", "Inschrijvingsnummer", "Startdatum", "Geplande einddatum",
                          "Crebo", "Leerweg", "Leerbedrijf", "Diplomadatum"], samples, "mbo",
                         "export.csv")
    mapping = tomllib.loads(text)
    assert mapping["records"] == {"persoon": "always", "inschrijving": "always",
                                  "inschrijvingsperiode": "always",
                                  "bpv": {"filled": "Leerbedrijf"},
                                  "diploma": {"filled": "Diplomadatum"}}
    # the period from the enrolment's start, the diploma's CREBO from the enrolment's
    assert mapping["fields"]["datumBeginPeriode"] == {"column": "Startdatum",
                                                      "date": "DD-MM-YYYY"}
    assert mapping["fields"]["opleidingcodeDiploma"] == "Crebo"
    assert "codeKeuzedeel" not in mapping["fields"]
    assert "TODO: required" not in text.split("# codeKeuzedeel = ", 1)[1]


def test_an_export_with_a_diploma_flag_builds_its_result_rows(tmp_path: Path) -> None:
    """Through the CLI: init drafts resultaat from 'Diploma behaald' and the date from 'Datum
    examen'; after setting only the BRIN, build writes exactly the flagged rows' results."""
    export = tmp_path / "export.csv"
    rows = [";".join([*RESULT_HEADER, "Einddatum", "Datum examen", "Diploma behaald",
                      "Geboortedatum", "Geslacht", "Vooropleiding"]),
            f"{BSN};1;01-09-2021;34479;VT;B;30-06-2025;30-06-2025;J;14-03-2003;V;vwo",
            f"{BSN};2;01-09-2024;34479;VT;P;;;N;14-03-2003;V;vwo",
            f"{BSN};3;01-09-2024;34479;DT;B;;;;14-03-2003;V;vwo"]
    export.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    text = with_brin(draft(export, "ho", tmp_path))
    assert "# resultaat" not in text and "TODO: no exam-date" not in text
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    report = tmp_path / "report.json"
    run = rodcli("build", export, "-m", mapping, "--sector", "ho", "-o", tmp_path / "bulk.csv",
                 "--format", "csv", "--report-format", "json", "--report", report)
    assert run.exit_code == 0, report.read_text("utf-8")
    records = [line.split(";")[0] for line in
               (tmp_path / "bulk.csv").read_text("utf-8").splitlines()[1:]]
    assert records.count("resultaat") == 1 and records.count("inschrijving") == 3


def test_every_listed_name_is_in_normal_form() -> None:
    for names in [*COLUMN_NAMES.values(), RESULT_COLUMN_NAMES]:
        assert all(name == normalise(name) for name in names)


def test_student_number_is_only_a_fallback_with_a_note() -> None:
    text = draft_mapping(["Studentnummer", "BSN"], [], "ho", "export.csv")
    line = next(line for line in text.splitlines() if line.startswith("inschrijvingvolgnummer"))
    assert '"Studentnummer"' in line and "unique per enrolment" in line
    text = draft_mapping(["Studentnummer", "Inschrijvingsnummer"], [], "ho", "export.csv")
    assert 'inschrijvingvolgnummer = "Inschrijvingsnummer"' in text
    assert "Export columns not used: Studentnummer" in text


# ---- TODO lines ---------------------------------------------------------------------------------


def test_todo_lines_for_what_cannot_be_guessed() -> None:
    header = ["BSN", "Naam", "Vorm"]
    samples: list[list[str | None]] = [[BSN, "Jansen", "VT"], [BSN, "Jansen", "Avond"]]
    text = draft_mapping(header, samples, "ho", "export.csv")
    lines = text.splitlines()
    assert 'brin = { value = "TODO" }   # TODO: your institution code (BRIN), e.g. "99XX"' in lines
    for required in ("inschrijvingvolgnummer", "datumInschrijving", "opleidingcode",
                     "opleidingsfase"):
        assert f'# {required} = "KOLOM"   # TODO: required; no matching column found' in lines
    assert '# postcode = "KOLOM"   # optional; no matching column found' in lines
    # required since BRO art. 18.1a and 5.4a were followed: the line says why
    assert ('# geboortedatum = "KOLOM"   # TODO: required (BRO art. 18.1a: for every student, '
            'BSN or not); no matching column found') in lines
    assert ('# vooropleiding = "KOLOM"   # TODO: required (BRO art. 5.4a); no matching column '
            'found') in lines
    vorm = next(line for line in lines if line.startswith("opleidingsvorm"))
    assert '"VT" = "VOLTIJD"' in vorm and vorm.endswith("# TODO: translate Avond")
    assert '# uitschrijving = { filled = "Einddatum" }   # TODO: no end-date column found' in lines
    assert "# Export columns not used: Naam" in lines
    assert 'inschrijvingsvorm = { value = "S" }' in text  # a default, with why


def test_unedited_draft_has_the_shape_of_a_mapping() -> None:
    text = draft_mapping(["BSN"], [], "ho", "export.csv")
    MappingFile.model_validate(tomllib.loads(text))


# ---- guessing from the sample -------------------------------------------------------------------


@pytest.mark.parametrize(("dates", "notation"), [
    (["31-08-2025", "1-9-2025"], "DD-MM-YYYY"),
    (["2025-08-31", "2025-09-01"], "YYYY-MM-DD"),
    (["20250831"], "YYYYMMDD"),
    (["31/08/2025"], "DD/MM/YYYY"),
    (["31.08.2025"], "DD.MM.YYYY"),
])
def test_date_notation_is_guessed(dates: list[str], notation: str) -> None:
    samples: list[list[str | None]] = [[date] for date in dates]
    text = draft_mapping(["Startdatum"], samples, "ho", "export.csv")
    assert f'datumInschrijving = {{ column = "Startdatum", date = "{notation}" }}' in text


def test_no_notation_when_the_sample_disagrees_or_has_date_cells() -> None:
    import datetime as dt

    text = draft_mapping(["Startdatum"], [["31-08-2025"], ["2025-09-01"]], "ho", "e.csv")
    assert 'datumInschrijving = "Startdatum"' in text
    text = draft_mapping(["Startdatum"], [[dt.datetime(2025, 9, 1)]], "ho", "e.xlsx")
    assert 'datumInschrijving = "Startdatum"' in text


def test_code_translations_are_guessed() -> None:
    samples: list[list[str | None]] = [["Voltijd", "Bachelor", "gestopt", "man"],
                                       ["deeltijd", "M", "diploma", "V"]]
    text = draft_mapping(["Vorm", "Fase", "Reden", "Geslacht"], samples, "ho", "e.csv")
    fields = tomllib.loads(text)["fields"]
    assert fields["opleidingsvorm"]["codes"] == {"Voltijd": "VOLTIJD", "deeltijd": "DEELTIJD"}
    assert fields["opleidingsfase"]["codes"] == {"Bachelor": "B"}  # "M" is a code already
    assert fields["redenUitschrijving"]["codes"] == {"gestopt": "9", "diploma": "1"}
    assert fields["geslacht"]["codes"] == {"man": "M"}


def test_rod_ho_codes_are_drafted_from_the_usual_words() -> None:
    """DUO's code beëindiging and aggregated vooropleiding codes, from an export's words."""
    reasons = ["Afsluitend examen", "Diploma behaald", "Gestopt", "BSA", "module afgerond", "03"]
    prior = ["havo", "vwo", "mbo 4", "Propedeuse HBO", "Buitenlands diploma", "21+", "onbekend"]
    samples: list[list[str | None]] = [[reason, prior[i % len(prior)]]
                                       for i, reason in enumerate(reasons)]
    samples += [[None, p] for p in prior]
    text = draft_mapping(["Reden", "Vooropleiding"], samples, "ho", "e.csv")
    fields = tomllib.loads(text)["fields"]
    assert fields["redenUitschrijving"]["codes"] == {
        "Afsluitend examen": "1", "Diploma behaald": "1", "Gestopt": "9", "BSA": "4",
        "module afgerond": "", "03": "3"}
    assert fields["vooropleiding"]["codes"] == {
        "havo": "00201", "vwo": "00401", "mbo 4": "00301", "Propedeuse HBO": "00601",
        "Buitenlands diploma": "00502", "21+": "00506", "onbekend": "00000"}
    # each drafted translation says what to check, and where to read about the codes
    assert "# check: 1 only with a full diploma" in text
    assert "rodcli explain vooropleiding" in text


def test_an_empty_translation_leaves_an_optional_field_out(tmp_path: Path) -> None:
    """"afgerond" = "" is accepted by the mapping: a finished module takes no reason."""
    export = tmp_path / "e.csv"
    export.write_text("Inschrijvingsnummer;BSN;Startdatum;CROHO;Vorm;Fase;Einddatum;Reden;"
                      "Geboortedatum;Geslacht;Vooropleiding\n"
                      f"1;{BSN};01-09-2025;34479;VT;B;31-01-2026;afgerond;14-03-2005;V;vwo\n",
                      encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(with_brin(draft(export, "ho", tmp_path)), encoding="utf-8")
    result = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "bulk.csv"))
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    rows = (tmp_path / "bulk.csv").read_text(encoding="utf-8").splitlines()
    deregistration = next(row for row in rows if row.startswith("uitschrijving;"))
    assert deregistration.endswith(";20260131;;")


def test_module_rows_are_told_apart_by_the_ects_column() -> None:
    records = tomllib.loads(draft_mapping(["ECTS", "Einddatum", "Examendatum"], [], "ho",
                                          "e.csv"))["records"]
    assert records == {"inschrijving": {"empty": "ECTS"}, "moduleInschrijving": {"filled": "ECTS"},
                       "uitschrijving": {"filled": "Einddatum"},
                       "resultaat": {"filled": "Examendatum"}}
    records = tomllib.loads(draft_mapping(["ECTS"], [], "mbo", "e.csv"))["records"]
    assert records == {"persoon": "always", "inschrijving": "always",
                       "inschrijvingsperiode": "always"}


# ---- [source] and the examples --------------------------------------------------------------


@pytest.mark.parametrize(("export", "sector", "source"), [
    ("ho_export.csv", "ho", {"encoding": "cp1252"}),
    ("ho_export.xlsx", "ho", {"sheet": "Export"}),
    ("mbo_export.csv", "mbo", {"delimiter": ","}),
])
def test_sniffed_source_is_written_down(tmp_path: Path, export: str, sector: str,
                                        source: dict[str, str]) -> None:
    text = draft(EXPORTS / export, sector, tmp_path)
    parsed = tomllib.loads(text)  # valid TOML
    MappingFile.model_validate(parsed)  # and the shape of a mapping
    assert parsed["source"] == source
    assert parsed["sector"] == sector


def test_draft_to_stdout(tmp_path: Path) -> None:
    run = rodcli("init", EXPORTS / "ho_export.csv", "--sector", "ho")
    assert run.exit_code == 0
    assert run.stdout.startswith("# rodcli mapping for ho_export.csv")
    tomllib.loads(run.stdout)
    assert list(tmp_path.iterdir()) == []


# ---- -o and --force -----------------------------------------------------------------------------


def test_output_is_not_replaced_without_force(tmp_path: Path) -> None:
    output = tmp_path / "mapping.toml"
    output.write_text("# my own edits\n", encoding="utf-8")
    run = rodcli("init", EXPORTS / "ho_export.csv", "--sector", "ho", "-o", output)
    assert run.exit_code == 2
    assert "--force" in run.stderr
    assert output.read_text(encoding="utf-8") == "# my own edits\n"
    run = rodcli("init", EXPORTS / "ho_export.csv", "--sector", "ho", "-o", output, "--force")
    assert run.exit_code == 0, run.output
    tomllib.loads(output.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.toml"]


def test_output_is_never_the_export(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes((EXPORTS / "ho_export.csv").read_bytes())
    before = export.read_bytes()
    run = rodcli("init", export, "--sector", "ho", "-o", export, "--force")
    assert run.exit_code == 2
    assert export.read_bytes() == before


def test_unreadable_export_gives_a_finding(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    run = rodcli("init", empty, "--sector", "ho", "-o", tmp_path / "m.toml")
    assert run.exit_code == 2
    assert "E004" in run.stdout
    assert not (tmp_path / "m.toml").exists()


# ---- valid TOML whatever the export says --------------------------------------------------------


def test_draft_is_valid_toml_for_ordinary_names() -> None:
    header = ["Inschrijvingsnummer", "BSN", "Start datum", "CROHO", "Vorm (VT/DT)", "Fase",
              "Opmerking: 'vrij'", "Naam\\Achternaam"]
    text = draft_mapping(header, [["1", BSN, "01-09-2025", "34479", "VT", "B", "x", "y"]],
                         "ho", "export 'ë'.csv")
    tomllib.loads(text)


@pytest.mark.parametrize(("header", "sample"), [
    (["BSN", "Start\ndatum"], [BSN, "01-09-2025"]),
    (["BSN", 'CROHO "code"'], [BSN, "34479"]),
    (["BSN", "Vorm"], [BSN, '"VT"']),
    (["BSN", "Reden"], [BSN, "gestopt\nwegens verhuizing"]),
], ids=["line-break-in-header", "quote-in-header", "quote-in-value", "line-break-in-value"])
def test_draft_is_valid_toml_for_any_header_or_value(header: list[str],
                                                     sample: list[str | None]) -> None:
    tomllib.loads(draft_mapping(header, [sample], "ho", "export.csv"))


def test_xlsx_with_wrapped_header_cell(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Inschrijvingsnummer", "BSN", "Start\ndatum", "CROHO", "Vorm", "Fase",
                  "Geboortedatum", "Geslacht", "Vooropleiding"])
    sheet.append(["1", BSN, "01-09-2025", 34479, "VT", "B", "14-03-2005", "V", "vwo"])
    export = tmp_path / "export.xlsx"
    workbook.save(export)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(with_brin(draft(export, "ho", tmp_path)), encoding="utf-8")
    result = build(export, BuildOptions(mapping, "ho", "xml", tmp_path / "bulk.xml"))
    assert exit_code(result, Severity.ERROR) == 0, result.findings
