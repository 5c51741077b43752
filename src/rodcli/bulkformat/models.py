"""Record models of ROD bulk v1: structure and single-field formats only.

Rules across fields and records live in ``rodcli.rules``. Field order here is the order of the
XML elements and of the CSV columns; the XSDs in ``schemas/`` follow it (a test checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from rodcli.bulkformat import Sector as Sector
from rodcli.bulkformat.types import (
    Brin,
    Bsn,
    BulkDate,
    CodeAmvbOnderdeel,
    CodeGeneriekExamenonderdeel,
    CodeKeuzedeel,
    CreboCode,
    Deelcijfer,
    Ects,
    Eindcijfer,
    FieldMeta,
    IsatCode,
    LeerbedrijfId,
    LocatiecodeVsv,
    MboVolgnummer,
    OmvangBpv,
    Onderwijsaanbieder,
    Onderwijseenheidcode,
    Onderwijslocatie,
    Onderwijsnummer,
    PartialDate,
    Postcode,
    RedenUitschrijvingCode,
    ValueCode,
    Volgnummer,
    Vrijstelling,
    VrijstellingDeel,
)

RecordType = Literal["persoon", "inschrijving", "moduleInschrijving", "inschrijvingsperiode",
                     "bpv", "uitschrijving", "resultaat", "diploma", "keuzedeel",
                     "generiekExamenonderdeel", "amvbOnderdeel"]
# In the order a bulk file lists them (ho uses inschrijving..resultaat; mbo persoon,
# inschrijving, inschrijvingsperiode, bpv, diploma and the results, as in DUO's RO).
RECORD_TYPES: tuple[RecordType, ...] = (
    "persoon",
    "inschrijving",
    "moduleInschrijving",
    "inschrijvingsperiode",
    "bpv",
    "uitschrijving",
    "resultaat",
    "diploma",
    "keuzedeel",
    "generiekExamenonderdeel",
    "amvbOnderdeel",
)
ENROLMENT_TYPES: frozenset[str] = frozenset({"inschrijving", "moduleInschrijving"})

_DATE = "JJJJ-MM-DD (XML) / JJJJMMDD (CSV)"

DatumInschrijving = Annotated[
    BulkDate, FieldMeta("datum inschrijving", "first day of the enrolment",
                        "eerste dag van de inschrijving", _DATE, source="BRO art. 5.1b")
]
DatumUitschrijving = Annotated[
    BulkDate, FieldMeta("datum uitschrijving", "last day of the enrolment",
                        "laatste dag van de inschrijving", _DATE, source="BRO art. 5.1c")
]
# Birth date and sex go with every personal number, BSN or not (BRO art. 18.1a); ROD keeps
# them only where the BRP lacks them (WRO art. 9, 13). DUO's mbo person record has both
# required for every person.
Geboortedatum = Annotated[
    BulkDate, FieldMeta("geboortedatum", "date of birth of the student",
                        "geboortedatum van de student", _DATE, personal=True,
                        source="BRO art. 4.1f, 18.1a")
]
Geslacht = Annotated[
    ValueCode, FieldMeta("geslacht", "sex of the student", "geslacht van de student",
                         "M, V, O", value_list="Geslacht", personal=True,
                         source="BRO art. 4.1c, 18.1a")
]


class _Base(BaseModel):
    # Built on first use: a file of one sector never pays for the other's models (start-up).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    record_type: ClassVar[RecordType]
    sector: ClassVar[Sector]

    brin: Brin
    burgerservicenummer: Bsn | None = None
    onderwijsnummer: Onderwijsnummer | None = None

    @model_validator(mode="after")
    def _one_personal_number(self) -> _Base:
        if self.burgerservicenummer and self.onderwijsnummer:
            raise PydanticCustomError("rod_pgn_both", "both")
        if not self.burgerservicenummer and not self.onderwijsnummer:
            raise PydanticCustomError("rod_pgn_none", "none")
        return self

    @property
    def pgn(self) -> str:
        """The persoonsgebonden nummer: the BSN, or the onderwijsnummer without one."""
        return self.burgerservicenummer or self.onderwijsnummer or ""

    @property
    def number(self) -> str:
        """What tells this record apart from the student's other records of its type (see
        ``KEY_FIELDS``)."""
        fields = KEY_FIELDS.get(self.record_type, ("inschrijvingvolgnummer",))
        return key_number(self.record_type, {name: getattr(self, name) for name in fields}) or ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.brin, self.pgn, self.number)

    # The field holding the date on which this record's codes must be valid (None: the
    # record has none, and its codes are valid on any date).
    reference_field: ClassVar[str | None]

    @property
    def reference_date(self) -> date | None:
        """The date on which this record's codes must be valid, where the record has one."""
        if self.reference_field is None:
            return None
        day = getattr(self, self.reference_field)
        assert day is None or isinstance(day, date)
        return day


class _Record(_Base):
    inschrijvingvolgnummer: Volgnummer


class _Enrolment(_Record):
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    postcode: Postcode | None = None  # a student abroad has none
    datumInschrijving: DatumInschrijving

    reference_field: ClassVar[str | None] = "datumInschrijving"


class _Deregistration(_Record):
    datumUitschrijving: DatumUitschrijving

    reference_field: ClassVar[str | None] = "datumUitschrijving"


# ---- ho -------------------------------------------------------------------------------------

HoOpleidingcode = Annotated[
    IsatCode, FieldMeta("opleidingcode", "CROHO/ISAT code of the accredited programme",
                        "CROHO/ISAT-code van de geaccrediteerde opleiding",
                        "5 cijfers in een ISAT-bereik", expected_en="5 digits in an ISAT range",
                        source="BRO art. 6.6b; CROHO/ISAT code as in RIO")
]
OpleidingsvormHO = Annotated[
    ValueCode, FieldMeta("opleidingsvorm", "full-time, part-time or dual",
                         "voltijd, deeltijd of duaal", "VOLTIJD, DEELTIJD, DUAAL",
                         value_list="OpleidingsvormHO", source="BRO art. 6.6a; codes RIO")
]
OpleidingsfaseHO = Annotated[
    ValueCode, FieldMeta("opleidingsfase", "phase of the programme (A, B, M, P...)",
                         "fase van de opleiding (A, B, M, P...)", "code",
                         value_list="OpleidingsfaseHO",
                         source="BRO art. 6.6c; codes ROD-HO (1cijferHO)")
]
InschrijvingsvormHO = Annotated[
    ValueCode, FieldMeta("inschrijvingsvorm", "student or extraneus",
                         "student of extraneus", "S, E, T", value_list="InschrijvingsvormHO",
                         source="BRO art. 5.4b; codes ROD-HO (1cijferHO)")
]
VooropleidingHO = Annotated[
    ValueCode, FieldMeta("vooropleiding", "highest prior education (5-digit DUO code)",
                         "hoogste vooropleiding (DUO-code van 5 cijfers)",
                         "5 cijfers, bijv. 00401 (vwo)", expected_en="5 digits, e.g. 00401 (vwo)",
                         value_list="VooropleidingHO",
                         source="BRO art. 5.4a; aggregated codes ROD-HO (1cijferHO Dec_vopl)")
]
Studielast = Annotated[
    Ects, FieldMeta("studielast", "study load of the module in ECTS (> 0)",
                    "studielast van de module in ECTS (> 0)",
                    "getal > 0, hoogstens 1 decimaal, bijv. 7.5",
                    expected_en="number > 0, at most 1 decimal, e.g. 7.5",
                    source="DUO, uitwisselen met ROD (niet-bekostigd ho): each module its own "
                           "enrolment with its ECTS")
]
RedenUitschrijvingHO = Annotated[
    ValueCode, FieldMeta("reden uitschrijving", "code beëindiging 1-9 (optional)",
                         "code beëindiging 1-9 (optioneel)", "1 .. 9",
                         value_list="RedenUitschrijvingHO",
                         source="BRO art. 5.4c, switched off for a rechtspersoon voor ho by art. "
                                "2.2 (so optional); codes ROD-HO code beëindiging")
]
DatumAfsluitendExamen = Annotated[
    BulkDate, FieldMeta("datum afsluitend examen", "date of the final exam (full diploma)",
                        "datum van het afsluitend examen (volledig diploma)", _DATE,
                        source="BRO art. 7.6a, 7.6b")
]


class HoInschrijving(_Enrolment):
    record_type: ClassVar[RecordType] = "inschrijving"
    sector: ClassVar[Sector] = "ho"

    opleidingcode: HoOpleidingcode
    opleidingsvorm: OpleidingsvormHO
    opleidingsfase: OpleidingsfaseHO
    inschrijvingsvorm: InschrijvingsvormHO
    vooropleiding: VooropleidingHO  # BRO art. 5.4a; art. 2.2 exempts rechtspersonen only from 5.4c


class HoModuleInschrijving(_Enrolment):
    record_type: ClassVar[RecordType] = "moduleInschrijving"
    sector: ClassVar[Sector] = "ho"

    opleidingcode: HoOpleidingcode
    onderwijseenheidcode: Onderwijseenheidcode | None = None
    opleidingsvorm: OpleidingsvormHO
    inschrijvingsvorm: InschrijvingsvormHO
    studielast: Studielast


class HoUitschrijving(_Deregistration):
    record_type: ClassVar[RecordType] = "uitschrijving"
    sector: ClassVar[Sector] = "ho"

    redenUitschrijving: RedenUitschrijvingHO | None = None


class HoResultaat(_Record):
    record_type: ClassVar[RecordType] = "resultaat"
    sector: ClassVar[Sector] = "ho"

    opleidingcode: HoOpleidingcode
    opleidingsfase: OpleidingsfaseHO
    datumAfsluitendExamen: DatumAfsluitendExamen

    reference_field: ClassVar[str | None] = "datumAfsluitendExamen"


# ---- mbo ------------------------------------------------------------------------------------
# The mbo records are DUO's entities of the Registratieoverzicht (PvE MBO-instelling v4.8.2,
# chapter 15 / Bijlage 7): one record type per RO record type, DUO's field names in lowerCamel,
# DUO's formats. Where two record types would share a name with another meaning, the name
# carries the entity (opleidingcodeBpv, opleidingcodeDiploma): a mapping's [fields] are shared
# by all record types of a sector.


def _pve(record: str, position: int | str, note: str = "") -> str:
    """The field's place in DUO's RO record layout: ``_pve("ISG", 6)``, or for a field of
    several records ``_pve("DIP 9, AMO 11", "")``."""
    where = (f"DUO PvE MBO-instelling v4.8.2 §15 (RO), {record} pos. {position}" if position != ""
             else f"DUO PvE MBO-instelling v4.8.2 §15 (RO), pos. {record}")
    return f"{where}; {note}" if note else where


_MBO_DATE = "JJJJ-MM-DD"
_VOLGNUMMER = "1-20 letters en cijfers"
_VOLGNUMMER_EN = "1-20 letters and digits"
_NOT_PUBLIC = ("DUO's value list is not public (not in the PvE extract): rodcli checks the "
               "format only, see valuelists.toml")


def _mbo_date(label: str, en: str, nl: str, source: str) -> FieldMeta:
    return FieldMeta(label, en, nl, _MBO_DATE, source=source)


MboInschrijvingvolgnummer = Annotated[
    MboVolgnummer, FieldMeta("inschrijvingvolgnummer", "enrolment sequence number, unique per "
                             "student", "volgnummer van de inschrijving, uniek per student",
                             _VOLGNUMMER, expected_en=_VOLGNUMMER_EN,
                             source=_pve("ISG", 4, "assigned by the institution"))
]
Resultaatvolgnummer = Annotated[
    MboVolgnummer, FieldMeta("resultaatvolgnummer", "sequence number of the diploma or result",
                             "volgnummer van het diploma of resultaat", _VOLGNUMMER,
                             expected_en=_VOLGNUMMER_EN,
                             source=_pve("DIP 4, AMO/GEO/KZD 6", "",
                                         "assigned by the institution"))
]
ResultaatvolgnummerDiploma = Annotated[
    MboVolgnummer, FieldMeta("resultaatvolgnummer diploma", "the diploma this result belongs "
                             "to (empty for a loose result)", "het diploma waar dit resultaat "
                             "bij hoort (leeg bij een los resultaat)", _VOLGNUMMER,
                             expected_en=_VOLGNUMMER_EN, source=_pve("AMO/GEO/KZD", 4))
]
MboGeboortedatum = Annotated[
    PartialDate, FieldMeta("geboortedatum", "date of birth; 00 for an unknown day, or day "
                           "and month", "geboortedatum; 00 voor een onbekende dag, of dag en "
                           "maand", "JJJJ-MM-DD, DD of MM-DD mag 00 zijn",
                           expected_en="YYYY-MM-DD, DD or MM-DD may be 00", personal=True,
                           source=_pve("PER", 4) + "; BRO art. 4.1f, 18.1a")
]
MboGeslacht = Annotated[
    ValueCode, FieldMeta("geslacht", "sex of the student", "geslacht van de student",
                         "M, V, O", value_list="Geslacht", personal=True,
                         source=_pve("PER", 5) + "; BRO art. 4.1c, 18.1a")
]
MboPostcode = Annotated[
    Postcode, FieldMeta("postcode", "postcode of the student's address, where the export has "
                        "it", "postcode van het woonadres, als de export hem heeft",
                        "1234AB, zonder spatie", personal=True,
                        expected_en="1234AB, without space",
                        source="BRO art. 4.1e, 18.1a (not in the RO's PER)")
]
MboDatumInschrijving = Annotated[
    BulkDate, _mbo_date("datum inschrijving", "first day of the enrolment",
                        "eerste dag van de inschrijving", _pve("ISG", 5))
]
DatumUitschrijvingGepland = Annotated[
    BulkDate, _mbo_date("datum uitschrijving gepland", "planned last day of the enrolment",
                        "geplande laatste dag van de inschrijving", _pve("ISG", 6))
]
DatumUitschrijvingWerkelijk = Annotated[
    BulkDate, _mbo_date("datum uitschrijving werkelijk", "actual last day of the enrolment",
                        "werkelijke laatste dag van de inschrijving", _pve("ISG", 7))
]
RedenUitschrijvingMBO = Annotated[
    RedenUitschrijvingCode, FieldMeta("reden uitschrijving", "reason the enrolment ended "
                                      "(DUO's code)", "reden van uitschrijving (code van DUO)",
                                      "2 tekens, bijv. 08", expected_en="2 characters, e.g. 08",
                                      source=_pve("ISG", 8, _NOT_PUBLIC))
]
DatumBeginPeriode = Annotated[
    BulkDate, _mbo_date("datum begin periode", "first day of the enrolment period (the RO "
                        "gives no end: a period lasts until the next)", "eerste dag van de "
                        "inschrijvingsperiode (het RO kent geen einde: tot de volgende)",
                        _pve("ISP", 5))
]
MboOpleidingcode = Annotated[
    CreboCode, FieldMeta("opleidingcode", "CREBO code of the programme in this period",
                         "CREBO-code van de opleiding in deze periode", "5 cijfers",
                         expected_en="5 digits", source=_pve("ISP", 6) + "; BRO art. 6.5b")
]
Leertraject = Annotated[
    ValueCode, FieldMeta("leertraject", "learning pathway (BOL, BBL...)",
                         "leertraject (BOL, BBL...)", "code", value_list="LeertrajectMBO",
                         source=_pve("ISP", 7) + "; list §16.6")
]
Niveau = Annotated[
    ValueCode, FieldMeta("niveau", "level MBO-1 .. MBO-4", "niveau MBO-1 .. MBO-4",
                         "MBO-1 .. MBO-4", value_list="NiveauMBO",
                         source=_pve("ISP", 8) + "; list §16.6")
]
IndicatieBekostigbaar = Annotated[
    ValueCode, FieldMeta("indicatie bekostigbaar", "the institution's funding claim (J/N)",
                         "bekostigingsclaim van de instelling (J/N)", "J, N",
                         value_list="JaNee", source=_pve("ISP", 9))
]
LocatiecodeVsvField = Annotated[
    LocatiecodeVsv, FieldMeta("locatiecode VSV", "NHR vestigingsnummer where the student "
                              "spends most time", "NHR-vestigingsnummer waar de deelnemer de "
                              "meeste tijd doorbrengt", "12 cijfers", expected_en="12 digits",
                              source=_pve("ISP", 10))
]
OnderwijsaanbiederField = Annotated[
    Onderwijsaanbieder, FieldMeta("onderwijsaanbieder", "RIO id of the education provider",
                                  "RIO-id van de onderwijsaanbieder", "123A456",
                                  source=_pve("ISP 11, DIP 9, AMO 11, GEO 16, KZD 12", "",
                                              "RIO nnnAnnn"))
]
MboOnderwijslocatie = Annotated[
    Onderwijslocatie, FieldMeta("onderwijslocatie", "RIO id of the teaching location",
                                "RIO-id van de onderwijslocatie", "123X456",
                                source=_pve("ISP", 12, "required for periods from 2019-08-01 "
                                            "(DUO, uitwisselen met ROD mbo)"))
]
Leerroute = Annotated[
    ValueCode, FieldMeta("leerroute", "vmbo-mbo learning route", "leerroute vmbo-mbo", "DLP",
                         value_list="LeerrouteMBO", source=_pve("ISP", 13))
]
Leerroutefase = Annotated[
    ValueCode, FieldMeta("leerroutefase", "phase of the learning route (VO or MBO)",
                         "fase van de leerroute (VO of MBO)", "VO, MBO",
                         value_list="LeerroutefaseMBO", source=_pve("ISP", 14) + "; list §16.6")
]
BpvVolgnummer = Annotated[
    MboVolgnummer, FieldMeta("BPV-volgnummer", "the institution's number of the "
                             "praktijkovereenkomst", "nummer van de praktijkovereenkomst",
                             _VOLGNUMMER, expected_en=_VOLGNUMMER_EN, source=_pve("BPV", 5))
]
AfsluitdatumBpv = Annotated[
    BulkDate, _mbo_date("afsluitdatum BPV", "date the praktijkovereenkomst was drawn up",
                        "datum waarop de praktijkovereenkomst is opgesteld", _pve("BPV", 6))
]
DatumBeginBpv = Annotated[
    BulkDate, _mbo_date("datum begin BPV", "first day of the BPV", "eerste dag van de BPV",
                        _pve("BPV", 7))
]
DatumEindeBpvGepland = Annotated[
    BulkDate, _mbo_date("datum einde BPV gepland", "planned last day of the BPV",
                        "geplande laatste dag van de BPV", _pve("BPV", 8))
]
DatumEindeBpvWerkelijk = Annotated[
    BulkDate, _mbo_date("datum einde BPV werkelijk", "actual last day of the BPV",
                        "werkelijke laatste dag van de BPV", _pve("BPV", 9))
]
OmvangBpvField = Annotated[
    OmvangBpv, FieldMeta("omvang BPV", "total BPV hours", "totaal aantal uren BPV",
                         "1-4 cijfers", expected_en="1-4 digits", source=_pve("BPV", 10))
]
LeerbedrijfIdField = Annotated[
    LeerbedrijfId, FieldMeta("leerbedrijf-ID", "SBB id of the leerbedrijf",
                             "SBB-id van het leerbedrijf", "9 cijfers, eerste niet 0",
                             expected_en="9 digits, the first not 0",
                             source=_pve("BPV", 11, "SBB leerbedrijf id"))
]
OpleidingcodeBpv = Annotated[
    CreboCode, FieldMeta("opleidingcode BPV", "CREBO code of the programme the BPV belongs to",
                         "CREBO-code van de opleiding waar de BPV bij hoort", "5 cijfers",
                         expected_en="5 digits", source=_pve("BPV", 12))
]
CodeKeuzedeelBpv = Annotated[
    CodeKeuzedeel, FieldMeta("code keuzedeel BPV", "the keuzedeel the BPV belongs to",
                             "keuzedeel waar de BPV bij hoort", "K + 4 cijfers, bijv. K0067",
                             expected_en="K + 4 digits, e.g. K0067", source=_pve("BPV", 13))
]
OpleidingcodeDiploma = Annotated[
    CreboCode, FieldMeta("opleidingcode diploma", "CREBO code of the qualification obtained",
                         "CREBO-code van de behaalde kwalificatie", "5 cijfers",
                         expected_en="5 digits", source=_pve("DIP", 5) + "; BRO art. 7.5a")
]
DatumDiploma = Annotated[
    BulkDate, _mbo_date("datum diploma", "date the diploma was obtained",
                        "datum waarop het diploma is behaald",
                        _pve("DIP", 6, "datum resultaat") + "; BRO art. 7.5b")
]
DiplomaInschrijvingvolgnummer = Annotated[
    MboVolgnummer, FieldMeta("inschrijvingvolgnummer", "the enrolment the diploma or loose "
                             "result was obtained in", "de inschrijving waarin het diploma of "
                             "losse resultaat is behaald", _VOLGNUMMER,
                             expected_en=_VOLGNUMMER_EN,
                             source=_pve("DIP 8, AMO 10, GEO 15, KZD 11", "",
                                         "AMO/GEO/KZD: only for a loose result"))
]
DatumResultaat = Annotated[
    BulkDate, _mbo_date("datum resultaat", "date of a loose result", "datum van een los "
                        "resultaat", _pve("AMO/GEO/KZD", 8))
]
CodeKeuzedeelField = Annotated[
    CodeKeuzedeel, FieldMeta("code keuzedeel", "code of the keuzedeel", "code van het "
                             "keuzedeel", "K + 4 cijfers, bijv. K0067",
                             expected_en="K + 4 digits, e.g. K0067", source=_pve("KZD", 7))
]
ResultaatKeuzedeel = Annotated[
    ValueCode, FieldMeta("resultaat keuzedeel", "Behaald or Niet behaald",
                         "Behaald of Niet behaald", "Behaald, Niet behaald",
                         value_list="ResultaatKeuzedeel", source=_pve("KZD", 9))
]
Certificaat = Annotated[
    ValueCode, FieldMeta("certificaat", "certificate for a loose part (AMvB: always J)",
                         "certificaat voor een los onderdeel (AMvB: altijd J)", "J, N",
                         value_list="JaNee", source=_pve("KZD 10, AMO 9", "",
                                                         "KZD J/N, AMO only J"))
]
CodeGeneriekExamenonderdeelField = Annotated[
    CodeGeneriekExamenonderdeel, FieldMeta(
        "code generiek examenonderdeel", "code of the generic exam part (Dutch, arithmetic, "
        "English)", "code van het generieke examenonderdeel (Nederlands, rekenen, Engels)",
        "4 tekens", expected_en="4 characters", source=_pve("GEO", 7, _NOT_PUBLIC))
]
EindcijferField = Annotated[
    Eindcijfer, FieldMeta("eindcijfer", "final mark", "eindcijfer", "1-2 cijfers",
                          expected_en="1-2 digits", source=_pve("GEO", 9))
]
VrijstellingField = Annotated[
    Vrijstelling, FieldMeta("vrijstelling generiek examenonderdeel", "ground for an exemption "
                            "of the whole part", "grond voor vrijstelling van het hele "
                            "onderdeel", "1-4 tekens", expected_en="1-4 characters",
                            source=_pve("GEO", 10, _NOT_PUBLIC))
]
CijferIe = Annotated[
    Deelcijfer, FieldMeta("cijfer IE", "mark of the institution exam", "cijfer "
                          "instellingsexamen", "2-3 cijfers", expected_en="2-3 digits",
                          source=_pve("GEO", 11))
]
VrijstellingIe = Annotated[
    VrijstellingDeel, FieldMeta("vrijstelling IE", "exemption of the institution exam",
                                "vrijstelling instellingsexamen", "3 tekens",
                                expected_en="3 characters", source=_pve("GEO", 12, _NOT_PUBLIC))
]
CijferCe = Annotated[
    Deelcijfer, FieldMeta("cijfer CE", "mark of the central exam", "cijfer centraal examen",
                          "2-3 cijfers", expected_en="2-3 digits", source=_pve("GEO", 13))
]
VrijstellingCe = Annotated[
    VrijstellingDeel, FieldMeta("vrijstelling CE", "exemption of the central exam",
                                "vrijstelling centraal examen", "3 tekens",
                                expected_en="3 characters", source=_pve("GEO", 14, _NOT_PUBLIC))
]
CodeAmvbOnderdeelField = Annotated[
    CodeAmvbOnderdeel, FieldMeta("code AMvB-onderdeel", "code of the AMvB part",
                                 "code van het AMvB-onderdeel", "5 tekens, bijv. C0004",
                                 expected_en="5 characters, e.g. C0004", source=_pve("AMO", 7))
]


class _MboRecord(_Base):
    sector: ClassVar[Sector] = "mbo"


class MboPersoon(_MboRecord):
    """PER: the person, once per student (birth date and sex, BRO art. 18.1a)."""

    record_type: ClassVar[RecordType] = "persoon"

    geboortedatum: MboGeboortedatum
    geslacht: MboGeslacht
    postcode: MboPostcode | None = None

    reference_field: ClassVar[str | None] = None  # a birth date may have 00: no date


class MboInschrijving(_MboRecord):
    """ISG: the enrolment, with its planned and actual end and the reason it ended."""

    record_type: ClassVar[RecordType] = "inschrijving"

    inschrijvingvolgnummer: MboInschrijvingvolgnummer
    datumInschrijving: MboDatumInschrijving
    datumUitschrijvingGepland: DatumUitschrijvingGepland
    datumUitschrijvingWerkelijk: DatumUitschrijvingWerkelijk | None = None
    redenUitschrijving: RedenUitschrijvingMBO | None = None

    reference_field: ClassVar[str | None] = "datumInschrijving"


class MboInschrijvingsperiode(_MboRecord):
    """ISP: what the student follows from a date on, until the next period."""

    record_type: ClassVar[RecordType] = "inschrijvingsperiode"

    inschrijvingvolgnummer: MboInschrijvingvolgnummer
    datumBeginPeriode: DatumBeginPeriode
    opleidingcode: MboOpleidingcode
    leertraject: Leertraject
    niveau: Niveau | None = None
    indicatieBekostigbaar: IndicatieBekostigbaar | None = None
    locatiecodeVsv: LocatiecodeVsvField | None = None
    onderwijsaanbieder: OnderwijsaanbiederField | None = None
    onderwijslocatie: MboOnderwijslocatie | None = None
    leerroute: Leerroute | None = None
    leerroutefase: Leerroutefase | None = None

    reference_field: ClassVar[str | None] = "datumBeginPeriode"


class MboBpv(_MboRecord):
    """BPV: a praktijkovereenkomst (beroepspraktijkvorming) within an enrolment."""

    record_type: ClassVar[RecordType] = "bpv"

    inschrijvingvolgnummer: MboInschrijvingvolgnummer
    bpvVolgnummer: BpvVolgnummer
    afsluitdatumBpv: AfsluitdatumBpv
    datumBeginBpv: DatumBeginBpv
    datumEindeBpvGepland: DatumEindeBpvGepland
    datumEindeBpvWerkelijk: DatumEindeBpvWerkelijk | None = None
    omvangBpv: OmvangBpvField | None = None
    leerbedrijfId: LeerbedrijfIdField
    opleidingcodeBpv: OpleidingcodeBpv | None = None
    codeKeuzedeelBpv: CodeKeuzedeelBpv | None = None

    reference_field: ClassVar[str | None] = "datumBeginBpv"


class MboDiploma(_MboRecord):
    """DIP: a diploma, with the enrolment it was obtained in where known."""

    record_type: ClassVar[RecordType] = "diploma"

    resultaatvolgnummer: Resultaatvolgnummer
    opleidingcodeDiploma: OpleidingcodeDiploma
    datumDiploma: DatumDiploma
    inschrijvingvolgnummer: DiplomaInschrijvingvolgnummer | None = None
    onderwijsaanbieder: OnderwijsaanbiederField | None = None

    reference_field: ClassVar[str | None] = "datumDiploma"


class _MboPart(_MboRecord):
    # A result on a diploma (resultaatvolgnummerDiploma) or loose (with its date and
    # enrolment); the RO's "opleidingcode diploma" follows from the diploma named.
    reference_field: ClassVar[str | None] = "datumResultaat"

    @property
    def loose(self) -> bool:
        """Not part of a diploma: a loose part has its own date and enrolment."""
        return getattr(self, "resultaatvolgnummerDiploma", None) is None


class MboKeuzedeel(_MboPart):
    """KZD: a keuzedeel result."""

    record_type: ClassVar[RecordType] = "keuzedeel"

    resultaatvolgnummer: Resultaatvolgnummer
    resultaatvolgnummerDiploma: ResultaatvolgnummerDiploma | None = None
    codeKeuzedeel: CodeKeuzedeelField
    datumResultaat: DatumResultaat | None = None
    resultaatKeuzedeel: ResultaatKeuzedeel
    certificaat: Certificaat | None = None
    inschrijvingvolgnummer: DiplomaInschrijvingvolgnummer | None = None
    onderwijsaanbieder: OnderwijsaanbiederField | None = None


class MboGeneriekExamenonderdeel(_MboPart):
    """GEO: a generiek examenonderdeel (Nederlands, rekenen, Engels)."""

    record_type: ClassVar[RecordType] = "generiekExamenonderdeel"

    resultaatvolgnummer: Resultaatvolgnummer
    resultaatvolgnummerDiploma: ResultaatvolgnummerDiploma | None = None
    codeGeneriekExamenonderdeel: CodeGeneriekExamenonderdeelField
    datumResultaat: DatumResultaat | None = None
    eindcijfer: EindcijferField | None = None
    vrijstelling: VrijstellingField | None = None
    cijferIe: CijferIe | None = None
    vrijstellingIe: VrijstellingIe | None = None
    cijferCe: CijferCe | None = None
    vrijstellingCe: VrijstellingCe | None = None
    inschrijvingvolgnummer: DiplomaInschrijvingvolgnummer | None = None
    onderwijsaanbieder: OnderwijsaanbiederField | None = None


class MboAmvbOnderdeel(_MboPart):
    """AMO: an AMvB-onderdeel; a loose one always gives a certificate (J)."""

    record_type: ClassVar[RecordType] = "amvbOnderdeel"

    resultaatvolgnummer: Resultaatvolgnummer
    resultaatvolgnummerDiploma: ResultaatvolgnummerDiploma | None = None
    codeAmvbOnderdeel: CodeAmvbOnderdeelField
    datumResultaat: DatumResultaat | None = None
    certificaat: Certificaat | None = None
    inschrijvingvolgnummer: DiplomaInschrijvingvolgnummer | None = None
    onderwijsaanbieder: OnderwijsaanbiederField | None = None


Record = (
    HoInschrijving
    | HoModuleInschrijving
    | HoUitschrijving
    | HoResultaat
    | MboPersoon
    | MboInschrijving
    | MboInschrijvingsperiode
    | MboBpv
    | MboDiploma
    | MboKeuzedeel
    | MboGeneriekExamenonderdeel
    | MboAmvbOnderdeel
)
RECORD_MODELS: dict[Sector, dict[str, type[Record]]] = {
    "ho": {
        "inschrijving": HoInschrijving,
        "moduleInschrijving": HoModuleInschrijving,
        "uitschrijving": HoUitschrijving,
        "resultaat": HoResultaat,
    },
    "mbo": {
        "persoon": MboPersoon,
        "inschrijving": MboInschrijving,
        "inschrijvingsperiode": MboInschrijvingsperiode,
        "bpv": MboBpv,
        "diploma": MboDiploma,
        "keuzedeel": MboKeuzedeel,
        "generiekExamenonderdeel": MboGeneriekExamenonderdeel,
        "amvbOnderdeel": MboAmvbOnderdeel,
    },
}
# mbo results: keyed by resultaatvolgnummer, not by an enrolment.
MBO_PART_TYPES: frozenset[str] = frozenset({"keuzedeel", "generiekExamenonderdeel",
                                            "amvbOnderdeel"})
# What tells one student's records of a type apart, beyond BRIN and personal number (DUO's
# keys, PvE §15 and the RO contract); a type not listed: the inschrijvingvolgnummer.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "persoon": (),
    "inschrijvingsperiode": ("inschrijvingvolgnummer", "datumBeginPeriode"),
    "bpv": ("inschrijvingvolgnummer", "bpvVolgnummer"),
    "diploma": ("resultaatvolgnummer",),
    **dict.fromkeys(sorted(MBO_PART_TYPES), ("resultaatvolgnummer",)),
}


def key_number(record_type: str, values: Mapping[str, object]) -> str | None:
    """The record's own number within the student (``1``, ``1/2024-08-01``; ``""`` for a
    person), from raw values or a model's; None when a part of it is missing."""
    parts = [values.get(name) for name in KEY_FIELDS.get(record_type,
                                                            ("inschrijvingvolgnummer",))]
    if any(part is None or part == "" for part in parts):
        return None
    return "/".join(str(part) for part in parts)



@cache
def field_meta(model: type[Record], name: str) -> FieldMeta:
    """The documentation of a field, wherever it sits in the annotation (``X | None`` hides
    Annotated metadata from pydantic's ``FieldInfo.metadata``)."""
    field = model.model_fields[name]
    candidates: list[object] = list(field.metadata)
    pending: list[object] = [field.annotation]
    while pending:
        annotation = pending.pop()
        candidates.extend(getattr(annotation, "__metadata__", ()))
        pending.extend(get_args(annotation))
    for item in candidates:
        if isinstance(item, FieldMeta):
            return item
    raise LookupError(f"{model.__name__}.{name} has no FieldMeta")


def field_names(sector: Sector) -> list[str]:
    """Every field of a sector's records, in first-seen order: the CSV column order."""
    names: dict[str, None] = {}
    for model in RECORD_MODELS[sector].values():
        names.update(dict.fromkeys(model.model_fields))
    return list(names)
