"""The public Python API: what the command line does, for a school's own scripts and tools.

Every function checks through the one engine (``rodcli.engine``), never prints and never
exits; it returns a ``Result`` (or, for ``compare``, a ``Comparison`` holding one). Paths may
be given as ``str`` or ``Path``. See docs/api.md for examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rodcli.findings import Result, Severity
from rodcli.findings import exit_code as _exit_code

if TYPE_CHECKING:
    from rodcli.comparison import Comparison

PathLike = str | os.PathLike[str]
Sector = Literal["ho", "mbo"]


def _paths(paths: PathLike | Sequence[PathLike]) -> list[Path]:
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    return [Path(path) for path in paths]


def validate(paths: PathLike | Sequence[PathLike], *, sector: Sector | None = None,
             schema: PathLike | None = None, with_files: Sequence[PathLike] = (),
             max_findings: int = 1000) -> Result:
    """Check ROD bulk files (XML or CSV, detected from their content), as ``rodcli
    validate`` does. ``with_files`` are earlier deliveries whose records count for the
    cross-record rules; ``max_findings`` caps the findings kept (0: all), never the counts."""
    from rodcli.pipeline import ValidateOptions, validate_files

    options = ValidateOptions(sector=sector, schema=Path(schema) if schema else None,
                              with_files=tuple(_paths(with_files)) if with_files else (),
                              max_findings=max_findings)
    return validate_files(_paths(paths), options)


def build(export: PathLike, *, mapping: PathLike, sector: Sector, output: PathLike,
          output_format: Literal["xml", "csv"] = "xml", rejects: PathLike | None = None,
          force: bool = False, since: Sequence[PathLike] = (), delimiter: str | None = None,
          encoding: str | None = None, sheet: str | None = None, max_findings: int = 1000,
          lang: Literal["nl", "en"] = "nl",
          on_progress: Callable[[int], None] | None = None) -> Result:
    """Turn an administration export into a bulk file through a mapping, as ``rodcli
    build`` does: written atomically, and only when no row has an error (or with
    ``rejects``, where the failing rows go). ``Result.build`` says what happened to the
    rows."""
    from rodcli.builder import BuildOptions
    from rodcli.builder import build as run_build

    options = BuildOptions(
        mapping=Path(mapping), sector=sector, output_format=output_format, output=Path(output),
        rejects=Path(rejects) if rejects else None, force=force,
        since=tuple(_paths(since)) if since else (), delimiter=delimiter, encoding=encoding,
        sheet=sheet, max_findings=max_findings, lang=lang)
    return run_build(Path(export), options, on_progress)


def compare(ours: PathLike, theirs: PathLike, *, mapping: PathLike | None = None,
            their_mapping: PathLike | None = None, sector: Sector | None = None,
            max_findings: int = 1000) -> Comparison:
    """"Gegevens vergelijken": the school's records (OURS) beside what ROD holds (THEIRS),
    as ``rodcli compare`` does. ``Comparison.agree`` says whether they agree;
    ``Comparison.result`` holds the differences as findings (C codes)."""
    from rodcli.comparison import CompareOptions
    from rodcli.comparison import compare as run_compare

    return run_compare(CompareOptions(
        ours=Path(ours), theirs=Path(theirs), mapping=Path(mapping) if mapping else None,
        their_mapping=Path(their_mapping) if their_mapping else None, sector=sector,
        max_findings=max_findings))


def exit_code(result: Result, fail_on: Literal["warning", "error"] = "error") -> int:
    """The command line's exit code for a result: 0 nothing at or above ``fail_on``, 1
    findings at or above it, 2 no verdict (a file that could not be judged)."""
    return _exit_code(result, Severity.parse(fail_on))
