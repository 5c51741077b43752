"""``--format html``: a self-contained page that escapes every input, masks personal numbers,
states the verdict and the counts, and says when --max-findings cut the list.

These tests read the page's DOM with lxml; tests/test_html_browser.py opens it in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from conftest import BSN, inschrijving, make_bsn, module_inschrijving, uitschrijving, write_csv
from rodcli.cli import app
from rodcli.findings import Result
from rodcli.render.html import CONTENT_SECURITY_POLICY, render_html

runner = CliRunner(env={"RODCLI_LANG": None, "RODCLI_DEBUG": None})
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def rodcli(*args: object) -> tuple[int, str]:
    run = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
    return run.exit_code, run.stdout


def page(text: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(text)


def visible_text(document: lxml_html.HtmlElement, css_id: str) -> str:
    return " ".join(document.get_element_by_id(css_id).text_content().split())


def rows(document: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return document.xpath("//section[contains(@class, 'group')]//tbody/tr")


# ---- self-contained and inert ----------------------------------------------------------------


def test_page_loads_nothing_and_runs_only_its_own_script(tmp_path: Path) -> None:
    bulk = write_csv(tmp_path, [inschrijving(brin="9XX")])
    code, text = rodcli("validate", bulk, "--format", "html")
    assert code == 1
    document = page(text)
    # nothing fetched: no external stylesheet, script, image, font or frame
    assert document.xpath("//link | //img | //iframe | //object | //embed") == []
    assert document.xpath("//script[@src]") == []
    assert not re.search(r"https?://|@import|url\(", text)
    # the policy forbids any fetch and allows only the one inline script, by its hash
    scripts = document.xpath("//script")
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].text.encode()).digest()).decode()
    policy = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == [CONTENT_SECURITY_POLICY]
    assert "default-src 'none'" in policy[0] and f"'sha256-{digest}'" in policy[0]


def test_everything_from_the_input_is_escaped(tmp_path: Path) -> None:
    """A field value ``<script>`` and a file name with markup stay text, never markup."""
    hostile = "<script>alert(1)</script>"
    name = '<img src=x onerror="alert(2)">.csv'
    bulk = write_csv(tmp_path, [inschrijving(opleidingsvorm=hostile,
                                             onderwijseenheidcode='"><b>bold</b>')], name=name)
    code, text = rodcli("validate", bulk, "--format", "html", "--lang", "en")
    assert code == 1
    assert hostile not in text and "<img src=x" not in text and "<b>bold" not in text
    document = page(text)
    assert len(document.xpath("//script")) == 1  # only the page's own
    assert document.xpath("//img | //b[text()='bold']") == []
    cells = [cell.text_content() for cell in document.xpath("//td")]
    assert any(hostile in cell for cell in cells)  # shown as text, as written
    assert str(tmp_path / name) in cells


def test_personal_numbers_are_masked_and_the_page_says_so(tmp_path: Path) -> None:
    other = make_bsn("30495867")
    bulk = write_csv(tmp_path, [inschrijving(brin="9XX"),
                                inschrijving(burgerservicenummer=other, opleidingsvorm="X")])
    _, text = rodcli("validate", bulk, "--format", "html", "--lang", "en")
    assert BSN not in text and other not in text
    assert f"*****{other[-4:]}" in text
    assert "holds no full BSN or onderwijsnummer" in text


# ---- verdict, counts, groups -----------------------------------------------------------------


def test_invalid_example_shows_verdict_counts_and_grouped_findings() -> None:
    code, text = rodcli("validate", EXAMPLES / "invalid" / "ho_rows.csv", "--format", "html",
                        "--lang", "en")
    assert code == 1
    document = page(text)
    assert visible_text(document, "verdict") == "Not in order: 2 error(s) to fix first."
    assert [visible_text(document, f"count-{s}") for s in ("error", "warning", "info")] == [
        "2", "0", "0"]
    groups = document.xpath("//section[contains(@class, 'group')]")
    assert [group.get("data-code") for group in groups] == ["I010", "I011"]
    assert "Column count" in groups[0].xpath("./h2")[0].text_content()
    assert "Check separators" in groups[0].text_content()  # the fix, from the catalogue
    assert [(row.get("data-code"), row.xpath("./td")[1].text_content()) for row in
            rows(document)] == [("I010", "4"), ("I011", "3")]
    record = rows(document)[1].xpath("./td")[4].text_content()
    assert record == "99XX/*****7517/2025-0203"


@pytest.mark.parametrize(("rows_", "css", "sentence"), [
    ([inschrijving()], "v-ok", "In order: no errors or warnings."),
    ([uitschrijving()], "v-warning", "In order, with 1 warning(s) to look at."),
])
def test_verdict_without_errors(tmp_path: Path, rows_: list[dict[str, object]], css: str,
                                sentence: str) -> None:
    bulk = write_csv(tmp_path, rows_)
    _, text = rodcli("validate", bulk, "--format", "html", "--lang", "en")
    verdict = page(text).get_element_by_id("verdict")
    assert verdict.text_content() == sentence and css in verdict.get("class")


def test_no_verdict_for_a_missing_file(tmp_path: Path) -> None:
    code, text = rodcli("validate", tmp_path / "missing.csv", "--format", "html")
    assert code == 2
    assert page(text).get_element_by_id("verdict").text_content().startswith("Geen oordeel")


def test_dutch_and_english(tmp_path: Path) -> None:
    bulk = write_csv(tmp_path, [inschrijving(brin="9XX")])
    dutch, english = (page(rodcli("validate", bulk, "--format", "html", "--lang", lang)[1])
                      for lang in ("nl", "en"))
    assert dutch.get("lang") == "nl" and english.get("lang") == "en"
    assert visible_text(dutch, "verdict").startswith("Niet in orde")
    assert "Oplossing:" in dutch.text_content() and "Fix:" in english.text_content()


def test_max_findings_cut_is_stated_with_exact_counts(tmp_path: Path) -> None:
    bulk = write_csv(tmp_path, [inschrijving(brin="9XX", inschrijvingvolgnummer=str(n))
                                for n in range(5)])
    _, text = rodcli("validate", bulk, "--format", "html", "--lang", "en",
                     "--max-findings", "2")
    document = page(text)
    assert visible_text(document, "count-error") == "5"
    assert len(rows(document)) == 2
    assert visible_text(document, "truncated").startswith("List cut: 2 of 5 findings shown")
    group = document.xpath("//section[@data-code]")[0]
    assert "(5)" in group.xpath("./h2")[0].text_content()
    assert "2 of 5 shown (--max-findings)" in group.text_content()
    _, whole = rodcli("validate", bulk, "--format", "html", "--max-findings", "0")
    assert len(rows(page(whole))) == 5 and 'id="truncated"' not in whole


def test_empty_result_renders() -> None:
    document = page(render_html(Result(), "en"))
    assert visible_text(document, "verdict") == "In order: no errors or warnings."
    assert rows(document) == []


# ---- build and compare -----------------------------------------------------------------------


def test_build_report_names_the_export_column(tmp_path: Path) -> None:
    code, text = rodcli(
        "build", EXAMPLES / "exports" / "ho_export_broken.csv",
        "-m", EXAMPLES / "exports" / "ho_mapping.toml", "--sector", "ho",
        "-o", tmp_path / "bulk.xml", "--report-format", "html", "--lang", "en", "-q")
    assert code == 1
    document = page(text)
    assert "29 rows read = 23 accepted + 6 rejected" in visible_text(document, "build")
    group = document.get_element_by_id("code-F003")
    headings = [th.text_content() for th in group.xpath(".//th")]
    assert "export column" in headings
    row = group.xpath(".//tbody/tr")[0]
    cells = dict(zip(headings, (td.text_content() for td in row.xpath("./td")), strict=False))
    assert cells["field"] == "datumInschrijving" and cells["export column"] == "Startdatum"


def test_compare_side_by_side_with_changes_highlighted(tmp_path: Path) -> None:
    ours = write_csv(tmp_path, [module_inschrijving(onderwijseenheidcode="MOD-1"),
                                inschrijving(inschrijvingvolgnummer="7")], name="school.csv")
    theirs = write_csv(tmp_path, [module_inschrijving(onderwijseenheidcode="MOD-2")],
                       name="rod.csv")
    code, text = rodcli("compare", ours, theirs, "--format", "html", "--lang", "en")
    assert code == 1
    document = page(text)
    assert visible_text(document, "verdict") == "School and ROD differ: 2 difference(s)."
    assert [td.text_content() for td in document.xpath("//tr[@id='sum-records']/td")] == [
        "2", "1"]
    row = document.xpath("//tr[@data-code='C003']")[0]
    school, rod = row.xpath("./td[contains(@class, 'side-school')]")[0], row.xpath(
        "./td[contains(@class, 'side-rod')]")[0]
    assert (school.text_content(), rod.text_content()) == ("MOD-1", "MOD-2")
    assert [mark.text for mark in school.xpath(".//mark")] == ["1"]
    assert [mark.text for mark in rod.xpath(".//mark")] == ["2"]
    assert document.xpath("//tr[@data-code='C001']")
    assert BSN not in text


def test_compare_cut_per_code_is_stated_with_exact_counts(tmp_path: Path) -> None:
    ours = write_csv(tmp_path, [inschrijving(inschrijvingvolgnummer=str(n)) for n in range(3)],
                     name="school.csv")
    theirs = write_csv(tmp_path, [inschrijving(inschrijvingvolgnummer="0")], name="rod.csv")
    _, text = rodcli("compare", ours, theirs, "--format", "html", "--lang", "en",
                     "--max-findings", "1")
    document = page(text)
    assert visible_text(document, "truncated").startswith("List cut: 1 of 2 findings shown")
    group = document.get_element_by_id("code-C001")
    assert len(group.xpath(".//tbody/tr")) == 1
    assert "1 of 2 shown (--max-findings)" in group.text_content()
