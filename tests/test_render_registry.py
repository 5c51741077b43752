"""``--format`` and ``--output``: every format has a renderer, renderers are pure, and a report
written to a file is the renderer's text, put in place atomically, with the summary on stderr."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ENROLMENT, write_bulk
from rodcli.atomic import write_atomically
from rodcli.cli import RENDERERS, OutputFormat, app
from rodcli.codes import LANGS, Lang
from rodcli.findings import FileReport, Location, Result, make_finding
from rodcli.pipeline import ValidateOptions, validate_files


def invalid_rows() -> list[dict[str, str]]:
    return [
        ENROLMENT,
        {**ENROLMENT, "inschrijvingvolgnummer": "2", "datumInschrijving": "20241301"},
        {"recordtype": "uitschrijving", "brin": "99XX", "burgerservicenummer": "111222333",
         "inschrijvingvolgnummer": "9", "datumUitschrijving": "20250831"},
    ]


def sample_result() -> Result:
    result = Result(files=[FileReport("a.csv", "csv", "ho", "utf-8", 3)])
    result.add(make_finding("F003", Location("a.csv", 3, 36, "datumInschrijving",
                                             "99XX/*****2333/2"),
                            name="datumInschrijving", value="20241301"))
    result.add(make_finding("R006", Location("a.csv", 4, None, None, "99XX/*****2333/9")))
    return result


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(OutputFormat)


@pytest.mark.parametrize("output_format", list(OutputFormat))
@pytest.mark.parametrize("lang", LANGS)
def test_renderers_are_pure_and_return_text(output_format: OutputFormat, lang: Lang) -> None:
    result = sample_result()
    first = RENDERERS[output_format](result, lang)
    assert isinstance(first, str) and first.endswith("\n")
    assert RENDERERS[output_format](result, lang) == first
    assert result.total == 2 and len(result.findings) == 2  # the Result is not changed


def test_plain_text_has_no_colour_codes() -> None:
    text = RENDERERS[OutputFormat.text](sample_result(), "en")
    assert "\x1b[" not in text
    assert text.startswith("a.csv:3:36: F003 ")


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_output_file_holds_the_report_and_stderr_the_summary(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    output_format: OutputFormat,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_bulk(tmp_path / "bulk.csv", invalid_rows())
    run = runner.invoke(app, ["validate", "bulk.csv", "--format", output_format.value,
                              "--output", "report.out", "--lang", "en"],
                        catch_exceptions=False)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert "1 error, 1 warning, 0 notes in 1 file" in run.stderr
    expected = RENDERERS[output_format](
        validate_files([Path("bulk.csv")], ValidateOptions()), "en")
    assert (tmp_path / "report.out").read_text(encoding="utf-8") == expected
    assert sorted(os.listdir(tmp_path)) == ["bulk.csv", "report.out"]  # no temp file left


@pytest.mark.parametrize("output_format", [f for f in OutputFormat if f is not OutputFormat.text])
def test_stdout_gets_the_report_without_output(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    output_format: OutputFormat,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_bulk(tmp_path / "bulk.csv", [ENROLMENT])
    run = runner.invoke(app, ["validate", "bulk.csv", "--format", output_format.value, "-q"],
                        catch_exceptions=False)
    assert run.exit_code == 0
    assert run.stderr == ""
    expected = RENDERERS[output_format](
        validate_files([Path("bulk.csv")], ValidateOptions()), "nl")
    assert run.stdout == expected


def test_output_replaces_an_existing_report(runner: CliRunner, tmp_path: Path) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", [ENROLMENT])
    report = tmp_path / "report.json"
    report.write_text("old report", encoding="utf-8")
    run = runner.invoke(app, ["validate", str(bulk), "--format", "json", "-o", str(report)],
                        catch_exceptions=False)
    assert run.exit_code == 0
    assert report.read_text(encoding="utf-8").startswith("{")
    assert sorted(os.listdir(tmp_path)) == ["bulk.csv", "report.json"]


def test_unwritable_output_is_no_verdict(runner: CliRunner, tmp_path: Path) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", [ENROLMENT])
    target = tmp_path / "missing" / "report.sarif"
    run = runner.invoke(app, ["validate", str(bulk), "--format", "sarif", "-o", str(target)],
                        catch_exceptions=False)
    assert run.exit_code == 2
    assert "cannot write" in run.stderr
    assert not target.parent.exists()


def test_output_never_overwrites_an_input(runner: CliRunner, tmp_path: Path) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", invalid_rows())
    before = bulk.read_bytes()
    run = runner.invoke(app, ["validate", str(bulk), "--output", str(bulk)],
                        catch_exceptions=False)
    assert run.exit_code == 2
    assert bulk.read_bytes() == before


def test_atomic_write_leaves_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.xml"
    target.write_text("old", encoding="utf-8")

    def broken_replace(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["report.xml"]


def test_atomic_write_keeps_text_byte_exact(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_atomically(target, "één\nline\r\n")
    assert target.read_bytes() == "één\nline\r\n".encode()
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


@pytest.mark.parametrize("option", ["--with", "--schema"])
def test_output_never_overwrites_a_context_file(
    runner: CliRunner, tmp_path: Path, option: str
) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", [ENROLMENT])
    other = tmp_path / "other.file"
    other.write_text("keep me", encoding="utf-8")
    run = runner.invoke(app, ["validate", str(bulk), option, str(other), "-o", str(other)],
                        catch_exceptions=False)
    assert run.exit_code == 2
    assert other.read_text(encoding="utf-8") == "keep me"
