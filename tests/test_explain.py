"""``rodcli explain``: the terms of ROD with their source, fields and codes; and ``rodcli
schema`` readable at 80 columns with every code's meaning."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from rodcli.bulkformat.models import RECORD_MODELS
from rodcli.bulkformat.valuelists import value_lists
from rodcli.cli import app
from rodcli.terms import explain_text, find, terms

# A wide terminal: the 80-column layout must come from rodcli, not from the terminal.
runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None})
FIELDS = {name for models in RECORD_MODELS.values() for model in models.values()
          for name in model.model_fields}
SOURCE_WORDS = ("BRO", "WRO", "WEB", "WHW", "DUO", "RIO")


def rodcli(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _lines_fit(text: str) -> None:
    long = [line for line in text.splitlines() if len(line) > 80]
    assert long == []


def test_at_least_thirty_terms_in_dutch_and_english() -> None:
    assert len(terms()) >= 30
    for term in terms():
        assert term.nl.strip() and term.en.strip() and term.nl != term.en, term.name


@pytest.mark.parametrize("term", terms(), ids=lambda term: term.name)
def test_every_term_names_its_source(term: object) -> None:
    from rodcli.terms import Term

    assert isinstance(term, Term)
    assert term.source.strip(), term.name
    assert any(word in term.source for word in SOURCE_WORDS), term.source


@pytest.mark.parametrize("term", terms(), ids=lambda term: term.name)
def test_every_field_and_code_a_term_names_exists(term: object) -> None:
    from rodcli.terms import Term

    assert isinstance(term, Term)
    assert set(term.fields) <= FIELDS, term.name
    lists = value_lists()
    for reference in term.codes:
        key, code = reference.split(":", 1)
        assert code in lists[key].codes, reference


def test_names_and_aliases_are_unambiguous() -> None:
    for term in terms():
        for text in (term.name, *term.aliases):
            assert find(text) is term, text


def test_the_terms_the_issue_names_are_there() -> None:
    for text in ("BOL", "BBL", "leerweg", "kwalificatiedossier", "crebo", "keuzedeel", "BPV",
                 "leerbedrijf", "onderwijslocatie", "niveau", "doorlopende leerroute",
                 "opleidingsfase", "extraneus", "afsluitend examen", "onderwijsnummer"):
        assert find(text) is not None, text


def test_explain_lists_every_term_within_80_columns() -> None:
    for lang in ("nl", "en"):
        run = rodcli("explain", "--lang", lang)
        assert run.exit_code == 0
        _lines_fit(run.stdout)
        for term in terms():
            assert term.name in run.stdout


def test_the_list_keeps_a_sentence_whole() -> None:
    text = " ".join(rodcli("explain", "--lang", "en").stdout.split())
    assert "2 digits and 2 capitals (e.g. 99XX)." in text


def test_explain_one_term_with_source_fields_and_codes() -> None:
    run = rodcli("explain", "Code Beëindiging", "--lang", "en")
    assert run.exit_code == 0
    _lines_fit(run.stdout)
    text = " ".join(run.stdout.split())  # wrapped lines joined
    assert text.startswith("code beëindiging (sector: ho)")
    assert "source: BRO art. 5.4c" in text
    assert "fields: redenUitschrijving (uitschrijving)" in text
    assert "RedenUitschrijvingHO-v02 1 = ended after passing the final exam" in text


@pytest.mark.parametrize("text", ["bol", "BOL", "Beroepsopleidende leerweg", "ects", "21+",
                                  "code-beeindiging"])
def test_lookup_ignores_case_accents_and_hyphens(text: str) -> None:
    assert rodcli("explain", text).exit_code == 0


def test_every_term_renders_within_80_columns() -> None:
    for term in terms():
        for lang in ("nl", "en"):
            _lines_fit(explain_text(term, lang))


def test_unknown_term_exits_2() -> None:
    run = rodcli("explain", "flux capacitor")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert "rodcli explain" in run.stderr


# ---- rodcli schema ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_schema_wraps_at_80_columns_and_keeps_every_field_name_whole(lang: str) -> None:
    run = rodcli("schema", "--lang", lang)
    assert run.exit_code == 0
    _lines_fit(run.stdout)
    words = set(run.stdout.split())
    assert FIELDS <= words


def test_schema_shows_every_code_with_its_meaning() -> None:
    run = rodcli("schema", "--lang", "en")
    text = run.stdout
    for value_list in value_lists().values():
        assert value_list.name in text
        for code, entry in value_list.codes.items():
            first_words = " ".join(entry.en.split()[:3])
            assert f"  {code}" in text and first_words in " ".join(text.split()), (code, entry)


def test_schema_marks_the_code_that_needs_a_full_diploma_and_validity_dates() -> None:
    text = " ".join(rodcli("schema", "--sector", "ho", "--lang", "en").stdout.split())
    assert "1 ended after passing the final exam (afsluitend examen) [needs a full diploma]" in text
    assert "7 co-op student starts a work period (valid ... - 1999-08-31)" in text
