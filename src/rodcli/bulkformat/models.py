"""Record models of ROD bulk v1: structure and single-field formats only.

Rules across fields and records live in ``rodcli.rules``. Field order here is the order of the
XML elements and of the CSV columns; the XSDs in ``schemas/`` follow it (a test checks).
"""

from __future__ import annotations

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
    CreboCode,
    Ects,
    FieldMeta,
    IsatCode,
    Onderwijseenheidcode,
    Onderwijslocatie,
    Onderwijsnummer,
    Postcode,
    ValueCode,
    Volgnummer,
)

RecordType = Literal["inschrijving", "moduleInschrijving", "uitschrijving", "resultaat"]
RECORD_TYPES: tuple[RecordType, ...] = (
    "inschrijving",
    "moduleInschrijving",
    "uitschrijving",
    "resultaat",
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


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    record_type: ClassVar[RecordType]
    sector: ClassVar[Sector]

    brin: Brin
    burgerservicenummer: Bsn | None = None
    onderwijsnummer: Onderwijsnummer | None = None
    inschrijvingvolgnummer: Volgnummer

    @model_validator(mode="after")
    def _one_personal_number(self) -> _Record:
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
    def key(self) -> tuple[str, str, str]:
        return (self.brin, self.pgn, self.inschrijvingvolgnummer)

    # The field holding the date on which this record's codes must be valid.
    reference_field: ClassVar[str]

    @property
    def reference_date(self) -> date:
        """The date on which this record's codes must be valid."""
        day = getattr(self, self.reference_field)
        assert isinstance(day, date)
        return day


class _Enrolment(_Record):
    geboortedatum: Geboortedatum
    geslacht: Geslacht
    postcode: Postcode | None = None  # a student abroad has none
    datumInschrijving: DatumInschrijving

    reference_field: ClassVar[str] = "datumInschrijving"


class _Deregistration(_Record):
    datumUitschrijving: DatumUitschrijving

    reference_field: ClassVar[str] = "datumUitschrijving"


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

    reference_field: ClassVar[str] = "datumAfsluitendExamen"


# ---- mbo ------------------------------------------------------------------------------------

MboOpleidingcode = Annotated[
    CreboCode, FieldMeta("opleidingcode", "CREBO code of the qualification, dossier or domain",
                         "CREBO-code van kwalificatie, dossier of domein", "5 cijfers",
                         expected_en="5 digits",
                         source="BRO art. 6.5b")
]
Leerweg = Annotated[
    ValueCode, FieldMeta("leerweg", "learning pathway (BOL, BBL...)", "leerweg (BOL, BBL...)",
                         "code", value_list="LeerwegMBO",
                         source="BRO art. 6.5d; codes DUO PvE MBO (leertraject)")
]
OpleidingsvormMBO = Annotated[
    ValueCode, FieldMeta("opleidingsvorm", "full-time or part-time", "voltijd of deeltijd",
                         "VOLTIJD, DEELTIJD", value_list="OpleidingsvormMBO",
                         source="BRO art. 6.5a")
]
Niveau = Annotated[
    ValueCode, FieldMeta("niveau", "level, for a domain or dossier", "niveau, bij domein of "
                         "dossier", "MBO-1 .. MBO-4", value_list="NiveauMBO",
                         source="BRO art. 6.5c, 7.5a; codes DUO PvE MBO")
]
DoorlopendeLeerroute = Annotated[
    ValueCode, FieldMeta("doorlopende leerroute", "continuous vmbo-mbo route indicator",
                         "indicatie doorlopende leerroute vmbo-mbo", "code",
                         value_list="DoorlopendeLeerroute", source="BRO art. 6.5e; codes RIO")
]
RedenUitschrijvingMBO = Annotated[
    ValueCode, FieldMeta("reden uitschrijving", "reason for deregistration (required in mbo)",
                         "reden van uitschrijving (verplicht in het mbo)", "01 .. 09",
                         value_list="RedenUitschrijvingMBO",
                         source="BRO art. 5.3f; codes BRON mbo reden uitstroom")
]
BehaaldeKwalificatie = Annotated[
    CreboCode, FieldMeta("behaalde kwalificatie", "CREBO code of the qualification obtained",
                         "CREBO-code van de behaalde kwalificatie", "5 cijfers",
                         expected_en="5 digits",
                         source="BRO art. 7.5a")
]
DatumDiploma = Annotated[
    BulkDate, FieldMeta("datum diploma", "date the diploma was obtained",
                        "datum waarop het diploma is behaald", _DATE, source="BRO art. 7.5b")
]


class MboInschrijving(_Enrolment):
    record_type: ClassVar[RecordType] = "inschrijving"
    sector: ClassVar[Sector] = "mbo"

    opleidingcode: MboOpleidingcode
    leerweg: Leerweg
    opleidingsvorm: OpleidingsvormMBO
    niveau: Niveau | None = None
    onderwijslocatie: Onderwijslocatie | None = None
    doorlopendeLeerroute: DoorlopendeLeerroute | None = None


class MboUitschrijving(_Deregistration):
    record_type: ClassVar[RecordType] = "uitschrijving"
    sector: ClassVar[Sector] = "mbo"

    redenUitschrijving: RedenUitschrijvingMBO


class MboResultaat(_Record):
    record_type: ClassVar[RecordType] = "resultaat"
    sector: ClassVar[Sector] = "mbo"

    behaaldeKwalificatie: BehaaldeKwalificatie
    datumDiploma: DatumDiploma
    niveau: Niveau | None = None

    reference_field: ClassVar[str] = "datumDiploma"


Record = (
    HoInschrijving
    | HoModuleInschrijving
    | HoUitschrijving
    | HoResultaat
    | MboInschrijving
    | MboUitschrijving
    | MboResultaat
)
RECORD_MODELS: dict[Sector, dict[str, type[Record]]] = {
    "ho": {
        "inschrijving": HoInschrijving,
        "moduleInschrijving": HoModuleInschrijving,
        "uitschrijving": HoUitschrijving,
        "resultaat": HoResultaat,
    },
    "mbo": {
        "inschrijving": MboInschrijving,
        "uitschrijving": MboUitschrijving,
        "resultaat": MboResultaat,
    },
}


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
