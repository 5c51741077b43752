"""``rodcli init``: draft a mapping from an export's header row and a sample of its rows.

Columns are matched on the common Dutch and English names; date notations and code
translations are guessed from the sample; whatever cannot be guessed gets a TODO line.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import MBO_PART_TYPES, RECORD_MODELS, field_meta
from rodcli.bulkformat.valuelists import value_lists
from rodcli.exports import Cell, open_export
from rodcli.mapping import PGN_FIELDS, SUPPORTED_DATE_NOTATIONS, date_pattern
from rodcli.masking import scrub

# Normalised column names (lower case, letters and digits only) per record field.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "brin": ("brin", "brinnummer", "brincode", "instellingscode", "institutioncode"),
    "burgerservicenummer": ("bsn", "burgerservicenummer", "citizenservicenumber", "sofinummer"),
    "onderwijsnummer": ("onderwijsnummer", "onr", "educationnumber", "pgnonderwijsnummer"),
    "inschrijvingvolgnummer": ("inschrijvingvolgnummer", "inschrijvingsvolgnummer", "volgnummer",
                               "inschrijvingsnummer", "inschrijvingnummer", "inschrijvingnr",
                               "inschrijvingsnr", "enrolmentid", "enrollmentid",
                               "enrolmentnumber", "enrollmentnumber"),
    "geboortedatum": ("geboortedatum", "gebdatum", "geboortedat", "dateofbirth", "birthdate",
                      "dob"),
    "geslacht": ("geslacht", "gender", "sex"),
    "postcode": ("postcode", "zipcode", "postalcode"),
    "datumInschrijving": ("datuminschrijving", "startdatum", "inschrijfdatum",
                          "inschrijvingsdatum", "begindatum", "ingangsdatum", "startdate",
                          "enrolmentdate", "enrollmentdate"),
    "opleidingcode": ("opleidingcode", "opleidingscode", "croho", "crohocode", "isat",
                      "isatcode", "crebo", "crebocode", "programmecode", "programcode"),
    "opleidingsvorm": ("opleidingsvorm", "vorm", "studievorm", "intensiteit", "studymode",
                       "mode"),
    "opleidingsfase": ("opleidingsfase", "fase", "phase", "examenfase"),
    "inschrijvingsvorm": ("inschrijvingsvorm", "soortinschrijving", "enrolmenttype"),
    "vooropleiding": ("vooropleiding", "hoogstevooropleiding", "prioreducation"),
    "onderwijseenheidcode": ("onderwijseenheidcode", "onderwijseenheid", "modulecode", "module",
                             "coursecode"),
    "studielast": ("studielast", "ects", "studiepunten", "ec", "credits"),
    "datumUitschrijving": ("datumuitschrijving", "einddatum", "uitschrijfdatum",
                           "uitschrijvingsdatum", "enddate"),
    "redenUitschrijving": ("redenuitschrijving", "reden", "redenuitstroom", "uitschrijfreden",
                           "reason"),
    "datumAfsluitendExamen": ("datumafsluitendexamen", "examendatum", "datumexamen",
                              "diplomadatum", "datumdiploma", "datumafstuderen",
                              "afstudeerdatum", "examdate", "dateofexam", "finalexamdate",
                              "diplomadate", "graduationdate", "dateofgraduation"),
    # mbo: DUO's fields (PvE MBO-instelling), with the names mbo administrations use.
    "datumUitschrijvingGepland": ("datumuitschrijvinggepland", "geplandeeinddatum",
                                  "einddatumgepland", "geplandeeinde", "verwachteeinddatum",
                                  "geplandeuitschrijfdatum", "plannedenddate"),
    "datumUitschrijvingWerkelijk": ("datumuitschrijvingwerkelijk", "einddatum",
                                    "werkelijkeeinddatum", "uitschrijfdatum",
                                    "uitschrijvingsdatum", "enddate"),
    "datumBeginPeriode": ("datumbeginperiode", "begindatumperiode", "startdatumperiode",
                          "periodestart", "ingangsdatumperiode"),
    "leertraject": ("leertraject", "leerweg", "bolbbl", "pathway"),
    "niveau": ("niveau", "level", "kwalificatieniveau", "opleidingsniveau"),
    "indicatieBekostigbaar": ("indicatiebekostigbaar", "bekostigbaar", "bekostiging"),
    "locatiecodeVsv": ("locatiecodevsv", "vsvlocatie", "vestigingsnummer"),
    "onderwijsaanbieder": ("onderwijsaanbieder", "onderwijsaanbiedercode", "aanbieder",
                           "onderwijsaanbiederid"),
    "onderwijslocatie": ("onderwijslocatie", "onderwijslocatiecode", "locatiecode", "locatie",
                         "location"),
    "leerroute": ("leerroute", "doorlopendeleerroute"),
    "leerroutefase": ("leerroutefase",),
    "bpvVolgnummer": ("bpvvolgnummer", "bpvnummer", "bpvnr", "bpvid", "poknummer",
                      "pokvolgnummer", "praktijkovereenkomstnummer"),
    "afsluitdatumBpv": ("afsluitdatumbpv", "bpvafsluitdatum", "afsluitdatumpok",
                        "datumpraktijkovereenkomst", "pokdatum"),
    "datumBeginBpv": ("datumbeginbpv", "bpvbegin", "bpvstart", "bpvstartdatum",
                      "begindatumbpv", "startdatumbpv"),
    "datumEindeBpvGepland": ("datumeindebpvgepland", "bpveinde", "bpveindegepland",
                             "einddatumbpv", "bpveinddatum", "geplandeeinddatumbpv"),
    "datumEindeBpvWerkelijk": ("datumeindebpvwerkelijk", "bpveindewerkelijk",
                               "werkelijkeeinddatumbpv"),
    "omvangBpv": ("omvangbpv", "bpvuren", "urenbpv", "bpvomvang", "bpvurentotaal"),
    "leerbedrijfId": ("leerbedrijfid", "leerbedrijf", "leerbedrijfnummer", "sbbnummer",
                      "leerbedrijfcode", "bpvbedrijf", "bpvbedrijfid", "erkenningsnummer"),
    "opleidingcodeBpv": ("opleidingcodebpv", "crebobpv", "bpvcrebo"),
    "codeKeuzedeelBpv": ("codekeuzedeelbpv", "keuzedeelbpv", "bpvkeuzedeel"),
    "resultaatvolgnummer": ("resultaatvolgnummer", "diplomanummer", "diplomavolgnummer",
                            "resultaatnummer", "diplomanr"),
    "opleidingcodeDiploma": ("opleidingcodediploma", "diplomacrebo", "crebodiploma",
                             "behaaldekwalificatie", "kwalificatie", "diplomacode",
                             "behaaldecrebo"),
    "datumDiploma": ("datumdiploma", "diplomadatum", "examendatum", "datumexamen",
                     "datumkwalificatie", "diplomadate", "graduationdate", "examdate",
                     "dateofexam"),
    "resultaatvolgnummerDiploma": ("resultaatvolgnummerdiploma",),
    "codeKeuzedeel": ("codekeuzedeel", "keuzedeel", "keuzedeelcode"),
    "datumResultaat": ("datumresultaat", "resultaatdatum"),
    "resultaatKeuzedeel": ("resultaatkeuzedeel", "keuzedeelresultaat"),
    "certificaat": ("certificaat", "certificaatbehaald"),
    "codeGeneriekExamenonderdeel": ("codegeneriekexamenonderdeel", "generiekexamenonderdeel",
                                    "examenonderdeel"),
    "eindcijfer": ("eindcijfer",),
    "codeAmvbOnderdeel": ("codeamvbonderdeel", "amvbonderdeel"),
}

# Columns that say whether a row has a diploma: a yes/no flag, or the exam date itself (the
# sample tells which). Only consulted for what the names above did not settle.
RESULT_COLUMN_NAMES = ("diplomabehaald", "diploma", "behaald", "geslaagd", "resultaat",
                       "examenresultaat", "diplomajn", "diplomabehaaldjn", "diplomaobtained",
                       "graduated", "passed", "result", "degreeawarded")
YES = frozenset({"j", "ja", "y", "yes", "true", "waar", "1", "x"})
NO = frozenset({"n", "nee", "no", "false", "onwaar", "0", "-"})

# Second choices, used only when no first choice matched, with a line for the reader.
FALLBACK_NAMES: dict[str, tuple[tuple[str, ...], str]] = {
    "inschrijvingvolgnummer": (("studentnummer", "studentnr", "studentid", "leerlingnummer"),
                               "check: must be unique per enrolment, not only per student"),
}
# Fields an export rarely has a column of its own for, drafted from another field's column:
# (source field, how, why).
DERIVED: dict[str, tuple[str, dict[str, str] | None, str]] = {
    "datumBeginPeriode": ("datumInschrijving", None,
                          "assumed: one period per enrolment, from its start; check"),
    "opleidingcodeDiploma": ("opleidingcode", None,
                             "assumed: the diploma is the qualification enrolled for; check"),
}
# Fields almost every export leaves implicit, drafted as constants.
DEFAULT_CONSTANTS: dict[str, tuple[str, str]] = {
    "inschrijvingsvorm": ("S", "assumed: every row is a student, none an extraneus"),
}

# Export spellings of value-list codes, normalised like column names.
CODE_SYNONYMS: dict[str, dict[str, str]] = {
    "OpleidingsvormHO": {"vt": "VOLTIJD", "voltijd": "VOLTIJD", "fulltime": "VOLTIJD",
                         "dt": "DEELTIJD", "deeltijd": "DEELTIJD", "parttime": "DEELTIJD",
                         "du": "DUAAL", "duaal": "DUAAL", "dual": "DUAAL"},
    "Geslacht": {"m": "M", "man": "M", "male": "M", "v": "V", "vrouw": "V", "f": "V",
                 "female": "V", "o": "O", "x": "O", "onbekend": "O", "unknown": "O"},
    "InschrijvingsvormHO": {"s": "S", "student": "S", "e": "E", "extraneus": "E"},
    "OpleidingsfaseHO": {"bachelor": "B", "ba": "B", "master": "M", "ma": "M",
                         "associatedegree": "A", "ad": "A", "propedeuse": "P",
                         "schakelprogramma": "S", "premaster": "S",
                         "postinitielemaster": "Q"},
    "NiveauMBO": {"1": "MBO-1", "2": "MBO-2", "3": "MBO-3", "4": "MBO-4",
                  "niveau1": "MBO-1", "niveau2": "MBO-2", "niveau3": "MBO-3",
                  "niveau4": "MBO-4"},
    "LeertrajectMBO": {"bol": "BOL", "bbl": "BBL", "bolvoltijd": "BOL", "boldeeltijd": "BOL_DT",
                       "boldt": "BOL_DT", "ex": "EX", "examendeelnemer": "EX",
                       "extraneus": "EX", "ovo": "OVO", "odt": "ODT"},
    "JaNee": {"j": "J", "ja": "J", "y": "J", "yes": "J", "1": "J", "true": "J",
              "n": "N", "nee": "N", "no": "N", "0": "N", "false": "N"},
    "ResultaatKeuzedeel": {"behaald": "Behaald", "geslaagd": "Behaald", "voldaan": "Behaald",
                           "nietbehaald": "Niet behaald", "gezakt": "Niet behaald",
                           "nietvoldaan": "Niet behaald"},
    "LeerroutefaseMBO": {"vo": "VO", "mbo": "MBO"},
    # ROD-HO's code beëindiging. Only 1 needs a full diploma. A finished module or a switch
    # has no code of its own, and the reason is optional for non-funded ho: "" leaves it out.
    "RedenUitschrijvingHO": {
        **{f"0{n}": str(n) for n in range(1, 10)},
        "afsluitendexamen": "1", "diploma": "1", "diplomabehaald": "1", "geslaagd": "1",
        "afgestudeerd": "1", "examen": "1",
        "gestopt": "9", "uitval": "9", "eigenverzoek": "9", "opverzoek": "9",
        "bsa": "4", "bindendstudieadvies": "4", "negatiefbsa": "4",
        "ziekte": "5", "overleden": "8", "overlijden": "8",
        "afgerond": "", "moduleafgerond": "", "overstap": "", "overig": "",
    },
    # ROD-HO's aggregated codes: the general code of each kind (the last two digits give the
    # profile or sector, which an export rarely says).
    "VooropleidingHO": {
        "vwo": "00401", "atheneum": "00401", "gymnasium": "00401",
        "havo": "00201",
        "mbo4": "00301", "mboniveau4": "00301", "mbo": "00301",
        "mbo3": "00161", "mboniveau3": "00161", "mbo2": "00151", "mboniveau2": "00151",
        "propedeusehbo": "00601", "hbopropedeuse": "00601", "hbop": "00601",
        "hbo": "00801", "hbobachelor": "00801", "bachelorhbo": "00801",
        "wo": "00901", "wobachelor": "00901", "bachelorwo": "00901",
        "buitenlands": "00502", "buitenlandsdiploma": "00502", "foreigndiploma": "00502",
        "21": "00506", "21toets": "00506", "21plus": "00506", "21plustoets": "00506",
        "colloquiumdoctum": "00506", "toelatingsonderzoek": "00506",
        "onbekend": "00000",
    },
}


# Fields an older mapping may lack, now required: the TODO line says why.
REQUIRED_BECAUSE: dict[str, str] = {
    "geboortedatum": "BRO art. 18.1a: for every student, BSN or not",
    "geslacht": "BRO art. 18.1a: for every student, BSN or not",
    "vooropleiding": "BRO art. 5.4a",
    "datumUitschrijvingGepland": "PvE MBO-instelling: every enrolment has a planned end",
    "leerbedrijfId": "PvE MBO-instelling: every BPV names its SBB leerbedrijf",
}

# What a person must check in a drafted translation of these value lists.
CODE_NOTES: dict[str, str] = {
    "RedenUitschrijvingHO": "check: 1 only with a full diploma, 9 = on the student's request, "
                            "\"\" = no reason (rodcli explain code-beeindiging)",
    "VooropleidingHO": "check: DUO codes, the last two digits give the profile or sector "
                       "(rodcli explain vooropleiding)",
}

SAMPLE_ROWS = 500


def draft_from_export(path: Path, sector: Sector, *, delimiter: str | None = None,
                      encoding: str | None = None, sheet: str | None = None) -> str:
    """Open an export and draft its mapping from the header and the first rows."""
    with open_export(path, delimiter=delimiter, encoding=encoding, sheet=sheet) as table:
        samples = [row.cells for row in itertools.islice(table.rows, SAMPLE_ROWS)]
        # What was sniffed is written down, so a build reads the export the same way.
        source = []
        if table.delimiter and table.delimiter != ";":
            source.append(f"delimiter = {_toml_string(table.delimiter)}")
        if table.encoding and table.encoding not in ("utf-8", "utf-8-sig", "utf_8"):
            source.append(f"encoding = {_toml_string(table.encoding)}")
        if table.sheet:
            source.append(f"sheet = {_toml_string(table.sheet)}")
        return draft_mapping(table.header, samples, sector, path.name, source)


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes): export column names and
    # cell values may hold quotes or line breaks (a header cell wrapped with Alt+Enter).
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    """Text safe inside a TOML comment: one line, no control characters, and no personal
    number (an export's cells and headers can hold one; a mapping is shared and mailed)."""
    return scrub("".join(" " if ord(char) < 32 or char == "\x7f" else char for char in text))


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def draft_mapping(header: Sequence[str], samples: Sequence[Sequence[Cell]], sector: Sector,
                  export_name: str, source: Sequence[str] = ()) -> str:
    """TOML text of a mapping for this export; TODO lines mark what needs a person."""
    fields_of_sector = _sector_fields(sector)
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    notes: dict[str, str] = {}
    for candidates in (COLUMN_NAMES, {name: names for name, (names, _) in
                                      FALLBACK_NAMES.items()}):
        for field_name in fields_of_sector:
            if field_name in chosen:
                continue
            for column in header:
                if column not in taken and normalise(column) in candidates.get(field_name, ()):
                    chosen[field_name] = column
                    taken.add(column)
                    if candidates is not COLUMN_NAMES:
                        notes[field_name] = FALLBACK_NAMES[field_name][1]
                    break
    result_flag = _result_columns(header, samples, sector, chosen, taken)

    lines = [
        f"# rodcli mapping for {_comment(export_name)}, drafted by 'rodcli init'.",
        "# Check every line; see docs/mapping.md. Lines marked TODO need you.",
        f'sector = "{sector}"',
        "",
        "[source]",
        *(source or ['# delimiter = ";"   # sniffed when absent; encoding and XLSX sheet too']),
        "",
        "[records]",
        *_record_lines(sector, chosen, result_flag),
        "",
        "[fields]",
    ]
    index = {column: position for position, column in enumerate(header)}
    for field_name in fields_of_sector:
        found = chosen.get(field_name)
        if found is None and field_name in DERIVED and chosen.get(DERIVED[field_name][0]):
            origin, codes, why = DERIVED[field_name]
            column = _toml_string(chosen[origin])
            if codes is None:
                values = [row[index[chosen[origin]]] for row in samples
                          if index[chosen[origin]] < len(row)]
                line = _field_line(sector, field_name, chosen[origin], values)
                lines.append(f"{line}   # {why}")
            else:
                table = ", ".join(f"{_toml_string(k)} = {_toml_string(v)}"
                                  for k, v in codes.items())
                lines.append(f"{field_name} = {{ column = {column}, codes = {{ {table} }} }}"
                             f"   # {why}")
            continue
        if found is None and field_name in DEFAULT_CONSTANTS:
            value, why = DEFAULT_CONSTANTS[field_name]
            lines.append(f'{field_name} = {{ value = "{value}" }}   # {why}')
            continue
        if found is None:
            lines.extend(_unmapped_line(sector, field_name))
            continue
        values = [row[index[found]] for row in samples if index[found] < len(row)]
        line = _field_line(sector, field_name, found, values)
        lines.append(f"{line}   # {notes[field_name]}" if field_name in notes else line)
    unused = [column for column in header if column not in taken]
    if unused:
        lines += ["", "# Export columns not used: " + _comment(", ".join(unused))]
    return "\n".join(lines) + "\n"


def _sector_fields(sector: Sector) -> list[str]:
    names: dict[str, None] = {}
    for model in RECORD_MODELS[sector].values():
        names.update(dict.fromkeys(model.model_fields))
    return list(names)


def _result_columns(header: Sequence[str], samples: Sequence[Sequence[Cell]], sector: Sector,
                    chosen: dict[str, str], taken: set[str]) -> tuple[str, list[str]] | None:
    """A diploma column ("Diploma behaald", "Resultaat", "Graduated"): one of dates fills the
    result's date field when nothing else did; one of yes/no values is returned as (column,
    the values that mean yes) for the ``resultaat`` condition."""
    date_field = "datumAfsluitendExamen" if sector == "ho" else "datumDiploma"
    flag: tuple[str, list[str]] | None = None
    for position, column in enumerate(header):
        if column in taken or normalise(column) not in RESULT_COLUMN_NAMES:
            continue
        cells = [row[position] for row in samples if position < len(row)]
        texts = [str(cell).strip() for cell in cells
                 if cell is not None and str(cell).strip() and not isinstance(cell, date)]
        dated = any(isinstance(cell, date) for cell in cells)
        if date_field not in chosen and (dated or (texts and _guess_notation(texts))):
            chosen[date_field] = column
            taken.add(column)
        elif flag is None and texts and all(text.lower() in YES | NO for text in texts):
            yes = sorted({text for text in texts if text.lower() in YES})
            if yes:
                flag = (column, yes)
                taken.add(column)
    return flag


def _record_lines(sector: Sector, chosen: dict[str, str],
                  result_flag: tuple[str, list[str]] | None = None) -> list[str]:
    if sector == "mbo":
        return _mbo_record_lines(chosen, result_flag)
    lines = []
    ects = chosen.get("studielast") if sector == "ho" else None
    if ects:
        lines.append(f"inschrijving = {{ empty = {_toml_string(ects)} }}")
        lines.append(f"moduleInschrijving = {{ filled = {_toml_string(ects)} }}   "
                     "# a row with ECTS is a "
                     "module")
    else:
        lines.append('inschrijving = "always"')
    end = chosen.get("datumUitschrijving")
    if end:
        lines.append(f"uitschrijving = {{ filled = {_toml_string(end)} }}")
    else:
        lines.append('# uitschrijving = { filled = "Einddatum" }   '
                     "# TODO: no end-date column found")
    result_date = chosen.get("datumAfsluitendExamen" if sector == "ho" else "datumDiploma")
    if result_flag is not None:
        # The flag says it outright; a date column can be filled for an exam not passed.
        column, yes = result_flag
        values = ", ".join(_toml_string(value) for value in yes)
        lines.append(f"resultaat = {{ column = {_toml_string(column)}, equals = [{values}] }}"
                     "   # a row with a diploma")
    elif result_date:
        lines.append(f"resultaat = {{ filled = {_toml_string(result_date)} }}")
    else:
        lines.append('# resultaat = { filled = "Examendatum" }   '
                     "# TODO: no exam-date column found")
    return lines


def _mbo_record_lines(chosen: dict[str, str],
                      result_flag: tuple[str, list[str]] | None) -> list[str]:
    """mbo's records per export row: the student, the enrolment and its period always; a
    BPV where the row names a leerbedrijf; a diploma where it has one."""
    lines = ['persoon = "always"   # one per row: a student on several rows repeats it',
             'inschrijving = "always"', 'inschrijvingsperiode = "always"']
    company = chosen.get("leerbedrijfId")
    if company:
        lines.append(f"bpv = {{ filled = {_toml_string(company)} }}   # a row with a BPV")
    else:
        lines.append('# bpv = { filled = "Leerbedrijf" }   # no leerbedrijf column found')
    if result_flag is not None:
        column, yes = result_flag
        values = ", ".join(_toml_string(value) for value in yes)
        lines.append(f"diploma = {{ column = {_toml_string(column)}, equals = [{values}] }}"
                     "   # a row with a diploma")
    elif chosen.get("datumDiploma"):
        lines.append(f"diploma = {{ filled = {_toml_string(chosen['datumDiploma'])} }}")
    else:
        lines.append('# diploma = { filled = "Diplomadatum" }   '
                     "# TODO: no diploma-date column found")
    for record_type, field_name in (("keuzedeel", "codeKeuzedeel"),
                                    ("generiekExamenonderdeel", "codeGeneriekExamenonderdeel"),
                                    ("amvbOnderdeel", "codeAmvbOnderdeel")):
        if chosen.get(field_name):
            lines.append(f"{record_type} = {{ filled = {_toml_string(chosen[field_name])} }}"
                         "   # check: each result needs its own resultaatvolgnummer")
    return lines


def _unmapped_line(sector: Sector, field_name: str) -> list[str]:
    if field_name == "brin":
        return ['brin = { value = "TODO" }   # TODO: your institution code (BRIN), e.g. "99XX"']
    # mbo's results (keuzedeel, ...) are drafted only where the export has their columns:
    # their required fields are no TODO otherwise.
    required = any(
        field_name in model.model_fields and model.model_fields[field_name].is_required()
        for record_type, model in RECORD_MODELS[sector].items()
        if record_type not in MBO_PART_TYPES
    )
    if required and field_name not in PGN_FIELDS:
        why = f" ({REQUIRED_BECAUSE[field_name]})" if field_name in REQUIRED_BECAUSE else ""
        return [f'# {field_name} = "KOLOM"   # TODO: required{why}; no matching column found']
    return [f'# {field_name} = "KOLOM"   # optional; no matching column found']


def _field_line(sector: Sector, field_name: str, column: str, values: Sequence[Cell]) -> str:
    model = next(m for m in RECORD_MODELS[sector].values() if field_name in m.model_fields)
    meta = field_meta(model, field_name)
    parts = [f"column = {_toml_string(column)}"]
    texts = [str(value).strip() for value in values
             if value is not None and not isinstance(value, date) and str(value).strip()]
    if "datum" in field_name.lower():
        notation = _guess_notation(texts)
        if notation:
            parts.append(f'date = "{notation}"')
    comment = ""
    if meta.value_list:
        codes, unknown = _guess_codes(meta.value_list, texts)
        if codes:
            table = ", ".join(f"{_toml_string(source)} = {_toml_string(target)}"
                              for source, target in codes.items())
            parts.append(f"codes = {{ {table} }}")
        if unknown:
            comment = "   # TODO: translate " + _comment(", ".join(sorted(unknown)[:10]))
        elif codes and meta.value_list in CODE_NOTES:
            comment = "   # " + CODE_NOTES[meta.value_list]
    if len(parts) == 1:
        return f"{field_name} = {_toml_string(column)}{comment}"
    return f"{field_name} = {{ {', '.join(parts)} }}{comment}"


def _guess_notation(texts: Sequence[str]) -> str | None:
    if not texts:
        return None
    for notation in SUPPORTED_DATE_NOTATIONS:
        pattern = date_pattern(notation)
        if pattern is not None and all(pattern.fullmatch(text) for text in texts):
            return notation
    return None


def _guess_codes(list_key: str, texts: Sequence[str]) -> tuple[dict[str, str], set[str]]:
    valid = value_lists()[list_key].codes
    synonyms = CODE_SYNONYMS.get(list_key, {})
    codes: dict[str, str] = {}
    unknown: set[str] = set()
    for text in dict.fromkeys(texts):
        if text in valid:
            continue
        target = synonyms.get(normalise(text))
        if target is not None:
            codes[text] = target
        else:
            unknown.add(text)
    return codes, unknown
