"""The ROD bulk v1 XSDs follow the pydantic models: elements, order, required-ness, types.

The models in ``rodcli.bulkformat.models`` are the single definition of the format; these tests
fail as soon as an XSD drifts from them. They also pin DUO's conventions the XSDs encode (UTC
timestamp, empty optional elements are omitted, records are global elements).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any, get_args, get_type_hints

import pytest
import xmlschema
from lxml import etree
from pydantic import StringConstraints, TypeAdapter, ValidationError
from xmlschema.validators import XsdElement, XsdGroup

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT, SECTORS
from rodcli.bulkformat.models import RECORD_MODELS, HoModuleInschrijving, field_meta

XSD_FILES = {"ho": "rod_bulk_ho_v1.xsd", "mbo": "rod_bulk_mbo_v1.xsd"}
XS = "{http://www.w3.org/2001/XMLSchema}"
PGN = ("burgerservicenummer", "onderwijsnummer")
HEADER = (
    "identificatiecodeBedrijfsdocument",
    "verzendendeInstantie",
    "ontvangendeInstantie",
    "datumTijdBedrijfsdocument",
)
# The types whose pattern must equal a types.py regex, by model field (value-list fields,
# dates and studielast are checked separately).
PATTERN_TYPES = {
    "brin": "Brin-v01",
    "burgerservicenummer": "Burgerservicenummer-v01",
    "onderwijsnummer": "Onderwijsnummer-v01",
    "inschrijvingvolgnummer": "Inschrijvingvolgnummer-v01",
    "postcode": "Postcode-v01",
    "opleidingcode": "Opleidingcode-v01",
    "behaaldeKwalificatie": "Opleidingcode-v01",
    "onderwijslocatie": "Onderwijslocatie-v01",
    "onderwijseenheidcode": "Onderwijseenheidcode-v01",
    # mbo: DUO's formats (PvE MBO-instelling, RO record layouts)
    "geboortedatum": "Geboortedatum-v01",
    "opleidingcodeBpv": "Opleidingcode-v01",
    "opleidingcodeDiploma": "Opleidingcode-v01",
    "onderwijsaanbieder": "Onderwijsaanbieder-v01",
    "resultaatvolgnummer": "Volgnummer-v01",
    "resultaatvolgnummerDiploma": "Volgnummer-v01",
    "bpvVolgnummer": "Volgnummer-v01",
    "locatiecodeVsv": "LocatiecodeVsv-v01",
    "leerbedrijfId": "LeerbedrijfId-v01",
    "omvangBpv": "OmvangBpv-v01",
    "codeKeuzedeel": "CodeKeuzedeel-v01",
    "codeKeuzedeelBpv": "CodeKeuzedeel-v01",
    "codeGeneriekExamenonderdeel": "CodeGeneriekExamenonderdeel-v01",
    "codeAmvbOnderdeel": "CodeAmvbOnderdeel-v01",
    "eindcijfer": "Eindcijfer-v01",
    "cijferIe": "Cijfer-v01",
    "cijferCe": "Cijfer-v01",
    "vrijstelling": "Vrijstelling-v01",
    "vrijstellingIe": "VrijstellingDeel-v01",
    "vrijstellingCe": "VrijstellingDeel-v01",
    "redenUitschrijving": "RedenUitschrijving-v01",
}


def _xsd_bytes(sector: str) -> bytes:
    return (files("rodcli.bulkformat") / "schemas" / XSD_FILES[sector]).read_bytes()


@cache
def _xmlschema(sector: str) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(io.BytesIO(_xsd_bytes(sector)))


def _lxml_schema(sector: str) -> etree.XMLSchema:
    # Not cached: an lxml schema keeps the error log of its last validation.
    return etree.XMLSchema(etree.fromstring(_xsd_bytes(sector)))


def _annotation_parts(model: type, name: str) -> list[Any]:
    """Every type and metadata item in a field's full annotation (``X | None`` included)."""
    parts: list[Any] = []
    pending: list[Any] = [get_type_hints(model, include_extras=True)[name]]
    while pending:
        item = pending.pop()
        parts.append(item)
        pending.extend(get_args(item))
    return parts


def _model_pattern(model: type, name: str) -> str:
    parts = _annotation_parts(model, name)
    patterns = [p.pattern for p in parts if isinstance(p, StringConstraints)]
    assert len(patterns) == 1, f"{model.__name__}.{name}: {patterns}"
    pattern = patterns[0]
    assert isinstance(pattern, str)
    return pattern


def _sequence(sector: str, record_type: str) -> list[XsdElement | XsdGroup]:
    element = _xmlschema(sector).elements[record_type]
    content = element.type.content
    assert isinstance(content, XsdGroup)
    assert content.model == "sequence"
    return list(content)


def _flatten(items: list[XsdElement | XsdGroup]) -> list[XsdElement]:
    """The element declarations of a record's sequence, with the bsn/onderwijsnummer choice
    unfolded in place."""
    elements: list[XsdElement] = []
    for item in items:
        if isinstance(item, XsdGroup):
            elements.extend(item)
        else:
            elements.append(item)
    return elements


RECORDS = [
    pytest.param(sector, record_type, model, id=f"{sector}-{record_type}")
    for sector in SECTORS
    for record_type, model in RECORD_MODELS[sector].items()
]


# ---- the schemas themselves -----------------------------------------------------------------


@pytest.mark.parametrize("sector", SECTORS)
def test_schema_compiles_with_both_validators(sector: str) -> None:
    schema = _xmlschema(sector)
    _lxml_schema(sector)
    assert schema.target_namespace == NAMESPACES[sector]
    root = etree.fromstring(_xsd_bytes(sector))
    assert root.get("version") == "1"
    assert root.get("elementFormDefault") == "qualified"
    assert root.get("attributeFormDefault") == "unqualified"
    assert "not DUO's official contract" in " ".join(
        root.findtext(f"{XS}annotation/{XS}documentation", default="").split()
    )


@pytest.mark.parametrize("sector", SECTORS)
def test_global_elements_are_the_root_and_the_records(sector: str) -> None:
    schema = _xmlschema(sector)
    assert set(schema.elements) == {ROOT_ELEMENT, *RECORD_MODELS[sector]}
    if sector == "mbo":
        assert "moduleInschrijving" not in schema.elements


@pytest.mark.parametrize("sector", SECTORS)
def test_root_is_header_then_any_number_of_record_references(sector: str) -> None:
    schema = _xmlschema(sector)
    items = list(schema.elements[ROOT_ELEMENT].type.content)
    header, choice = items[:-1], items[-1]
    assert [e.local_name for e in header] == list(HEADER)
    assert all(e.min_occurs == 1 and e.max_occurs == 1 for e in header)
    assert isinstance(choice, XsdGroup)
    assert choice.model == "choice"
    assert (choice.min_occurs, choice.max_occurs) == (0, None)
    assert [e.local_name for e in choice] == list(RECORD_MODELS[sector])
    for ref in choice:
        assert ref.ref is schema.elements[ref.local_name]  # a reference to the global element

    types = [e.type for e in header]
    assert types[0].local_name == "Uuid-v01"
    assert types[1].local_name == "Brin-v01"
    assert types[2].enumeration == ["DUO"]
    assert types[3].local_name == "DatumTijdUtc-v01"
    assert types[3].base_type.name == f"{XS}dateTime"


@pytest.mark.parametrize(("sector", "record_type", "model"), RECORDS)
def test_record_elements_follow_the_model(sector: str, record_type: str, model: type) -> None:
    element = _xmlschema(sector).elements[record_type]
    assert element.type.local_name == model.__name__
    assert element.annotation is not None and element.annotation.documentation

    items = _sequence(sector, record_type)
    elements = _flatten(items)
    assert [e.local_name for e in elements] == list(model.model_fields)
    assert all(e.max_occurs == 1 for e in elements)

    for element in elements:
        name = element.local_name
        required = model.model_fields[name].is_required()
        if name in PGN:
            assert not required
        else:
            assert element.min_occurs == (1 if required else 0), f"{model.__name__}.{name}"

    # bsn/onderwijsnummer: optional each in the model (a validator demands exactly one), in
    # the XSD a required choice of two required elements, where the model puts them.
    choices = [item for item in items if isinstance(item, XsdGroup)]
    assert len(choices) == 1
    choice = choices[0]
    assert choice.model == "choice"
    assert (choice.min_occurs, choice.max_occurs) == (1, 1)
    assert [(e.local_name, e.min_occurs, e.max_occurs) for e in choice] == [
        (name, 1, 1) for name in PGN
    ]
    fields = list(model.model_fields)
    assert items.index(choice) == fields.index(PGN[0])
    assert fields.index(PGN[1]) == fields.index(PGN[0]) + 1


@pytest.mark.parametrize(("sector", "record_type", "model"), RECORDS)
def test_record_element_types_follow_the_model(
    sector: str, record_type: str, model: type
) -> None:
    for element in _flatten(_sequence(sector, record_type)):
        name = element.local_name
        xsd_type = element.type
        parts = _annotation_parts(model, name)
        where = f"{model.__name__}.{name}"
        if field_meta(model, name).value_list is not None:
            assert xsd_type.local_name == "WaardenlijstType-v01", where
        elif date in parts:
            assert xsd_type.name == f"{XS}date", where
        elif Decimal in parts:
            assert xsd_type.local_name == "Studielast-v01", where
        else:
            assert str in parts, where
            assert xsd_type.local_name == PATTERN_TYPES[name], where
            assert xsd_type.base_type.name == f"{XS}token", where
            assert xsd_type.patterns is not None, where
            (regex,) = xsd_type.patterns.regexps
            assert f"^(?:{regex})$" == _model_pattern(model, name), where


@pytest.mark.parametrize("sector", SECTORS)
def test_value_list_type_is_the_models_value_code(sector: str) -> None:
    xsd_type = _xmlschema(sector).types["WaardenlijstType-v01"]
    assert xsd_type.base_type.name == f"{XS}token"
    assert (xsd_type.min_length, xsd_type.max_length) == (1, 70)
    assert xsd_type.enumeration is None  # codes are checked by a rule, as at DUO
    (regex,) = xsd_type.patterns.regexps
    assert regex.endswith("]*")
    # ValueCode is the same character class, 1 to 70 times.
    assert f"^(?:{regex[:-1]}{{1,70}})$" == _model_pattern(HoModuleInschrijving, "opleidingsvorm")


# Above 240 is valid for both (rodcli warns, R013); more than one decimal is not.
STUDIELAST = ["7.5", "7.50", "15", "0.1", "240", "240.0", " 30 ", "0", "0.0", "7.55", "240.1",
              "300", "-1", "+7.5", ".5", "7.", "7,5", "1e1", ""]


@pytest.mark.parametrize("text", STUDIELAST)
def test_studielast_type_accepts_what_the_model_accepts(text: str) -> None:
    xsd_type = _xmlschema("ho").types["Studielast-v01"]
    adapter = TypeAdapter(get_type_hints(HoModuleInschrijving, include_extras=True)["studielast"])
    try:
        adapter.validate_python(text)
    except ValidationError:
        model_ok = False
    else:
        model_ok = True
    assert xsd_type.is_valid(text) == model_ok


# ---- documents ------------------------------------------------------------------------------

HO_DOC = """\
<?xml version="1.0" encoding="UTF-8"?>
<aanleveren_onderwijsdeelnemers_request xmlns="urn:rodcli:schema:ROD_Bulk_HO_V1">
  <identificatiecodeBedrijfsdocument>0b7e7c0e-3f5a-4c1e-9a57-3d1f2b6a9c10</identificatiecodeBedrijfsdocument>
  <verzendendeInstantie>99XX</verzendendeInstantie>
  <ontvangendeInstantie>DUO</ontvangendeInstantie>
  <datumTijdBedrijfsdocument>2024-10-01T08:30:00Z</datumTijdBedrijfsdocument>
  <inschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>2024-001</inschrijvingvolgnummer>
    <geboortedatum>2005-03-14</geboortedatum>
    <geslacht>M</geslacht>
    <datumInschrijving>2024-09-01</datumInschrijving>
    <opleidingcode>34607</opleidingcode>
    <opleidingsvorm>VOLTIJD</opleidingsvorm>
    <opleidingsfase>B</opleidingsfase>
    <inschrijvingsvorm>S</inschrijvingsvorm>
    <vooropleiding>00401</vooropleiding>
  </inschrijving>
  <moduleInschrijving>
    <brin>99XX</brin>
    <onderwijsnummer>101222331</onderwijsnummer>
    <inschrijvingvolgnummer>2024-M01</inschrijvingvolgnummer>
    <geboortedatum>2001-05-17</geboortedatum>
    <geslacht>V</geslacht>
    <postcode>1234AB</postcode>
    <datumInschrijving>2024-09-01</datumInschrijving>
    <opleidingcode>34607</opleidingcode>
    <onderwijseenheidcode>MOD-101</onderwijseenheidcode>
    <opleidingsvorm>DEELTIJD</opleidingsvorm>
    <inschrijvingsvorm>S</inschrijvingsvorm>
    <studielast>7.5</studielast>
  </moduleInschrijving>
  <uitschrijving>
    <brin>99XX</brin>
    <onderwijsnummer>101222331</onderwijsnummer>
    <inschrijvingvolgnummer>2024-M01</inschrijvingvolgnummer>
    <datumUitschrijving>2025-01-31</datumUitschrijving>
    <redenUitschrijving>9</redenUitschrijving>
  </uitschrijving>
  <resultaat>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>2024-001</inschrijvingvolgnummer>
    <opleidingcode>34607</opleidingcode>
    <opleidingsfase>B</opleidingsfase>
    <datumAfsluitendExamen>2025-07-01</datumAfsluitendExamen>
  </resultaat>
</aanleveren_onderwijsdeelnemers_request>
"""

MBO_DOC = """\
<?xml version="1.0" encoding="UTF-8"?>
<aanleveren_onderwijsdeelnemers_request xmlns="urn:rodcli:schema:ROD_Bulk_MBO_V1">
  <identificatiecodeBedrijfsdocument>5d2c6a3e-8b41-4f0a-b7c2-9e1f0a2b3c4d</identificatiecodeBedrijfsdocument>
  <verzendendeInstantie>99XX</verzendendeInstantie>
  <ontvangendeInstantie>DUO</ontvangendeInstantie>
  <datumTijdBedrijfsdocument>2024-10-01T08:30:00.250Z</datumTijdBedrijfsdocument>
  <persoon>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <geboortedatum>2007-11-00</geboortedatum>
    <geslacht>V</geslacht>
  </persoon>
  <inschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
    <datumInschrijving>2024-08-01</datumInschrijving>
    <datumUitschrijvingGepland>2027-07-31</datumUitschrijvingGepland>
    <datumUitschrijvingWerkelijk>2027-07-01</datumUitschrijvingWerkelijk>
    <redenUitschrijving>08</redenUitschrijving>
  </inschrijving>
  <inschrijvingsperiode>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
    <datumBeginPeriode>2024-08-01</datumBeginPeriode>
    <opleidingcode>25180</opleidingcode>
    <leertraject>BOL</leertraject>
    <niveau>MBO-4</niveau>
    <indicatieBekostigbaar>N</indicatieBekostigbaar>
    <locatiecodeVsv>000012345678</locatiecodeVsv>
    <onderwijsaanbieder>100A501</onderwijsaanbieder>
    <onderwijslocatie>123X456</onderwijslocatie>
  </inschrijvingsperiode>
  <bpv>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
    <bpvVolgnummer>B1</bpvVolgnummer>
    <afsluitdatumBpv>2025-01-07</afsluitdatumBpv>
    <datumBeginBpv>2025-02-01</datumBeginBpv>
    <datumEindeBpvGepland>2025-06-30</datumEindeBpvGepland>
    <omvangBpv>400</omvangBpv>
    <leerbedrijfId>100018965</leerbedrijfId>
    <opleidingcodeBpv>25180</opleidingcodeBpv>
  </bpv>
  <diploma>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <resultaatvolgnummer>D1</resultaatvolgnummer>
    <opleidingcodeDiploma>25180</opleidingcodeDiploma>
    <datumDiploma>2027-07-01</datumDiploma>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
  </diploma>
  <keuzedeel>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <resultaatvolgnummer>K1</resultaatvolgnummer>
    <resultaatvolgnummerDiploma>D1</resultaatvolgnummerDiploma>
    <codeKeuzedeel>K0067</codeKeuzedeel>
    <resultaatKeuzedeel>Behaald</resultaatKeuzedeel>
  </keuzedeel>
  <generiekExamenonderdeel>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <resultaatvolgnummer>G1</resultaatvolgnummer>
    <resultaatvolgnummerDiploma>D1</resultaatvolgnummerDiploma>
    <codeGeneriekExamenonderdeel>3005</codeGeneriekExamenonderdeel>
    <eindcijfer>7</eindcijfer>
    <cijferIe>66</cijferIe>
    <cijferCe>71</cijferCe>
  </generiekExamenonderdeel>
  <amvbOnderdeel>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <resultaatvolgnummer>A1</resultaatvolgnummer>
    <codeAmvbOnderdeel>C0004</codeAmvbOnderdeel>
    <datumResultaat>2025-03-04</datumResultaat>
    <certificaat>J</certificaat>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
  </amvbOnderdeel>
</aanleveren_onderwijsdeelnemers_request>
"""

DOCS = {"ho": HO_DOC, "mbo": MBO_DOC}

MBO_MODULE = """\
  <moduleInschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>2</inschrijvingvolgnummer>
    <datumInschrijving>2024-08-01</datumInschrijving>
  </moduleInschrijving>
</aanleveren_onderwijsdeelnemers_request>"""


def _parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def _mutate(sector: str, old: str, new: str) -> str:
    doc = DOCS[sector]
    assert old in doc, old
    return doc.replace(old, new, 1)


@pytest.mark.parametrize("sector", SECTORS)
def test_valid_document_passes_both_validators(sector: str) -> None:
    schema = _lxml_schema(sector)
    root = _parse(DOCS[sector])
    assert schema.validate(root), schema.error_log
    _xmlschema(sector).validate(DOCS[sector])


@pytest.mark.parametrize("sector", SECTORS)
def test_valid_records_pass_on_their_own_and_satisfy_the_models(sector: str) -> None:
    schema = _lxml_schema(sector)
    root = _parse(DOCS[sector])
    records = root[len(HEADER):]
    assert {etree.QName(r).localname for r in records} == set(RECORD_MODELS[sector])
    for record in records:
        assert schema.validate(record), schema.error_log
        assert _xmlschema(sector).is_valid(record)
        record_type = etree.QName(record).localname
        values = {etree.QName(child).localname: child.text for child in record}
        RECORD_MODELS[sector][record_type].model_validate(
            values, context={"date_notation": "iso"}
        )


@pytest.mark.parametrize("sector", SECTORS)
def test_header_only_document_is_valid(sector: str) -> None:
    doc = DOCS[sector]
    start = doc.index("  <persoon>" if sector == "mbo" else "  <inschrijving>")
    end = doc.index("</aanleveren_onderwijsdeelnemers_request>")
    assert _lxml_schema(sector).validate(_parse(doc[:start] + doc[end:]))


def test_ho_uitschrijving_without_reden_is_valid() -> None:
    doc = _mutate("ho", "<redenUitschrijving>9</redenUitschrijving>", "")
    assert _lxml_schema("ho").validate(_parse(doc))


BSN = "<burgerservicenummer>111222333</burgerservicenummer>"
INVALID = [
    pytest.param("ho", BSN, BSN + "<onderwijsnummer>101222331</onderwijsnummer>",
                 id="bsn-and-onderwijsnummer"),
    pytest.param("ho", BSN, "", id="no-bsn-nor-onderwijsnummer"),
    pytest.param("mbo", BSN, "<onderwijsnummer>101222331</onderwijsnummer>" + BSN,
                 id="mbo-onderwijsnummer-and-bsn"),
    pytest.param("mbo", "</aanleveren_onderwijsdeelnemers_request>", MBO_MODULE,
                 id="mbo-moduleInschrijving"),
    pytest.param("ho", "2024-10-01T08:30:00Z", "2024-10-01T08:30:00", id="timestamp-no-zone"),
    pytest.param("ho", "2024-10-01T08:30:00Z", "2024-10-01T10:30:00+02:00",
                 id="timestamp-not-utc"),
    pytest.param("mbo", "2024-10-01T08:30:00.250Z", "2024-10-01", id="timestamp-date-only"),
    pytest.param("ho", "<ontvangendeInstantie>DUO", "<ontvangendeInstantie>RIO",
                 id="ontvangende-instantie-not-duo"),
    pytest.param("ho", "<ontvangendeInstantie>DUO", "<ontvangendeInstantie>duo",
                 id="ontvangende-instantie-lowercase"),
    pytest.param("ho", "<postcode>1234AB</postcode>", "<postcode/>",
                 id="empty-optional-self-closing"),
    pytest.param("ho", "<postcode>1234AB</postcode>", "<postcode></postcode>",
                 id="empty-optional-open-close"),
    pytest.param("ho", "<postcode>1234AB</postcode>", "<postcode>  </postcode>",
                 id="empty-optional-whitespace"),
    pytest.param("ho", "<vooropleiding>00401</vooropleiding>", "",
                 id="vooropleiding-required"),
    pytest.param("ho", "<geboortedatum>2005-03-14</geboortedatum>", "",
                 id="geboortedatum-required-with-a-bsn"),
    pytest.param("mbo", "<geslacht>V</geslacht>", "", id="mbo-geslacht-required-with-a-bsn"),
    pytest.param("mbo", "<niveau>MBO-4</niveau>", "<niveau/>", id="mbo-empty-niveau"),
    pytest.param("mbo", "<onderwijslocatie>123X456", "<onderwijslocatie>123x456",
                 id="mbo-onderwijslocatie-pattern"),
    pytest.param("ho", "<studielast>7.5", "<studielast>0", id="studielast-zero"),
    pytest.param("ho", "<studielast>7.5", "<studielast>7.55", id="studielast-two-decimals"),
    pytest.param("ho", "<studielast>7.5", "<studielast>7,5", id="studielast-comma"),
    pytest.param("ho", "<opleidingcode>34607</opleidingcode>\n    <opleidingsvorm>VOLTIJD"
                 "</opleidingsvorm>", "<opleidingsvorm>VOLTIJD</opleidingsvorm>\n    "
                 "<opleidingcode>34607</opleidingcode>", id="fields-out-of-order"),
    pytest.param("ho", "<inschrijvingsvorm>S</inschrijvingsvorm>\n    <vooropleiding>",
                 "<vooropleiding>", id="required-field-missing"),
    pytest.param("ho", "<vooropleiding>00401</vooropleiding>",
                 "<vooropleiding>00401</vooropleiding><opmerking>x</opmerking>",
                 id="unknown-element"),
    pytest.param("ho", "<brin>99XX</brin>", "<brin>99xx</brin>", id="brin-lowercase"),
    pytest.param("ho", "<postcode>1234AB", "<postcode>1234 AB", id="postcode-space"),
    pytest.param("ho", "<datumInschrijving>2024-09-01", "<datumInschrijving>20240901",
                 id="compact-date"),
    pytest.param("ho", "<datumInschrijving>2024-09-01", "<datumInschrijving>2024-02-30",
                 id="no-such-date"),
    pytest.param("ho", "0b7e7c0e-3f5a-4c1e-9a57-3d1f2b6a9c10", "0b7e7c0e3f5a4c1e9a573d1f2b6a9c10",
                 id="uuid-without-dashes"),
    pytest.param("mbo", "<opleidingcode>25180", "<opleidingcode>2518", id="mbo-crebo-4-digits"),
    pytest.param("mbo", "<datumUitschrijvingGepland>2027-07-31</datumUitschrijvingGepland>",
                 "", id="mbo-planned-end-required"),
    pytest.param("mbo", "<leerbedrijfId>100018965", "<leerbedrijfId>012345678",
                 id="mbo-leerbedrijf-below-range"),
    pytest.param("mbo", "<leerbedrijfId>100018965", "<leerbedrijfId>10001896",
                 id="mbo-leerbedrijf-8-digits"),
    pytest.param("mbo", "<codeKeuzedeel>K0067", "<codeKeuzedeel>0067",
                 id="mbo-keuzedeel-without-k"),
    pytest.param("mbo", "<onderwijsaanbieder>100A501", "<onderwijsaanbieder>100X501",
                 id="mbo-onderwijsaanbieder-pattern"),
    pytest.param("mbo", "<geboortedatum>2007-11-00", "<geboortedatum>2007-11",
                 id="mbo-birth-date-short"),
    pytest.param("mbo", "<inschrijvingvolgnummer>1</inschrijvingvolgnummer>",
                 "<inschrijvingvolgnummer>1-a</inschrijvingvolgnummer>",
                 id="mbo-volgnummer-letters-and-digits-only"),
    pytest.param("mbo", "<bpvVolgnummer>B1</bpvVolgnummer>\n", "",
                 id="mbo-bpv-volgnummer-required"),
    pytest.param("mbo", "</aanleveren_onderwijsdeelnemers_request>",
                 "<uitschrijving><brin>99XX</brin></uitschrijving>"
                 "</aanleveren_onderwijsdeelnemers_request>", id="mbo-old-uitschrijving"),
    pytest.param("ho", 'xmlns="urn:rodcli:schema:ROD_Bulk_HO_V1"',
                 'xmlns="urn:rodcli:schema:ROD_Bulk_MBO_V1"', id="wrong-namespace"),
]


@pytest.mark.parametrize(("sector", "old", "new"), INVALID)
def test_invalid_document_fails(sector: str, old: str, new: str) -> None:
    doc = _mutate(sector, old, new)
    schema = _lxml_schema(sector)
    assert not schema.validate(_parse(doc))
    assert schema.error_log
    assert not _xmlschema(sector).is_valid(doc)


def test_record_validated_on_its_own_reports_the_documents_line() -> None:
    doc = _mutate(
        "ho",
        "<datumUitschrijving>2025-01-31</datumUitschrijving>",
        "<datumUitschrijving>31-01-2025</datumUitschrijving>",
    )
    expected_line = doc.splitlines().index(
        "    <datumUitschrijving>31-01-2025</datumUitschrijving>"
    ) + 1
    root = _parse(doc)
    schema = _lxml_schema("ho")
    for record in root[len(HEADER):]:
        valid = schema.validate(record)
        if etree.QName(record).localname == "uitschrijving":
            assert not valid
            assert schema.error_log[0].line == expected_line
        else:
            assert valid, schema.error_log
