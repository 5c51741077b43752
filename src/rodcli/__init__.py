"""rodcli: bulk files for DUO's Register Onderwijsdeelnemers (ROD).

The public API (docs/api.md)::

    import rodcli

    result = rodcli.validate("bulk.xml")
    for finding in result.findings:
        print(finding.code, finding.location.line, finding.message("en"))

Its names are imported on first use, so ``rodcli --version`` and a pre-commit hook start
fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "Finding",
    "Location",
    "Result",
    "Severity",
    "__version__",
    "build",
    "compare",
    "exit_code",
    "validate",
]

if TYPE_CHECKING:
    from rodcli.api import build, compare, exit_code, validate
    from rodcli.comparison import Comparison
    from rodcli.findings import Finding, Location, Result, Severity

_HOMES = {"build": "rodcli.api", "compare": "rodcli.api", "exit_code": "rodcli.api",
          "validate": "rodcli.api", "Comparison": "rodcli.comparison",
          "Finding": "rodcli.findings", "Location": "rodcli.findings",
          "Result": "rodcli.findings", "Severity": "rodcli.findings"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rodcli' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
