"""Bad input that used to end in "rodcli internal error" (issue 16): a mapping nested 100k
deep, codecs that do not turn bytes into text, half a UTF-16 pair from a UTF-7 export, and a
full temporary folder. Each is now a finding that says what is wrong, exit 1 or 2."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import large_bulk_csv as _large_csv
from rodcli.cli import app
from test_faults import MAPPING, write_export
from test_hostile_xml import Run, run_rodcli


def assert_no_internal_error(run: Run) -> None:
    assert run.killed is None
    assert "internal error" not in run.stderr, run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    write_export(tmp_path / "export.csv", 5, bad=1)
    return tmp_path


def build_args(work: Path, mapping: Path | None = None, *extra: object) -> list[object]:
    return ["build", work / "export.csv", "-m", mapping or work / "mapping.toml", "--sector",
            "ho", "-o", work / "bulk.xml", *extra]


@pytest.mark.parametrize("nesting", ["array", "table"])
def test_a_mapping_nested_100k_deep_is_refused(work: Path, nesting: str) -> None:
    deep = ("x = " + "[" * 100_000 + "]" * 100_000 if nesting == "array"
            else "x = " + "{a = " * 100_000 + "1" + "}" * 100_000)
    mapping = work / "deep.toml"
    mapping.write_text(MAPPING + deep + "\n", encoding="utf-8")
    run = run_rodcli(*build_args(work, mapping))
    assert_no_internal_error(run)
    assert run.code == 2 and "M001" in run.stdout and "nested" in run.stdout, run.stdout


@pytest.mark.parametrize("codec", ["rot13", "zlib", "base64", "idna", "undefined",
                                   "unicode_escape", "hex"])
@pytest.mark.parametrize("where", ["--encoding", "mapping", "init"])
def test_a_codec_that_is_no_text_encoding_is_refused(work: Path, codec: str,
                                                      where: str) -> None:
    # in-process (fast); an exception would end the test
    if where == "init":
        args = ["init", work / "export.csv", "--sector", "ho", "--encoding", codec]
    elif where == "--encoding":
        args = build_args(work, None, "--encoding", codec)
    else:
        mapping = work / "codec.toml"
        mapping.write_text(MAPPING + f'\n[source]\nencoding = "{codec}"\n', encoding="utf-8")
        args = build_args(work, mapping)
    run = CliRunner().invoke(app, [str(arg) for arg in args], catch_exceptions=False)
    assert run.exit_code == 2, run.stdout
    assert "E011" in run.stdout, run.stdout
    assert not (work / "bulk.xml").exists()


@pytest.mark.parametrize("report_format", ["text", "json", "sarif", "github", "junit"])
def test_half_a_utf16_pair_from_utf7_reaches_no_report_as_a_crash(work: Path,
                                                                   report_format: str) -> None:
    """"+2Dw-" is UTF-7 for a lone high surrogate: before, --rejects and the reports
    crashed on writing it."""
    text = (work / "export.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].rsplit(";", 1)[0] + ";+2Dw-x"  # the CROHO cell: rejected, shown
    (work / "export.csv").write_bytes(("\n".join(lines) + "\n").encode("ascii"))
    rejects = work / "rejects.csv"
    run = run_rodcli(*build_args(work, None, "--encoding", "utf-7", "--rejects", rejects,
                                 "--report-format", report_format))
    assert_no_internal_error(run)
    assert run.code == 1, (run.stdout, run.stderr)
    assert "\ufffdx" in rejects.read_text(encoding="utf-8-sig")
    assert (work / "bulk.xml").exists()


# ---- a full temporary folder -------------------------------------------------------------------


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_validate_needs_no_temporary_folder(tmp_path: Path) -> None:
    """Before: sqlite3.OperationalError on a full TMPDIR. Validate's key table is in memory
    now: a full temporary folder does not stop it."""
    with tiny_tmpfs(tmp_path / "tmp", "256k") as temporary:
        run = run_rodcli("validate", _large_csv(tmp_path / "bulk.csv"), "-q", timeout=120,
                         env={"TMPDIR": str(temporary)})
        assert_no_internal_error(run)
        assert run.code == 0, (run.stdout, run.stderr)


@pytest.mark.parametrize("command", ["build", "compare"])
def test_a_full_temporary_folder_is_a_finding(tmp_path: Path, command: str) -> None:
    """Before: "cannot write the report" (build), sqlite3.OperationalError (compare). A
    CSV output's records are spooled in the temporary folder."""
    with tiny_tmpfs(tmp_path / "tmp", "256k") as temporary:
        if command == "compare":
            bulk = _large_csv(tmp_path / "bulk.csv")
            args: list[object] = ["compare", bulk, bulk]
        else:
            (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
            export = write_export(tmp_path / "export.csv", 30_000)
            args = ["build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho", "-o",
                    tmp_path / "bulk.csv", "--format", "csv", "-j", "1"]
        run = run_rodcli(*args, "--lang", "en", timeout=120, env={"TMPDIR": str(temporary)})
        assert_no_internal_error(run)
        assert run.code == 2, (run.stdout, run.stderr)
        assert "I022" in run.stdout and str(temporary) in run.stdout, run.stdout
        assert "TMPDIR" in run.stdout and "MiB" in run.stdout, run.stdout
        if command == "build":
            assert not (tmp_path / "bulk.csv").exists()


def test_build_to_xml_needs_no_temporary_folder(tmp_path: Path) -> None:
    """A large export's XML records are spooled into the output's own pending file, not the
    temporary folder: a full temporary folder does not stop the build, and the file is
    valid."""
    from lxml import etree

    from rodcli.bulkformat.xsd import builtin_schema, secure_parser

    with tiny_tmpfs(tmp_path / "tmp", "256k") as temporary:
        (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
        export = write_export(tmp_path / "export.csv", 30_000)
        output = tmp_path / "bulk.xml"
        run = run_rodcli("build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho",
                         "-o", output, "-j", "1", "-q", timeout=120,
                         env={"TMPDIR": str(temporary)})
        assert_no_internal_error(run)
        assert run.code == 0, (run.stdout, run.stderr)
    assert builtin_schema("ho").validate(etree.parse(str(output), secure_parser()))


def test_every_report_format_writes_half_a_utf16_pair_as_an_escape() -> None:
    """The net behind the readers: whatever text reaches a finding can be written as UTF-8."""
    from rodcli.cli import RENDERERS
    from rodcli.findings import Location, Result, make_finding

    result = Result()
    result.add(make_finding("F002", Location("f.csv", 2, 3, "postcode"), field="postcode",
                            value="a\ud83cb", label="postcode", name="postcode", expected=""))
    for render in RENDERERS.values():
        text = render(result, "en")
        text.encode("utf-8")
        assert "\\ud83c" in text.replace("\\\\", "\\")
