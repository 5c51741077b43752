"""The catalogue of finding codes: severity, meaning and how to fix, in Dutch and English.

Every finding any layer emits has its code here; ``rodcli codes`` and the docs are made from
this table. Codes are stable: I = input (reading, encoding, layout), X = XSD,
F = field format and value lists, R = rules across fields and records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rodcli.findings import Finding, Severity

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO  # N: a note


@dataclass(frozen=True, slots=True)
class Text:
    nl: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True, slots=True)
class CodeInfo:
    code: str
    severity: Severity
    family: str
    title: Text
    message: Text  # str.format template over the finding's params
    hint: Text
    no_verdict: bool = False  # the file could not be judged at all: exit 2


def _code(
    code: str,
    severity: Severity,
    family: str,
    title: tuple[str, str],
    message: tuple[str, str],
    hint: tuple[str, str],
    *,
    no_verdict: bool = False,
) -> CodeInfo:
    return CodeInfo(code, severity, family, Text(*title), Text(*message), Text(*hint), no_verdict)


_ENTRIES = [
    # ---- input: reading, encoding, layout -------------------------------------------------
    _code("I001", E, "input",
          ("Bestand niet leesbaar", "File not readable"),
          ("Bestand kan niet gelezen worden: {reason}", "File cannot be read: {reason}"),
          ("Controleer het pad en de leesrechten.", "Check the path and read permissions."),
          no_verdict=True),
    _code("I002", E, "input",
          ("Geen UTF-8", "Not UTF-8"),
          ("Tekst is geen UTF-8 (byte {byte}); rodcli leest verder als {assumed}",
           "Text is not UTF-8 (byte {byte}); rodcli reads on as {assumed}"),
          ("Sla het bestand op als UTF-8 (in Excel: 'CSV UTF-8'), of laat rodcli build het "
           "omzetten.",
           "Save the file as UTF-8 (in Excel: 'CSV UTF-8'), or let rodcli build convert it.")),
    _code("I003", W, "input",
          ("Byte order mark", "Byte order mark"),
          ("Bestand begint met een UTF-8 byte order mark (BOM)",
           "File starts with a UTF-8 byte order mark (BOM)"),
          ("Sla op als UTF-8 zonder BOM; niet elk systeem leest de BOM goed.",
           "Save as UTF-8 without BOM; not every system reads the BOM correctly.")),
    _code("I004", E, "input",
          ("XML niet welgevormd", "XML not well-formed"),
          ("XML is niet welgevormd: {reason}", "XML is not well-formed: {reason}"),
          ("Het bestand is afgebroken of met de hand bewerkt; maak het opnieuw aan vanuit de "
           "administratie.",
           "The file is truncated or was edited by hand; export it again from the "
           "administration.")),
    _code("I005", E, "input",
          ("Onbekend bestandstype", "Unknown file type"),
          ("Inhoud is geen ROD-bulkbestand: geen XML en geen CSV-kopregel met kolom "
           "'recordtype'",
           "Content is not a ROD bulk file: no XML and no CSV header row with a 'recordtype' "
           "column"),
          ("Lever een XML-bestand of een CSV-bestand met de kopregel van ROD bulk v1 "
           "(zie 'rodcli schema').",
           "Supply an XML file or a CSV file with the ROD bulk v1 header row "
           "(see 'rodcli schema').")),
    _code("I006", E, "input",
          ("Onbekend XML-document", "Unknown XML document"),
          ("Hoofdelement {found} is geen ROD bulk v1-document (verwacht {expected})",
           "Root element {found} is not a ROD bulk v1 document (expected {expected})"),
          ("Gebruik de namespace van ROD bulk v1, of controleer tegen een eigen XSD met "
           "--schema.",
           "Use the ROD bulk v1 namespace, or check against your own XSD with --schema.")),
    _code("I007", E, "input",
          ("Leeg bestand", "Empty file"),
          ("Bestand is leeg", "File is empty"),
          ("Exporteer opnieuw; er staan geen gegevens in.",
           "Export again; the file holds no data.")),
    _code("I008", E, "input",
          ("Onbekende kolom", "Unknown column"),
          ("Kolom '{column}' hoort niet bij ROD bulk v1 voor ho",
           "Column '{column}' is not part of ROD bulk v1 for ho"),
          ("Verwijder de kolom of hernoem hem naar een veld uit 'rodcli schema'.",
           "Remove the column or rename it to a field listed by 'rodcli schema'.")),
    _code("I009", E, "input",
          ("Kolom ontbreekt", "Column missing"),
          ("Kolom '{column}' ontbreekt in de kopregel", "Column '{column}' is missing from the "
           "header row"),
          ("Neem alle kolommen van ROD bulk v1 op in de kopregel, ook als ze leeg blijven.",
           "Include every ROD bulk v1 column in the header row, even if it stays empty.")),
    _code("I010", E, "input",
          ("Aantal kolommen", "Column count"),
          ("Regel heeft {found} kolommen, de kopregel {expected}",
           "Row has {found} columns, the header row {expected}"),
          ("Controleer scheidingstekens (;) en aanhalingstekens in deze regel.",
           "Check separators (;) and quotes in this row.")),
    _code("I011", E, "input",
          ("Onbekend recordtype", "Unknown record type"),
          ("Recordtype '{value}' is onbekend (geldig: {expected})",
           "Record type '{value}' is unknown (valid: {expected})"),
          ("Vul in de kolom recordtype een van de genoemde waarden in.",
           "Fill the recordtype column with one of the listed values.")),
    _code("I012", W, "input",
          ("Kolomvolgorde", "Column order"),
          ("Kolommen staan in een andere volgorde dan ROD bulk v1 ({expected})",
           "Columns are in another order than ROD bulk v1 ({expected})"),
          ("Zet de kolommen in de vaste volgorde; het Loket kan de vaste volgorde verwachten.",
           "Put the columns in the fixed order; the Loket may expect the fixed order.")),
    _code("I013", E, "input",
          ("mbo in CSV", "mbo in CSV"),
          ("mbo-gegevens in een CSV-bestand ({reason}); mbo levert alleen XML aan",
           "mbo data in a CSV file ({reason}); mbo delivers XML only"),
          ("Maak voor mbo een XML-bestand: rodcli build --sector mbo --format xml.",
           "Make an XML file for mbo: rodcli build --sector mbo --format xml.")),
    _code("I014", E, "input",
          ("Verkeerde sector", "Wrong sector"),
          ("Bestand is voor sector {found}, gevraagd is {expected}",
           "File is for sector {found}, {expected} was asked for"),
          ("Controleer --sector of kies het juiste bestand.",
           "Check --sector or pick the right file.")),
    _code("I015", W, "input",
          ("Geen records", "No records"),
          ("Bestand bevat geen records", "File holds no records"),
          ("Controleer of de export gegevens bevat.", "Check that the export holds data.")),
    _code("I016", E, "input",
          ("DOCTYPE niet toegestaan", "DOCTYPE not allowed"),
          ("XML bevat een DOCTYPE-declaratie; die wordt om veiligheidsredenen niet verwerkt",
           "XML holds a DOCTYPE declaration; it is not processed, for security"),
          ("Verwijder de DOCTYPE-regel; ROD-bestanden gebruiken geen DTD of entiteiten.",
           "Remove the DOCTYPE line; ROD files use no DTD or entities.")),
    _code("I017", E, "input",
          ("XSD niet bruikbaar", "XSD unusable"),
          ("Schema {schema} kan niet gebruikt worden: {reason}",
           "Schema {schema} cannot be used: {reason}"),
          ("Controleer het pad van --schema en of het een geldig XSD-bestand is.",
           "Check the --schema path and that it is a valid XSD file."),
          no_verdict=True),
    _code("I018", E, "input",
          ("Geen UTF-8 gedeclareerd", "Not declared as UTF-8"),
          ("XML-declaratie noemt encoding '{found}'; ROD vraagt UTF-8",
           "XML declaration names encoding '{found}'; ROD asks for UTF-8"),
          ("Exporteer het bestand als UTF-8 met encoding=\"UTF-8\" in de XML-declaratie.",
           "Export the file as UTF-8 with encoding=\"UTF-8\" in the XML declaration.")),
    _code("I019", N, "input",
          ("Alleen XSD gecontroleerd", "Only the XSD was checked"),
          ("Hoofdelement {found} is niet van ROD bulk v1: alleen --schema is gecontroleerd, "
           "niet de regels van rodcli",
           "Root element {found} is not ROD bulk v1: only --schema was checked, not rodcli's "
           "rules"),
          ("Geen actie nodig; voor de volledige controle gebruikt u een ROD bulk v1-bestand.",
           "No action needed; for the full check use a ROD bulk v1 file.")),
    _code("I020", E, "input",
          ("CSV onleesbaar", "CSV unreadable"),
          ("CSV kan vanaf hier niet gelezen worden: {reason}",
           "CSV cannot be read from here on: {reason}"),
          ("Controleer aanhalingstekens en uitzonderlijk lange velden rond deze regel.",
           "Check quotes and unusually long fields around this line.")),
    # ---- XSD ------------------------------------------------------------------------------
    _code("X001", E, "xsd",
          ("XSD-fout", "XSD violation"),
          ("{reason}", "{reason}"),
          ("Pas het element aan zodat het aan het schema voldoet (zie 'rodcli schema --xsd').",
           "Change the element so it matches the schema (see 'rodcli schema --xsd').")),
    # ---- fields ---------------------------------------------------------------------------
    _code("F001", E, "field",
          ("Verplicht veld leeg", "Required field empty"),
          ("{name} is verplicht en ontbreekt", "{name} is required and "
           "missing"),
          ("Vul {label} in de administratie in voor dit record.",
           "Fill in {label} in the administration for this record.")),
    _code("F002", E, "field",
          ("Verkeerd formaat", "Wrong format"),
          ("{name} heeft waarde '{value}', verwacht {expected}",
           "{name} has value '{value}', expected {expected}"),
          ("Corrigeer de waarde in de administratie.", "Correct the value in the "
           "administration.")),
    _code("F003", E, "field",
          ("Geen bestaande datum", "Not a real date"),
          ("{name} '{value}' is geen bestaande kalenderdatum",
           "{name} '{value}' is not a real calendar date"),
          ("Corrigeer de datum; let op dag en maand (bijv. 31 november bestaat niet).",
           "Correct the date; check day and month (e.g. 31 November does not exist).")),
    _code("F004", E, "field",
          ("Veld hoort niet bij recordtype", "Field not part of record type"),
          ("{field} hoort niet bij een {record_type}-record",
           "{field} is not part of a {record_type} record"),
          ("Laat dit veld leeg voor dit recordtype.", "Leave this field empty for this "
           "record type.")),
    _code("F005", E, "field",
          ("Onbekende code", "Unknown code"),
          ("{name} '{value}' staat niet in waardenlijst {valuelist}",
           "{name} '{value}' is not in value list {valuelist}"),
          ("Gebruik een code uit de waardenlijst (hoofdlettergevoelig): {expected}.",
           "Use a code from the value list (case-sensitive): {expected}.")),
    _code("F006", E, "field",
          ("Code niet geldig op datum", "Code not valid on date"),
          ("{name} '{value}' is geldig van {begin} tot {end}, niet op {date}",
           "{name} '{value}' is valid from {begin} until {end}, not on {date}"),
          ("Gebruik de code die op de datum van het record geldig is.",
           "Use the code that is valid on the record's date.")),
    _code("F007", E, "field",
          ("BSN ongeldig", "BSN invalid"),
          ("Burgerservicenummer {value} voldoet niet aan de elfproef",
           "Burgerservicenummer {value} fails the eleven-test"),
          ("Controleer het BSN tegen het identiteitsbewijs of de BRP; vaak is een cijfer "
           "verwisseld.",
           "Check the BSN against the ID document or the BRP; often two digits are swapped.")),
    _code("F008", E, "field",
          ("Onderwijsnummer ongeldig", "Onderwijsnummer invalid"),
          ("Onderwijsnummer {value} is ongeldig (begint met 10, elfproef rest 5)",
           "Onderwijsnummer {value} is invalid (starts with 10, eleven-test remainder 5)"),
          ("Neem het onderwijsnummer over zoals DUO het heeft toegekend.",
           "Copy the onderwijsnummer exactly as DUO issued it.")),
    _code("F009", E, "field",
          ("BSN én onderwijsnummer", "Both BSN and onderwijsnummer"),
          ("Record heeft zowel een burgerservicenummer als een onderwijsnummer",
           "Record has both a burgerservicenummer and an onderwijsnummer"),
          ("Lever alleen het BSN; het onderwijsnummer alleen als er geen BSN is.",
           "Deliver only the BSN; the onderwijsnummer only when there is no BSN.")),
    _code("F010", E, "field",
          ("Geen persoonsnummer", "No personal number"),
          ("Record heeft geen burgerservicenummer en geen onderwijsnummer",
           "Record has neither a burgerservicenummer nor an onderwijsnummer"),
          ("Vul het BSN in, of bij gebrek daaraan het onderwijsnummer van DUO.",
           "Fill in the BSN, or when there is none the onderwijsnummer from DUO.")),
    _code("F011", E, "field",
          ("ISAT/CROHO-code buiten bereik", "ISAT/CROHO code out of range"),
          ("Opleidingscode {value} valt in geen ISAT-bereik (hbo/wo ba, ma, ad, pm, o)",
           "Opleidingscode {value} is in no ISAT range (hbo/wo ba, ma, ad, pm, o)"),
          ("Gebruik de CROHO/ISAT-code van de geaccrediteerde opleiding zoals in RIO.",
           "Use the CROHO/ISAT code of the accredited programme as registered in RIO.")),
    _code("F012", E, "field",
          ("Studielast ongeldig", "Study load invalid"),
          ("Studielast (ECTS) '{value}' is ongeldig: verwacht {expected}",
           "Study load (ECTS) '{value}' is invalid: expected {expected}"),
          ("Vul het aantal ECTS van de module in: groter dan 0, hoogstens 240, "
           "hoogstens 1 decimaal met een punt.",
           "Fill in the module's ECTS: more than 0, at most 240, at most 1 decimal with a "
           "point.")),
    _code("F013", E, "field",
          ("Datumnotatie", "Date notation"),
          ("{name} '{value}' heeft de verkeerde notatie, verwacht {expected}",
           "{name} '{value}' has the wrong notation, expected {expected}"),
          ("Schrijf datums in CSV als JJJJMMDD en in XML als JJJJ-MM-DD.",
           "Write dates in CSV as YYYYMMDD and in XML as YYYY-MM-DD.")),
    # ---- rules ----------------------------------------------------------------------------
    _code("R001", E, "sector",
          ("Module-inschrijving in mbo", "Module enrolment in mbo"),
          ("Module-inschrijvingen bestaan alleen in het ho, niet in het mbo",
           "Module enrolments exist only in ho, not in mbo"),
          ("Lever in het mbo een gewone inschrijving op een CREBO-code.",
           "In mbo, deliver a normal enrolment on a CREBO code.")),
    _code("R002", E, "dates",
          ("Uitschrijving voor inschrijving", "Deregistration before enrolment"),
          ("Datum uitschrijving {date} ligt voor datum inschrijving {begin} (regel {other_line})",
           "Deregistration date {date} is before enrolment date {begin} (line {other_line})"),
          ("Corrigeer een van beide datums in de administratie.",
           "Correct one of the two dates in the administration.")),
    _code("R003", E, "diploma",
          ("Afsluitend examen zonder diploma", "Final exam without diploma"),
          ("Reden uitschrijving '{value}' vraagt een resultaat voor een volledig diploma bij "
           "deze inschrijving; dat ontbreekt",
           "Deregistration reason '{value}' needs a full-diploma result for this enrolment; "
           "there is none"),
          ("Lever het resultaat (datum afsluitend examen) mee, ook via --with, of kies een "
           "andere reden.",
           "Deliver the result (final exam date) too, also via --with, or choose another "
           "reason.")),
    _code("R004", E, "diploma",
          ("Resultaat bij module", "Result for a module"),
          ("Resultaat hoort bij een module-inschrijving (regel {other_line}); losse modules "
           "krijgen geen resultaat",
           "Result belongs to a module enrolment (line {other_line}); loose modules get no "
           "result"),
          ("Lever alleen resultaten voor een volledig diploma; schrijf de module uit zonder "
           "resultaat.",
           "Deliver results only for a full diploma; deregister the module without a result.")),
    _code("R005", E, "keys",
          ("Dubbele sleutel", "Duplicate key"),
          ("{record_type} met deze sleutel staat al op regel {other_line}",
           "{record_type} with this key is already on line {other_line}"),
          ("Elke inschrijving heeft een eigen inschrijvingvolgnummer; verwijder het dubbele "
           "record of geef het een nieuw volgnummer.",
           "Every enrolment has its own inschrijvingvolgnummer; remove the duplicate or give "
           "it a new sequence number.")),
    _code("R006", W, "keys",
          ("Uitschrijving zonder inschrijving", "Deregistration without enrolment"),
          ("Geen inschrijving met deze sleutel in dit bestand (of --with)",
           "No enrolment with this key in this file (or --with)"),
          ("Controleer het inschrijvingvolgnummer; geef het bestand met de inschrijving mee "
           "met --with als het eerder is geleverd.",
           "Check the inschrijvingvolgnummer; pass the file with the enrolment via --with if "
           "it was delivered earlier.")),
    _code("R007", W, "keys",
          ("Resultaat zonder inschrijving", "Result without enrolment"),
          ("Geen inschrijving met deze sleutel in dit bestand (of --with)",
           "No enrolment with this key in this file (or --with)"),
          ("Controleer het inschrijvingvolgnummer; geef het bestand met de inschrijving mee "
           "met --with als het eerder is geleverd.",
           "Check the inschrijvingvolgnummer; pass the file with the enrolment via --with if "
           "it was delivered earlier.")),
    _code("R008", W, "privacy",
          ("Persoonsgegevens bij BSN", "Personal details with BSN"),
          ("{field} is meegeleverd terwijl er een BSN is; ROD haalt dit uit de BRP",
           "{field} is delivered although there is a BSN; ROD takes it from the BRP"),
          ("Laat geboortedatum, geslacht en postcode weg als er een BSN is "
           "(dataminimalisatie).",
           "Leave out birth date, sex and postcode when there is a BSN (data minimisation).")),
    _code("R009", E, "privacy",
          ("Persoonsgegevens ontbreken", "Personal details missing"),
          ("{field} is verplicht bij een onderwijsnummer (geen BSN)",
           "{field} is required with an onderwijsnummer (no BSN)"),
          ("Vul geboortedatum en geslacht in voor studenten zonder BSN.",
           "Fill in birth date and sex for students without a BSN.")),
    _code("R010", E, "diploma",
          ("Geen volledig diploma", "Not a full diploma"),
          ("Resultaat voor opleidingsfase '{value}' is geen volledig diploma (geldig: {expected})",
           "Result for opleidingsfase '{value}' is not a full diploma (valid: {expected})"),
          ("Lever alleen resultaten voor een afgeronde ad-, bachelor- of masteropleiding.",
           "Deliver results only for a completed associate degree, bachelor or master.")),
    _code("R011", E, "sector",
          ("Onderwijslocatie ontbreekt", "Onderwijslocatie missing"),
          ("Onderwijslocatie is verplicht voor inschrijvingen vanaf 2019-08-01",
           "Onderwijslocatie is required for enrolments from 2019-08-01"),
          ("Vul de onderwijslocatiecode uit RIO in (formaat 123X456).",
           "Fill in the onderwijslocatie code from RIO (format 123X456).")),
    _code("R012", W, "dates",
          ("Resultaat voor inschrijving", "Result before enrolment"),
          ("Resultaatdatum {date} ligt voor datum inschrijving {begin} (regel {other_line})",
           "Result date {date} is before enrolment date {begin} (line {other_line})"),
          ("Controleer de examendatum en de inschrijfdatum.",
           "Check the exam date and the enrolment date.")),
]

CATALOGUE: dict[str, CodeInfo] = {entry.code: entry for entry in _ENTRIES}


def message(finding: Finding, lang: Lang) -> str:
    return _fill(CATALOGUE[finding.code].message.get(lang), finding)


def hint(finding: Finding, lang: Lang) -> str:
    return _fill(CATALOGUE[finding.code].hint.get(lang), finding)


def title(code: str, lang: Lang) -> str:
    return CATALOGUE[code].title.get(lang)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, finding: Finding) -> str:
    return template.format_map(_Params(finding.params))
