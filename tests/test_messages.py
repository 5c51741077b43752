"""Messages as a user reads them, in Dutch and in English (issue 14).

No place said twice (I004 "line 23, line 23, column 44"), no option syntax instead of words
(E001 "(--encoding / [source])"), no "1 lege rijen", no English inside a Dutch message where
rodcli wrote the words itself, and a catalogue whose every entry reads in one language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from rodcli.cli import app
from rodcli.codes import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def test_i004_says_the_place_once() -> None:
    path = ROOT / "examples" / "invalid" / "xml_not_well_formed.xml"
    for lang in ("nl", "en"):
        line = rodcli("validate", path, "--lang", lang).stdout.splitlines()[0]
        assert line.startswith(f"{path}:23:44: I004 ")
        assert "column 44" not in line and not re.search(r"line 23.*line 23", line), line


def test_readme_build_says_how_the_encoding_was_chosen_in_words(tmp_path: Path) -> None:
    """The README's first command: the only finding is a note that reads as a sentence, and
    the summary counts its one blank row as one."""
    output = tmp_path / "ho_bulk.xml"
    run = rodcli("build", EXPORTS / "ho_export.csv", "--mapping", EXPORTS / "ho_mapping.toml",
                 "--sector", "ho", "--format", "xml", "-o", output)
    assert run.exit_code == 0
    assert "(--encoding / [source])" not in run.stdout
    assert "E001 Export gelezen als cp1252, zoals opgegeven (--encoding, of encoding in " \
           "[source] van de mapping)" in run.stdout
    assert "28 rijen gelezen = 28 goed + 0 afgewezen (1 lege rij overgeslagen); " \
           "35 records geschreven" in run.stderr
    assert "0 fouten, 0 waarschuwingen, 1 melding in 1 bestand" in run.stderr
    english = rodcli("build", EXPORTS / "ho_export.csv", "--mapping", EXPORTS / "ho_mapping.toml",
                     "--sector", "ho", "-o", output, "--force", "--lang", "en")
    assert "E001 Export read as cp1252, as given (--encoding, or encoding in the mapping's " \
           "[source])" in english.stdout
    assert "(1 blank row skipped)" in english.stderr
    assert "0 errors, 0 warnings, 1 note in 1 file" in english.stderr
    valid = rodcli("validate", output)
    assert valid.exit_code == 0
    assert f"{output}: xml ho, 35 records, codering utf-8" in valid.stderr


@pytest.mark.parametrize(("count", "nl", "en"), [
    (1, "1 rij gelezen", "1 row read"), (2, "2 rijen gelezen", "2 rows read")])
def test_counts_in_singular_and_plural(tmp_path: Path, count: int, nl: str, en: str) -> None:
    header, *rows = (EXPORTS / "ho_export.csv").read_bytes().split(b"\r\n")
    export = tmp_path / "export.csv"
    export.write_bytes(b"\r\n".join([header, *rows[:count]]) + b"\r\n")
    for lang, text in (("nl", nl), ("en", en)):
        run = rodcli("build", export, "-m", EXPORTS / "ho_mapping.toml", "--sector", "ho",
                     "-o", tmp_path / "bulk.xml", "--force", "--lang", lang)
        assert text in run.stderr, run.stderr
        assert "(0 " in run.stderr  # no blank rows here: "0 lege rijen", "0 blank rows"


def test_r002_of_one_export_row_does_not_point_at_its_own_line(tmp_path: Path) -> None:
    """An export row that yields an enrolment and its deregistration: not "(regel 10)" on
    line 10."""
    broken = EXPORTS / "ho_export_broken.csv"
    for lang, text in (("nl", "ligt voor datum inschrijving 2025-09-01  ["),
                       ("en", "is before enrolment date 2025-09-01  [")):
        run = rodcli("build", broken, "-m", EXPORTS / "ho_mapping.toml", "--sector", "ho",
                     "-o", tmp_path / "bulk.xml", "--lang", lang)
        line = next(line for line in run.stdout.splitlines() if " R002 " in line)
        assert line.startswith(f"{broken}:10: R002 ") and text in line, line


def test_mapping_shape_problems_in_dutch(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('sector = "hbo"\n[records]\ninschrijving = "altijd"\n[fields]\n'
                       'brin = { value = "99XX", seperator = ";" }\n', encoding="utf-8")
    run = rodcli("build", EXPORTS / "ho_export.csv", "-m", mapping, "--sector", "ho",
                 "-o", tmp_path / "bulk.xml")
    assert run.exit_code == 2
    assert "M003 Mapping-onderdeel 'sector' is ongeldig: verwacht 'ho' of 'mbo'" in run.stdout
    assert "is ongeldig: onbekende sleutel (een tikfout?)" in run.stdout
    # one finding per key, not one per branch of "a text or a table"
    assert "'records.inschrijving' is ongeldig: verwacht 'always' of een tabel ({ ... })" \
        in run.stdout
    assert run.stdout.count(" M003 ") == 3
    assert "Input should" not in run.stdout and "Extra inputs" not in run.stdout


# Words that give away English in a Dutch text (and the reverse), as whole words.
ENGLISH = re.compile(r"\b(the|is not|not|with|without|expected|must|should|and|or|of the)\b")
DUTCH = re.compile(r"\b(het|de|niet|zonder|verwacht|moet|en|van|een)\b")
# Terms that are the same in both languages: DUO's field names and Dutch institutions' words.
SHARED = re.compile(r"'[^']*'|\{[^}]*\}|--[a-z-]+|[a-z]+[A-Z][A-Za-z]*|rodcli [a-z]+|"
                    r"\b(Loket|ROD|BRP|RIO|DUO|onderwijsnummer|inschrijvingvolgnummer|"
                    r"opleidingsfase|opleidingscode|onderwijslocatie|Opleidingscode|"
                    r"Onderwijslocatie|Onderwijsnummer|Burgerservicenummer|burgerservicenummer|"
                    r"Studielast|datum afsluitend examen|ho|mbo|CSV UTF-8|bulk v1)\b")


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_catalogue_entry_reads_in_one_language(code: str) -> None:
    info = CATALOGUE[code]
    for text in (info.title.nl, info.message.nl, info.hint.nl):
        found = ENGLISH.findall(SHARED.sub("", text))
        assert not found, f"{code} nl: {text!r} has {found}"
    for text in (info.title.en, info.message.en, info.hint.en):
        found = DUTCH.findall(SHARED.sub("", text))
        assert not found, f"{code} en: {text!r} has {found}"
