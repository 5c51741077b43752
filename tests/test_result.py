"""A run's Result counts every finding and, past the cap, keeps the first ones in the input:
whatever order they come in (one process or several; cross-record findings in hash order)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from rodcli.findings import Location, Result, make_finding

_CODES = ("F002", "F007", "R002", "R006", "X001")


def _finding(file: str, line: int, column: int | None, code: str):  # type: ignore[no-untyped-def]
    return make_finding(code, Location(file, line, column, "brin", "99XX/*****2333/1"),
                        field="brin", value="x", expected="", record_type="inschrijving",
                        label="brin", name="brin", valuelist="", reason="", other_line=1,
                        found="", begin="", end="", date="")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("a.csv", "b.csv")), st.integers(1, 60),
                          st.none() | st.integers(1, 9), st.sampled_from(_CODES)),
                max_size=120),
       st.integers(0, 40), st.integers(0, 2**32))
def test_the_kept_findings_do_not_depend_on_the_order_they_come_in(
        places: list[tuple[str, int, int | None, str]], cap: int, seed: int) -> None:
    findings = [_finding(*place) for place in dict.fromkeys(places)]
    in_order = Result(max_findings=cap)
    in_order.extend(sorted(findings, key=lambda finding: finding.sort_key()))
    shuffled = list(findings)
    random.Random(seed).shuffle(shuffled)
    halves = Result(max_findings=cap)
    halves.extend(shuffled[:len(shuffled) // 2])
    rest = Result(max_findings=cap)
    rest.extend(shuffled[len(shuffled) // 2:])
    halves.absorb(rest)
    first = sorted(findings, key=lambda finding: finding.sort_key())[:cap or None]
    for result in (in_order, halves):
        assert result.total == len(findings)
        assert result.sorted_findings() == first
    assert halves.code_counts == in_order.code_counts
    assert halves.truncated == (0 < cap < len(findings))
