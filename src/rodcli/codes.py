"""The catalogue of finding codes: severity, meaning and how to fix, in Dutch and English.

Every finding any layer emits has its code here; ``rodcli codes`` and the docs are made from
this table. Codes are stable: I = input (reading, encoding, layout), X = XSD,
F = field format and value lists, R = rules across fields and records, D = DUO's
registratieoverzicht (RO) as read by rodcli.duo.
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
    # ---- export: administration exports (CSV, XLSX) read by rodcli build ----------------
    _code("E001", N, "export",
          ("Tekenset van de export", "Encoding of the export"),
          ("Export gelezen als {encoding}", "Export read as {encoding}"),
          ("Geen actie nodig als letters als é en ë goed overkomen; zo niet, geef de juiste "
           "tekenset op met --encoding of in [source] van de mapping (bijv. utf-8 of cp1252).",
           "No action needed if letters like é and ë come through right; if not, name the "
           "right encoding with --encoding or in the mapping's [source] (e.g. utf-8 or "
           "cp1252).")),
    _code("E002", E, "export",
          ("Te veel cellen", "Too many cells"),
          ("Rij heeft {found} cellen, de kopregel {expected} kolommen",
           "Row has {found} cells, the header row {expected} columns"),
          ("Geef de extra kolom een naam in de kopregel, of controleer scheidingstekens en "
           "aanhalingstekens in deze rij.",
           "Give the extra column a name in the header row, or check separators and quotes "
           "in this row.")),
    _code("E003", E, "export",
          ("Kolomnamen onbruikbaar", "Column names unusable"),
          ("Kopregel heeft lege of dubbele kolomnamen: {columns}",
           "Header row has empty or duplicate column names: {columns}"),
          ("Geef elke kolom in de kopregel een eigen, niet-lege naam (tussen haakjes staan de "
           "kolomnummers).",
           "Give every column in the header row its own, non-empty name (the column numbers "
           "are in brackets)."),
          no_verdict=True),
    _code("E004", E, "export",
          ("Lege export", "Empty export"),
          ("Export bevat geen kopregel en geen gegevens", "Export holds no header row and no "
           "data"),
          ("Exporteer opnieuw; kies bij een Excel-werkmap met --sheet het werkblad met de "
           "gegevens.",
           "Export again; for an Excel workbook pick the sheet with the data with --sheet."),
          no_verdict=True),
    _code("E005", E, "export",
          ("Geen CSV of Excel", "Not CSV or Excel"),
          ("Inhoud is geen CSV-tekst en geen Excel-werkmap (.xlsx): {found}",
           "Content is neither CSV text nor an Excel workbook (.xlsx): {found}"),
          ("Sla de export op als 'CSV UTF-8' of als Excel-werkmap (.xlsx); oude .xls-bestanden "
           "en werkmappen met een wachtwoord kan rodcli niet lezen.",
           "Save the export as 'CSV UTF-8' or as an Excel workbook (.xlsx); rodcli cannot read "
           "old .xls files or password-protected workbooks."),
          no_verdict=True),
    _code("E006", E, "export",
          ("Werkblad niet gevonden", "Sheet not found"),
          ("Werkblad '{sheet}' bestaat niet; wel: {sheets}",
           "Sheet '{sheet}' does not exist; there are: {sheets}"),
          ("Geef met --sheet een van de genoemde werkbladen op.",
           "Name one of the listed sheets with --sheet."),
          no_verdict=True),
    _code("E007", E, "export",
          ("Excel-ondersteuning ontbreekt", "Excel support missing"),
          ("Voor Excel-werkmappen (.xlsx) is openpyxl nodig en dat is niet geïnstalleerd",
           "Excel workbooks (.xlsx) need openpyxl, which is not installed"),
          ("Installeer het met: pip install 'rodcli[xlsx]' (of exporteer als CSV UTF-8).",
           "Install it with: pip install 'rodcli[xlsx]' (or export as CSV UTF-8)."),
          no_verdict=True),
    _code("E008", E, "export",
          ("Geen Excel-werkmap", "Not an Excel workbook"),
          ("ZIP-bestand is geen leesbare Excel-werkmap (.xlsx): {reason}",
           "ZIP file is not a readable Excel workbook (.xlsx): {reason}"),
          ("Open het bestand in Excel en sla het op als Excel-werkmap (.xlsx); zit de export "
           "in een ZIP, pak hem dan eerst uit.",
           "Open the file in Excel and save it as an Excel workbook (.xlsx); if the export "
           "is inside a ZIP, unpack it first."),
          no_verdict=True),
    _code("E009", E, "export",
          ("Onbekende tekenset", "Unknown encoding"),
          ("Tekenset '{encoding}' is onbekend", "Encoding '{encoding}' is unknown"),
          ("Gebruik bijv. --encoding utf-8, cp1252 of utf-16.",
           "Use e.g. --encoding utf-8, cp1252 or utf-16."),
          no_verdict=True),
    _code("E010", E, "export",
          ("Ongeldig scheidingsteken", "Invalid separator"),
          ("Scheidingsteken '{delimiter}' is ongeldig: verwacht één teken, geen "
           "aanhalingsteken of regeleinde",
           "Separator '{delimiter}' is invalid: expected one character, not a quote or line "
           "break"),
          ("Gebruik bijv. --delimiter ';', ',', '|' of tab.",
           "Use e.g. --delimiter ';', ',', '|' or tab."),
          no_verdict=True),
    _code("E011", E, "export",
          ("Geen teksttekenset", "Not a text encoding"),
          ("'{encoding}' zet bytes niet om in tekst (zoals rot13, zlib, base64, idna); alleen "
           "een tekenset voor tekst kan",
           "'{encoding}' does not turn bytes into text (like rot13, zlib, base64, idna); only "
           "a text encoding will do"),
          ("Gebruik bijv. --encoding utf-8, cp1252 of utf-16 (ook in [source] van de mapping).",
           "Use e.g. --encoding utf-8, cp1252 or utf-16 (also in the mapping's [source])."),
          no_verdict=True),
    _code("I021", E, "input",
          ("XML-tekst geen UTF-8", "XML text not UTF-8"),
          ("XML kan niet gedecodeerd worden: {reason}", "XML cannot be decoded: {reason}"),
          ("Exporteer het bestand als UTF-8 (ROD vraagt UTF-8), met encoding=\"UTF-8\" in de "
           "XML-declaratie.",
           "Export the file as UTF-8 (ROD asks for UTF-8), with encoding=\"UTF-8\" in the XML "
           "declaration.")),
    # ---- XSD ------------------------------------------------------------------------------
    _code("I022", E, "input",
          ("Tijdelijke map vol", "Temporary folder full"),
          ("De tijdelijke map {folder} is vol ({reason}); rodcli heeft er voor deze invoer "
           "ongeveer {needed} nodig",
           "The temporary folder {folder} is full ({reason}); rodcli needs about {needed} there "
           "for this input"),
          ("Maak ruimte vrij in die map, of kies een andere met TMPDIR, bijv. "
           "'TMPDIR=/pad/met/ruimte rodcli ...'.",
           "Free space in that folder, or choose another with TMPDIR, e.g. "
           "'TMPDIR=/path/with/space rodcli ...'."),
          no_verdict=True),
    _code("I023", E, "input",
          ("Geen bulkbestand", "No bulk file"),
          ("Dit kan geen bulkbestand zijn: {reason}; rodcli leest niet verder",
           "This cannot be a bulk file: {reason}; rodcli reads no further"),
          ("Controleer of dit het goede bestand is; een bulkbestand bevat na de kop alleen "
           "records.",
           "Check that this is the right file; after its header a bulk file holds records "
           "only.")),
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
          ("Vul het aantal ECTS van de module in: groter dan 0, hoogstens 1 decimaal met een "
           "punt.",
           "Fill in the module's ECTS: more than 0, at most 1 decimal with a point.")),
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
          ("Datum uitschrijving {date} ligt voor datum inschrijving {begin}{at}",
           "Deregistration date {date} is before enrolment date {begin}{at}"),
          ("Corrigeer een van beide datums in de administratie.",
           "Correct one of the two dates in the administration.")),
    _code("R003", E, "diploma",
          ("Afsluitend examen zonder diploma", "Final exam without diploma"),
          ("Reden uitschrijving '{value}' (afsluitend examen) vraagt een volledig diploma van "
           "deze student; er is geen resultaat voor een volledig diploma",
           "Deregistration reason '{value}' (afsluitend examen) needs a full diploma of this "
           "student; there is no full-diploma result"),
          ("Het diploma hoort als resultaat (datum afsluitend examen) bij de inschrijving voor "
           "de hele opleiding (ad, bachelor of master), niet bij een module-inschrijving; "
           "lever het in dit bestand of geef het eerder geleverde bestand mee met --with. "
           "Geen volledig diploma: laat de reden leeg of kies een andere code (rodcli explain "
           "code-beeindiging).",
           "The diploma belongs as a result (final exam date) with the enrolment for the whole "
           "programme (associate degree, bachelor or master), not with a module enrolment; "
           "deliver it in this file or pass the earlier file with --with. No full diploma: "
           "leave the reason empty or choose another code (rodcli explain "
           "code-beeindiging).")),
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
          ("Elke inschrijving en elke module-inschrijving van een student heeft een eigen "
           "inschrijvingvolgnummer; verwijder het dubbele record of geef het een nieuw "
           "volgnummer.",
           "Every enrolment and every module enrolment of a student has its own "
           "inschrijvingvolgnummer; remove the duplicate or give it a new sequence number.")),
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
    # R008 (personal details with a BSN) and R009 (personal details missing without one) are
    # retired: BRO art. 18.1a has birth date and sex delivered with every personal number, so
    # they are required fields now (F001). Their numbers are not reused.
    _code("R010", E, "diploma",
          ("Geen volledig diploma", "Not a full diploma"),
          ("Resultaat voor opleidingsfase '{value}' is geen volledig diploma (geldig: {expected})",
           "Result for opleidingsfase '{value}' is not a full diploma (valid: {expected})"),
          ("Lever alleen resultaten voor een afgeronde ad-, bachelor- of masteropleiding.",
           "Deliver results only for a completed associate degree, bachelor or master.")),
    _code("R011", E, "sector",
          ("Onderwijslocatie ontbreekt", "Onderwijslocatie missing"),
          ("Onderwijslocatie is verplicht voor inschrijvingsperiodes vanaf 2019-08-01",
           "Onderwijslocatie is required for enrolment periods from 2019-08-01"),
          ("Vul de onderwijslocatiecode uit RIO in (formaat 123X456).",
           "Fill in the onderwijslocatie code from RIO (format 123X456).")),
    _code("R012", W, "dates",
          ("Resultaat voor inschrijving", "Result before enrolment"),
          ("Resultaatdatum {date} ligt voor datum inschrijving {begin}{at}",
           "Result date {date} is before enrolment date {begin}{at}"),
          ("Controleer de examendatum en de inschrijfdatum.",
           "Check the exam date and the enrolment date.")),
    _code("R013", W, "module",
          ("Ongebruikelijke studielast", "Unusual study load"),
          ("Studielast {value} ECTS is meer dan 240 of geen veelvoud van 0,5",
           "Study load {value} ECTS is more than 240 or not a multiple of 0.5"),
          ("Controleer het aantal ECTS van de module in de administratie: modules zijn meestal "
           "een veelvoud van 0,5 (bijv. 7.5 of 15) en een hele opleiding heeft hoogstens 240. "
           "Klopt het, dan kunt u deze waarschuwing negeren.",
           "Check the module's ECTS in the administration: modules are usually a multiple of "
           "0.5 (e.g. 7.5 or 15) and a whole programme has at most 240. If it is right, you "
           "can ignore this warning.")),
    _code("R014", E, "module",
          ("Module dubbel ingeschreven", "Module enrolled twice"),
          ("Module {value} (opleiding {opleidingcode}) van deze student staat ook onder "
           "inschrijvingvolgnummer {other} ({at}), in een periode die hiermee overlapt",
           "Module {value} (programme {opleidingcode}) of this student is also under "
           "inschrijvingvolgnummer {other} ({at}), in a period that overlaps this one"),
          ("Elke module heeft één eigen inschrijving (DUO: voor elke nieuwe module een aparte "
           "inschrijving). Volgt de student de module opnieuw, schrijf dan eerst de vorige "
           "inschrijving uit (datum uitschrijving vóór deze datum inschrijving); is het "
           "dezelfde inschrijving, verwijder dan het dubbele record.",
           "Each module has one enrolment of its own (DUO: a separate enrolment for each new "
           "module). If the student takes the module again, deregister the earlier enrolment "
           "first (deregistration date before this enrolment date); if it is the same "
           "enrolment, remove the duplicate record.")),
    _code("R030", E, "module",
          ("Module gewijzigd sinds levering", "Module changed since delivery"),
          ("Deze module-inschrijving is eerder aangeleverd voor {field_name} '{delivered}' en "
           "staat nu op '{value}'",
           "This module enrolment was delivered before for {field_name} '{delivered}' and now "
           "says '{value}'"),
          ("Een nieuwe module is een nieuwe inschrijving: geef haar een eigen "
           "inschrijvingvolgnummer en schrijf de oude module-inschrijving uit. Was de eerdere "
           "code fout, corrigeer die dan in het Loket.",
           "A new module is a new enrolment: give it its own inschrijvingvolgnummer and "
           "deregister the old module enrolment. If the earlier code was wrong, correct it in "
           "the Loket.")),
    # ---- mbo: DUO's rules of the PvE MBO-instelling (R014 is ho's) --------------------------
    _code("R015", W, "keys",
          ("Geen inschrijving voor dit record", "No enrolment for this record"),
          ("{record_type} hoort bij inschrijving '{number}', maar die staat niet in dit "
           "bestand (of --with) voor deze student",
           "{record_type} belongs to enrolment '{number}', which is not in this file (or "
           "--with) for this student"),
          ("Een inschrijvingsperiode, BPV of diploma hoort bij een inschrijving van dezelfde "
           "student (PvE MBO-instelling). Controleer het inschrijvingvolgnummer; geef het "
           "bestand met de inschrijving mee met --with als het eerder is geleverd.",
           "An enrolment period, BPV or diploma belongs to an enrolment of the same student "
           "(PvE MBO-instelling). Check the inschrijvingvolgnummer; pass the file with the "
           "enrolment via --with if it was delivered earlier.")),
    _code("R016", E, "dates",
          ("Buiten de inschrijving", "Outside the enrolment"),
          ("{record_type} ({dates}) ligt buiten de inschrijving ({begin} t/m {end}){at}",
           "{record_type} ({dates}) lies outside the enrolment ({begin} to {end}){at}"),
          ("Een inschrijvingsperiode, BPV of diploma ligt binnen de datums van de inschrijving "
           "(datum inschrijving t/m datum uitschrijving werkelijk, anders gepland). Corrigeer "
           "de datums in de administratie.",
           "An enrolment period, BPV or diploma lies within the dates of its enrolment (datum "
           "inschrijving up to datum uitschrijving werkelijk, else gepland). Correct the "
           "dates in the administration.")),
    _code("R017", E, "keys",
          ("Twee periodes op één dag", "Two periods on one day"),
          ("Inschrijvingsperiode met datum begin periode {date} staat al op regel {other_line}",
           "Enrolment period with begin date {date} is already on line {other_line}"),
          ("De periodes van één inschrijving beginnen elk op een eigen datum (PvE "
           "MBO-instelling); voeg ze samen of verwijder de dubbele.",
           "The periods of one enrolment each begin on a date of their own (PvE "
           "MBO-instelling); merge them or remove the duplicate.")),
    _code("R018", E, "diploma",
          ("Los AMvB-onderdeel zonder certificaat", "Loose AMvB part without certificate"),
          ("Een los AMvB-onderdeel (zonder resultaatvolgnummer diploma) heeft altijd "
           "certificaat J, niet '{value}'",
           "A loose AMvB part (without resultaatvolgnummer diploma) always has certificaat J, "
           "not '{value}'"),
          ("Vul certificaat J in, of koppel het onderdeel aan zijn diploma met "
           "resultaatvolgnummerDiploma.",
           "Fill in certificaat J, or link the part to its diploma with "
           "resultaatvolgnummerDiploma.")),
    _code("R019", E, "keys",
          ("Persoon ontbreekt", "Person missing"),
          ("Geen persoon-record voor deze student in dit bestand (of --with)",
           "No persoon record for this student in this file (or --with)"),
          ("Lever voor elke student een persoon-record (geboortedatum, geslacht) mee, of geef "
           "het bestand waarin het staat mee met --with.",
           "Deliver a persoon record (birth date, sex) for every student, or pass the file "
           "that holds it via --with.")),
    _code("R020", E, "dates",
          ("Einde voor begin", "End before begin"),
          ("{name} {date} ligt voor {begin_name} {begin}",
           "{name} {date} is before {begin_name} {begin}"),
          ("Corrigeer een van beide datums in de administratie.",
           "Correct one of the two dates in the administration.")),
    _code("R021", E, "keys",
          ("Persoon met andere gegevens", "Person with other details"),
          ("Deze student staat al op regel {other_line} als persoon, met een ander(e) "
           "{fields}",
           "This student is already a person on line {other_line}, with another {fields}"),
          ("Een student heeft één geboortedatum, geslacht en postcode: maak de rijen van deze "
           "student in de administratie gelijk (meestal is één ervan een tikfout).",
           "A student has one birth date, sex and postcode: make this student's rows in the "
           "administration agree (usually one of them is a typo).")),
    # ---- compare: the school's records against ROD's (rodcli compare, build --since) ------
    _code("C001", E, "compare",
          ("Alleen op school", "Only at the school"),
          ("{record_type} staat in de administratie van de school maar niet in ROD",
           "{record_type} is in the school's administration but not in ROD"),
          ("Nog niet aangeleverd: lever het aan. Afgewezen: zoek de foutmelding in het Loket, "
           "herstel en lever opnieuw aan.",
           "Not delivered yet: deliver it. Rejected: look up the error in the Loket, fix it and "
           "deliver again.")),
    _code("C002", E, "compare",
          ("Alleen in ROD", "Only in ROD"),
          ("{record_type} staat in ROD maar niet in de administratie van de school",
           "{record_type} is in ROD but not in the school's administration"),
          ("In het Loket gewijzigd: neem de wijziging over in de administratie. Lokaal "
           "verwijderd: corrigeer of verwijder het record in ROD via het Loket.",
           "Changed in the Loket: copy the change into the administration. Deleted locally: "
           "correct or remove the record in ROD through the Loket.")),
    _code("C003", E, "compare",
          ("Veld verschilt", "Field differs"),
          ("{name}: school '{ours}', ROD '{theirs}' (ROD regel {other_line})",
           "{name}: school '{ours}', ROD '{theirs}' (ROD line {other_line})"),
          ("Bepaal welke waarde klopt: corrigeer de administratie, of lever de juiste waarde "
           "opnieuw aan zodat ROD hem overneemt.",
           "Decide which value is right: correct the administration, or deliver the right "
           "value again so ROD takes it over.")),
    _code("C004", E, "compare",
          ("Persoonsnummer gewijzigd", "Personal number changed"),
          ("Persoonsnummer gewijzigd: school {ours_kind} {ours}, ROD {theirs_kind} {theirs} "
           "(ROD regel {other_line})",
           "Personal number changed: school {ours_kind} {ours}, ROD {theirs_kind} {theirs} "
           "(ROD line {other_line})"),
          ("Een student met een BSN hoort onder het BSN te staan, niet onder het "
           "onderwijsnummer: werk de administratie bij of lever het record opnieuw aan onder "
           "het BSN.",
           "A student with a BSN belongs under the BSN, not the onderwijsnummer: update the "
           "administration or deliver the record again under the BSN.")),
    _code("C005", E, "compare",
          ("Dubbele sleutel aan een kant", "Duplicate key on one side"),
          ("{record_type} met deze sleutel staat ook op regel {other_line} van dit bestand; "
           "alleen dat eerste record is vergeleken",
           "{record_type} with this key is also on line {other_line} of this file; only that "
           "first record was compared"),
          ("Elk record komt per sleutel één keer voor: verwijder het dubbele record of geef "
           "het een eigen inschrijvingvolgnummer.",
           "Each record occurs once per key: remove the duplicate or give it its own "
           "inschrijvingvolgnummer.")),
    _code("C006", W, "compare",
          ("Eerder aangeleverd, niet meer in export", "Delivered before, gone from export"),
          ("{record_type} is eerder aangeleverd maar staat niet meer in de export: mogelijk is "
           "een uitschrijving nodig",
           "{record_type} was delivered before but is no longer in the export: a "
           "deregistration may be due"),
          ("Is de student gestopt, lever dan een uitschrijving aan; hoort het record wel in de "
           "export, controleer dan de export en de mapping.",
           "If the student left, deliver a deregistration; if the record belongs in the "
           "export, check the export and the mapping.")),
    _code("C007", E, "compare",
          ("Vergelijken niet mogelijk", "Comparison not possible"),
          ("Dit bestand is niet volledig gelezen ({reason}); er is niet vergeleken",
           "This file was not read completely ({reason}); nothing was compared"),
          ("Los eerst de genoemde leesfouten op; een half gelezen bestand zou records ten "
           "onrechte als ontbrekend melden.",
           "Fix the read errors named first; a file read only in part would report records "
           "as missing that are not."),
          no_verdict=True),
    _code("C008", N, "compare",
          ("Persoonsnummer gewijzigd sinds levering", "Personal number changed since delivery"),
          ("{record_type} is eerder aangeleverd onder {theirs_kind} {theirs} en staat nu onder "
           "{ours_kind} {ours}; het record wordt opnieuw aangeleverd",
           "{record_type} was delivered under {theirs_kind} {theirs} and is now under "
           "{ours_kind} {ours}; the record is delivered again"),
          ("Geen actie nodig; controleer in het Loket dat ROD het nieuwe nummer overneemt.",
           "No action needed; check in the Loket that ROD takes over the new number.")),
    _code("C009", N, "compare",
          ("Ongewijzigde records overgeslagen", "Unchanged records skipped"),
          ("{count} record(s) ongewijzigd sinds de vorige levering ({file}): niet opnieuw "
           "geschreven",
           "{count} record(s) unchanged since the previous delivery ({file}): not written "
           "again"),
          ("Geen actie nodig; bouw zonder --since voor een volledig bestand.",
           "No action needed; build without --since for a complete file.")),
    _code("C010", E, "compare",
          ("Afgewezen, niet in ROD", "Rejected, not in ROD"),
          ("{record_type} staat niet in ROD en kan zo niet aangeleverd worden: het heeft fouten "
           "(zie de meldingen bij deze regel)",
           "{record_type} is not in ROD and cannot be delivered as it is: it has errors (see "
           "the findings on this line)"),
          ("Herstel de gemelde fouten in de administratie, bouw opnieuw en lever het record "
           "dan aan.",
           "Fix the reported errors in the administration, build again, then deliver the "
           "record.")),
    _code("C011", N, "compare",
          ("Extra ondersteuning niet vergeleken", "Extra support not compared"),
          ("{count} ISE-record(s) (periode extra ondersteuning) in dit registratieoverzicht "
           "zijn niet vergeleken: ROD bulk v1 kent geen periodes extra ondersteuning",
           "{count} ISE record(s) (period of extra support) in this registratieoverzicht were "
           "not compared: ROD bulk v1 has no periods of extra support"),
          ("Geen actie nodig; controleer deze periodes zo nodig in het Loket. Twee "
           "registratieoverzichten onderling vergelijken doet ze wel.",
           "No action needed; check these periods in the Loket if need be. Comparing two "
           "registratieoverzichten does compare them.")),
    _code("C012", N, "compare",
          ("Buiten de selectieperiode", "Outside the selection period"),
          ("{count} record(s) alleen in dit bestand vallen buiten de selectieperiode van het "
           "registratieoverzicht aan de andere kant ({begin} t/m {end}) en zijn niet "
           "vergeleken",
           "{count} record(s) only in this file lie outside the selection period of the "
           "registratieoverzicht on the other side ({begin} to {end}) and were not compared"),
          ("Geen actie nodig. Wilt u ze toch vergelijken, vraag dan een registratieoverzicht "
           "aan met een ruimere selectieperiode.",
           "No action needed. To compare them too, request a registratieoverzicht with a "
           "wider selection period.")),
    _code("C013", N, "compare",
          ("Recordsoort niet in het registratieoverzicht",
           "Record type not in the registratieoverzicht"),
          ("{count} record(s) van soort {record_type} zijn niet vergeleken: het "
           "registratieoverzicht heeft daar geen tegenhanger voor",
           "{count} record(s) of type {record_type} were not compared: the "
           "registratieoverzicht has no counterpart for them"),
          ("Geen actie nodig als dit de verwachte recordsoort is; anders: maak het "
           "bulkbestand opnieuw met de huidige versie van rodcli (mbo volgens DUO's "
           "entiteiten).",
           "No action needed if this record type is expected; otherwise build the bulk file "
           "again with the current rodcli (mbo on DUO's entities).")),
    # Between two registratieoverzichten neither side is the school's: what changed at DUO.
    _code("C014", E, "compare",
          ("Alleen in RO 1", "Only in RO 1"),
          ("{record_type} staat in het eerste registratieoverzicht (RO 1) maar niet in het "
           "tweede (RO 2)",
           "{record_type} is in the first registratieoverzicht (RO 1) but not in the second "
           "(RO 2)"),
          ("Sinds RO 1 is dit uit ROD verdwenen (gewijzigd in het Loket, of een levering): ga "
           "na of dat klopt.",
           "Since RO 1 it has gone from ROD (changed in the Loket, or by a delivery): check "
           "that this is right.")),
    _code("C015", E, "compare",
          ("Alleen in RO 2", "Only in RO 2"),
          ("{record_type} staat in het tweede registratieoverzicht (RO 2) maar niet in het "
           "eerste (RO 1)",
           "{record_type} is in the second registratieoverzicht (RO 2) but not in the first "
           "(RO 1)"),
          ("Sinds RO 1 in ROD gekomen (een levering, of een wijziging in het Loket): ga na of "
           "dat klopt.",
           "Added to ROD since RO 1 (a delivery, or a change in the Loket): check that this "
           "is right.")),
    _code("C016", E, "compare",
          ("Veld gewijzigd tussen RO's", "Field changed between ROs"),
          ("{name}: RO 1 '{ours}', RO 2 '{theirs}' (RO 2 regel {other_line})",
           "{name}: RO 1 '{ours}', RO 2 '{theirs}' (RO 2 line {other_line})"),
          ("DUO heeft deze waarde tussen de twee overzichten gewijzigd: ga na of dat klopt en "
           "neem het zo nodig over in de administratie.",
           "DUO changed this value between the two overviews: check that this is right and "
           "copy it into the administration if need be.")),
    # ---- ro: DUO's Registratieoverzicht (read by rodcli.duo.registratieoverzicht) -----------
    _code("D001", E, "ro",
          ("Geen registratieoverzicht", "Not a registratieoverzicht"),
          ("Inhoud is geen registratieoverzicht (RO) van DUO: de eerste regel is geen VLP of "
           "SLR en begint niet met een recordsoort",
           "Content is not a DUO registratieoverzicht (RO): the first line is no VLP or SLR "
           "and does not start with a record type"),
          ("Kies het CSV-bestand RO_99XX_…_….CSV zoals DUO het levert, niet uitgepakt of "
           "omgezet.",
           "Pick the CSV file RO_99XX_…_….CSV as DUO delivers it, not unpacked or converted."),
          no_verdict=True),
    _code("D002", E, "ro",
          ("Onbekende recordsoort in RO", "Unknown record type in RO"),
          ("Regel begint met '{value}', geen recordsoort van het RO gevolgd door '{delimiter}'",
           "Line starts with '{value}', not an RO record type followed by '{delimiter}'"),
          ("Vraag het overzicht opnieuw aan bij DUO; het bestand is beschadigd of met de hand "
           "bewerkt.",
           "Request the overview from DUO again; the file is damaged or was edited by hand.")),
    _code("D003", E, "ro",
          ("Te veel velden", "Too many fields"),
          ("{record}-regel heeft {found} velden en gevulde velden na veld {expected}",
           "{record} line has {found} fields, with filled ones after field {expected}"),
          ("Een scheidingsteken in een waarde verschuift de velden: vraag het overzicht "
           "opnieuw aan bij DUO.",
           "A separator inside a value shifts the fields: request the overview from DUO "
           "again.")),
    _code("D004", E, "ro",
          ("Verplicht RO-veld leeg", "Required RO field empty"),
          ("Verplicht veld {field} is leeg of ontbreekt",
           "Required field {field} is empty or missing"),
          ("Een ontbrekend veld verschuift de rest van de regel: vraag het overzicht opnieuw "
           "aan bij DUO.",
           "A missing field shifts the rest of the line: request the overview from DUO "
           "again.")),
    _code("D005", E, "ro",
          ("Ongeldige datum", "Invalid date"),
          ("{field} '{value}' is geen geldige datum (JJJJ-MM-DD of D-M-JJJJ)",
           "{field} '{value}' is not a valid date (YYYY-MM-DD or D-M-YYYY)"),
          ("Open het RO niet in een spreadsheet (die zet datums om); vraag het opnieuw aan.",
           "Do not open the RO in a spreadsheet (it converts dates); request it again.")),
    _code("D006", E, "ro",
          ("Ongeldige waarde", "Invalid value"),
          ("{field} '{value}' past niet (verwacht {expected})",
           "{field} '{value}' does not fit (expected {expected})"),
          ("Controleer of de velden van deze regel verschoven zijn; vraag het overzicht "
           "anders opnieuw aan bij DUO.",
           "Check whether this line's fields have shifted; otherwise request the overview "
           "from DUO again.")),
    _code("D007", E, "ro",
          ("Burgerservicenummer en onderwijsnummer", "BSN and onderwijsnummer"),
          ("Precies één van burgerservicenummer en onderwijsnummer hoort gevuld te zijn; hier "
           "zijn het er {count}",
           "Exactly one of burgerservicenummer and onderwijsnummer must be filled; here "
           "{count} are"),
          ("De regel is verschoven of beschadigd; vraag het overzicht opnieuw aan bij DUO.",
           "The line has shifted or is damaged; request the overview from DUO again.")),
    _code("D008", E, "ro",
          ("Ongeldig persoonsnummer", "Invalid personal number"),
          ("{field} is geen geldig nummer (negen cijfers, elfproef)",
           "{field} is not a valid number (nine digits, eleven-test)"),
          ("DUO levert alleen geldige nummers: het bestand is na DUO gewijzigd. Vraag het "
           "opnieuw aan.",
           "DUO delivers valid numbers only: the file was changed after DUO. Request it "
           "again.")),
    _code("D009", E, "ro",
          ("Voorlooprecord ontbreekt", "Opening record missing"),
          ("Het RO heeft geen voorlooprecord (VLP): BRIN en selectieperiode zijn onbekend",
           "The RO has no opening record (VLP): BRIN and selection period are unknown"),
          ("Vraag het overzicht opnieuw aan; zonder periode vergelijkt rodcli alle records.",
           "Request the overview again; without a period rodcli compares every record.")),
    _code("D010", E, "ro",
          ("Sluitrecord ontbreekt", "Closing record missing"),
          ("Het RO heeft geen sluitrecord (SLR): het bestand is mogelijk afgebroken",
           "The RO has no closing record (SLR): the file may be cut short"),
          ("Download het overzicht opnieuw; een afgebroken bestand mist records.",
           "Download the overview again; a file cut short misses records.")),
    _code("D011", E, "ro",
          ("Voorloop- of sluitrecord misplaatst", "Opening or closing record misplaced"),
          ("Een RO heeft precies één {record}, als eerste of laatste regel; dit is een "
           "tweede of staat ertussen",
           "An RO has exactly one {record}, as its first or last line; this is a second one "
           "or stands in between"),
          ("Het bestand is samengevoegd of bewerkt; gebruik het overzicht zoals DUO het "
           "levert.",
           "The file was joined or edited; use the overview as DUO delivers it.")),
    _code("D012", E, "ro",
          ("Telling sluitrecord klopt niet", "Closing record count differs"),
          ("Het sluitrecord telt {expected} {record}-records, het bestand bevat er {found}",
           "The closing record counts {expected} {record} records, the file holds {found}"),
          ("Het bestand is onvolledig of bewerkt; download het overzicht opnieuw.",
           "The file is incomplete or was edited; download the overview again.")),
    _code("D013", E, "ro",
          ("Bestandsnaam en voorlooprecord verschillen", "File name and opening record differ"),
          ("{field} is volgens de bestandsnaam {name}, volgens het voorlooprecord {found}",
           "{field} is {name} according to the file name, {found} according to the opening "
           "record"),
          ("Controleer of dit het overzicht van de juiste instelling en periode is; hernoem "
           "DUO-bestanden niet.",
           "Check that this is the overview of the right institution and period; do not "
           "rename DUO's files.")),
    _code("D014", N, "ro",
          ("Bestandsnaam niet van DUO", "File name not DUO's"),
          ("Bestandsnaam '{name}' heeft niet de vorm RO_99XX_EEJJMMDD_EEJJMMDD.CSV: BRIN en "
           "periode zijn niet met de naam vergeleken",
           "File name '{name}' is not of the form RO_99XX_EEJJMMDD_EEJJMMDD.CSV: BRIN and "
           "period were not checked against the name"),
          ("Houd DUO's bestandsnaam aan, dan controleert rodcli BRIN en periode ook daartegen.",
           "Keep DUO's file name, so rodcli checks BRIN and period against it too.")),
    _code("D015", W, "ro",
          ("Record buiten zijn persoon", "Record outside its person"),
          ("{record}-regel hoort bij een andere persoon dan de PER erboven",
           "{record} line belongs to another person than the PER above it"),
          ("Het bestand is gesorteerd of bewerkt; gebruik het overzicht zoals DUO het levert.",
           "The file was sorted or edited; use the overview as DUO delivers it.")),
    _code("D016", W, "ro",
          ("Onbekende verwijzing", "Unknown reference"),
          ("{record}-regel verwijst naar {parent} {value}, die niet eerder bij deze persoon "
           "staat",
           "{record} line refers to {parent} {value}, which does not come earlier for this "
           "person"),
          ("Het bestand is gesorteerd of bewerkt; gebruik het overzicht zoals DUO het levert.",
           "The file was sorted or edited; use the overview as DUO delivers it.")),
    _code("D017", E, "ro",
          ("Dubbel record", "Duplicate record"),
          ("{record} {key} staat al eerder in het RO", "{record} {key} occurs earlier in the RO"),
          ("Het bestand is samengevoegd of bewerkt; alleen het eerste record telt mee.",
           "The file was joined or edited; only the first record counts.")),
    _code("D018", W, "ro",
          ("Personen niet gesorteerd", "Persons not sorted"),
          ("PER staat niet in oplopende volgorde (eerst burgerservicenummers, dan "
           "onderwijsnummers)",
           "PER is not in ascending order (burgerservicenummers first, then "
           "onderwijsnummers)"),
          ("Het bestand is gesorteerd of bewerkt; dubbele personen vallen dan niet op.",
           "The file was sorted or edited; duplicate persons then go unnoticed.")),
    _code("D019", E, "ro",
          ("RO-regel te lang", "RO line too long"),
          ("Regel is langer dan {limit} bytes en is niet gelezen",
           "Line is longer than {limit} bytes and was not read"),
          ("Een RO-regel telt een paar honderd tekens: het bestand is beschadigd. Vraag het "
           "opnieuw aan bij DUO.",
           "An RO line holds a few hundred characters: the file is damaged. Request it from "
           "DUO again.")),
    _code("D020", N, "ro",
          ("RO met ';'", "RO with ';'"),
          ("Velden zijn gescheiden door ';', niet door '|' zoals het PvE zegt; gelezen met ';'",
           "Fields are separated by ';', not by '|' as the PvE says; read with ';'"),
          ("Geen actie nodig; het bestand is waarschijnlijk via een spreadsheet opgeslagen.",
           "No action needed; the file was probably saved through a spreadsheet.")),
    _code("D021", N, "ro",
          ("Datums als d-m-jjjj", "Dates as d-m-yyyy"),
          ("Datums staan als d-m-jjjj, niet als jjjj-mm-dd; gelezen als dag-maand-jaar",
           "Dates are written d-m-yyyy, not yyyy-mm-dd; read as day-month-year"),
          ("Geen actie nodig; open het RO liever niet in een spreadsheet.",
           "No action needed; better not open the RO in a spreadsheet.")),
    _code("D022", N, "ro",
          ("Regels op vaste breedte", "Lines of fixed width"),
          ("Regel heeft {found} velden waar het PvE er {expected} geeft; lege velden aan het "
           "eind zijn aangevuld of weggelaten",
           "Line has {found} fields where the PvE gives {expected}; empty fields at the end "
           "were added or left out"),
          ("Geen actie nodig; lege velden aan het eind van een regel tellen als leeg.",
           "No action needed; empty fields at the end of a line count as empty.")),
    _code("D023", N, "ro",
          ("Voorloopnullen aangevuld", "Leading zeros restored"),
          ("{field} is korter dan zijn vaste lengte; voorloopnullen zijn aangevuld (8 wordt "
           "08)",
           "{field} is shorter than its fixed length; leading zeros were restored (8 becomes "
           "08)"),
          ("Geen actie nodig; een spreadsheet laat voorloopnullen vallen.",
           "No action needed; a spreadsheet drops leading zeros.")),
    _code("D024", N, "ro",
          ("Sluitrecord eerst", "Closing record first"),
          ("Het sluitrecord (SLR) staat vooraan en het voorlooprecord (VLP) achteraan",
           "The closing record (SLR) comes first and the opening record (VLP) last"),
          ("Geen actie nodig; de volgorde is omgedraaid, de inhoud is gelezen.",
           "No action needed; the order is reversed, the content was read.")),
    _code("D025", N, "ro",
          ("Extra veld in DIP", "Extra field in DIP"),
          ("DIP heeft een extra leeg veld op positie 7 (niet in het PvE, wel in elke "
           "bekende levering); Indicatie bekostigbaar gelezen van positie 8",
           "DIP has an extra empty field at position 7 (not in the PvE, but in every known "
           "delivery); Indicatie bekostigbaar read from position 8"),
          ("Geen actie nodig.", "No action needed.")),
    _code("D026", N, "ro",
          ("RO in Windows-1252", "RO in Windows-1252"),
          ("Tekst is geen UTF-8 (byte {byte}); vanaf hier gelezen als Windows-1252",
           "Text is not UTF-8 (byte {byte}); read as Windows-1252 from here on"),
          ("Geen actie nodig; het bestand is waarschijnlijk via een spreadsheet opgeslagen.",
           "No action needed; the file was probably saved through a spreadsheet.")),
    _code("D027", N, "ro",
          ("Lege regels", "Empty lines"),
          ("Het RO bevat lege regels; die zijn overgeslagen",
           "The RO holds empty lines; they were skipped"),
          ("Geen actie nodig.", "No action needed.")),
    # ---- mapping (build) ------------------------------------------------------------------
    _code("M001", E, "mapping",
          ("Mapping onleesbaar", "Mapping unreadable"),
          ("Mappingbestand kan niet gelezen worden: {reason}",
           "Mapping file cannot be read: {reason}"),
          ("Controleer het pad en de TOML-syntaxis (rodcli init maakt een opzet).",
           "Check the path and the TOML syntax (rodcli init drafts one)."),
          no_verdict=True),
    _code("M002", E, "mapping",
          ("Kolom niet in export", "Column not in export"),
          ("Mapping noemt kolom '{column}' voor {field}, maar de export heeft die kolom niet",
           "Mapping names column '{column}' for {field}, but the export has no such column"),
          ("Neem de kolomnaam precies over uit de kopregel van de export: {expected}.",
           "Copy the column name exactly from the export's header row: {expected}."),
          no_verdict=True),
    _code("M003", E, "mapping",
          ("Ongeldige mapping", "Invalid mapping"),
          ("Mapping-onderdeel '{key}' is ongeldig: {reason}",
           "Mapping entry '{key}' is invalid: {reason}"),
          ("Zie de opzet van rodcli init en docs/mapping.md voor de vorm.",
           "See the draft from rodcli init and docs/mapping.md for the shape."),
          no_verdict=True),
    _code("M004", E, "mapping",
          ("Vertaling geeft geen geldige code", "Translation gives no valid code"),
          ("Vertaling {source} -> '{value}' voor {field} staat niet in waardenlijst {valuelist}",
           "Translation {source} -> '{value}' for {field} is not in value list {valuelist}"),
          ("Vertaal naar een code uit de waardenlijst: {expected}.",
           "Translate to a code from the value list: {expected}."),
          no_verdict=True),
    _code("M005", E, "mapping",
          ("Datumnotatie onbekend", "Date notation unknown"),
          ("Datumnotatie '{value}' voor {field} wordt niet ondersteund",
           "Date notation '{value}' for {field} is not supported"),
          ("Gebruik een van: DD-MM-JJJJ, D-M-JJJJ, JJJJ-MM-DD, JJJJMMDD, DD/MM/JJJJ, DD.MM.JJJJ "
           "(JJJJ mag ook YYYY zijn).",
           "Use one of: DD-MM-YYYY, D-M-YYYY, YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, DD.MM.YYYY."),
          no_verdict=True),
    _code("M006", E, "mapping",
          ("Verplicht veld niet gemapt", "Required field not mapped"),
          ("{field} is verplicht voor {record_type}, maar de mapping vult het niet",
           "{field} is required for {record_type}, but the mapping does not fill it"),
          ("Wijs in [fields] een kolom of een vaste waarde toe aan {field}.",
           "Assign a column or a constant value to {field} in [fields]."),
          no_verdict=True),
    _code("M007", E, "mapping",
          ("Waarde zonder vertaling", "Value without translation"),
          ("Waarde '{value}' in kolom {column} heeft geen vertaling naar {field}",
           "Value '{value}' in column {column} has no translation to {field}"),
          ("Voeg '{value}' toe aan de codes-tabel van {field} in de mapping, of corrigeer de "
           "waarde in de administratie.",
           "Add '{value}' to the codes table of {field} in the mapping, or correct the value in "
           "the administration.")),
    _code("M008", E, "mapping",
          ("Datum in andere notatie", "Date in another notation"),
          ("Waarde '{value}' in kolom {column} is geen datum in de notatie {expected}",
           "Value '{value}' in column {column} is not a date in notation {expected}"),
          ("Corrigeer de datum in de administratie of pas de datumnotatie in de mapping aan.",
           "Correct the date in the administration or change the date notation in the "
           "mapping.")),
    _code("M009", W, "mapping",
          ("Voorloopnul aangevuld", "Leading zero restored"),
          ("{field} in kolom {column} had 8 cijfers; aangevuld met een voorloopnul tot {value}",
           "{field} in column {column} had 8 digits; padded with a leading zero to {value}"),
          ("Zet de kolom in Excel op 'Tekst' zodat voorloopnullen blijven staan.",
           "Format the column as 'Text' in Excel so leading zeros are kept.")),
    _code("M010", E, "mapping",
          ("Rij levert geen record", "Row yields no record"),
          ("Deze rij voldoet aan geen enkele voorwaarde in [records] en levert geen record op",
           "This row meets no condition in [records] and yields no record"),
          ("Vul de kolommen die [records] gebruikt, of pas de voorwaarden aan.",
           "Fill the columns that [records] uses, or adjust the conditions.")),
    _code("M011", E, "mapping",
          ("Mapping voor andere sector", "Mapping for another sector"),
          ("Mapping is voor sector {found}, gevraagd is {expected}",
           "Mapping is for sector {found}, {expected} was asked for"),
          ("Kies de mapping van de juiste sector of pas --sector aan.",
           "Choose the mapping of the right sector or change --sector."),
          no_verdict=True),
    _code("M012", E, "mapping",
          ("Onverwachte celwaarde", "Unexpected cell value"),
          ("Cel in kolom {column} bevat {value}, geen geldige waarde voor {field}",
           "Cell in column {column} holds {value}, not a valid value for {field}"),
          ("Corrigeer de cel in de administratie of de export.",
           "Correct the cell in the administration or the export.")),
    _code("M013", N, "mapping",
          ("Decimaalkomma omgezet", "Decimal comma converted"),
          ("{field} in kolom {column}: '{value}' gelezen als {converted}",
           "{field} in column {column}: '{value}' read as {converted}"),
          ("Geen actie nodig: ROD vraagt een decimale punt en rodcli zet de komma om.",
           "No action needed: ROD asks for a decimal point and rodcli converts the comma.")),
    # ---- build ----------------------------------------------------------------------------
    _code("B001", E, "build",
          ("Uitvoer bestaat al", "Output exists"),
          ("{file} bestaat al; rodcli overschrijft het alleen met --force",
           "{file} already exists; rodcli replaces it only with --force"),
          ("Kies een ander -o-pad of geef --force.", "Choose another -o path or pass --force."),
          no_verdict=True),
    _code("B002", E, "build",
          ("mbo levert geen CSV", "mbo delivers no CSV"),
          ("--sector mbo met --format csv: mbo-instellingen leveren alleen XML aan",
           "--sector mbo with --format csv: mbo institutions deliver XML only"),
          ("Gebruik --format xml voor mbo.", "Use --format xml for mbo."),
          no_verdict=True),
    _code("B003", E, "build",
          ("Schrijven mislukt", "Writing failed"),
          ("{file} kan niet geschreven worden: {reason}; er is niets achtergelaten",
           "{file} cannot be written: {reason}; nothing was left behind"),
          ("Controleer schrijfrechten en vrije schijfruimte in de doelmap.",
           "Check write permission and free disk space in the target folder."),
          no_verdict=True),
    _code("B004", N, "build",
          ("Rijen afgewezen", "Rows rejected"),
          ("{count} rij(en) met fouten staan in {file}, met per rij wat er mis is",
           "{count} row(s) with errors are in {file}, each with what is wrong"),
          ("Herstel de rijen in de administratie en bouw opnieuw.",
           "Fix the rows in the administration and build again.")),
    _code("B005", E, "build",
          ("Niets geschreven", "Nothing written"),
          ("{count} rij(en) hebben fouten; er is geen bulkbestand geschreven",
           "{count} row(s) have errors; no bulk file was written"),
          ("Herstel de rijen, of geef --rejects BESTAND om de goede rijen toch te schrijven en "
           "de foute apart te zetten.",
           "Fix the rows, or pass --rejects FILE to write the good rows anyway and set the bad "
           "ones apart.")),
    _code("B006", E, "build",
          ("Interne fout in uitvoer", "Internal error in output"),
          ("Het geschreven bestand haalt de eigen controle niet ({reason}); er is niets "
           "geschreven",
           "The written file fails rodcli's own check ({reason}); nothing was written"),
          ("Dit is een fout in rodcli: meld het met --debug-uitvoer.",
           "This is a bug in rodcli: report it with --debug output."),
          no_verdict=True),
    _code("B007", E, "build",
          ("Export niet helemaal gelezen", "Export not read to the end"),
          ("De export kan niet tot het einde gelezen worden; er is geen bulkbestand geschreven",
           "The export cannot be read to its end; no bulk file was written"),
          ("Herstel de plek die de eerdere melding noemt (vaak een aanhalingsteken dat niet "
           "sluit) en bouw opnieuw.",
           "Repair the place the earlier finding names (often a quote that does not close) and "
           "build again."),
          no_verdict=True),
    _code("B008", E, "build",
          ("Uitvoer is een invoer", "Output is an input"),
          ("{file} is ook een invoer van deze run ({input}); rodcli overschrijft zijn invoer "
           "nooit",
           "{file} is also an input of this run ({input}); rodcli never overwrites its input"),
          ("Kies een ander pad voor -o, --rejects of --report (validate, compare: -o).",
           "Choose another path for -o, --rejects or --report (validate, compare: -o)."),
          no_verdict=True),
    _code("B009", W, "build",
          ("Geen rijen om te leveren", "No rows to deliver"),
          ("Geen enkele rij kan geleverd worden; er is geen bulkbestand geschreven",
           "Not one row can be delivered; no bulk file was written"),
          ("Herstel de afgewezen rijen (zie de meldingen of het rejects-bestand).",
           "Fix the rejected rows (see the findings or the rejects file).")),
    _code("B010", E, "build",
          ("Twee uitvoerbestanden zijn een", "Two outputs are one file"),
          ("{first} en {second} zijn hetzelfde bestand; het ene zou het andere overschrijven",
           "{first} and {second} are the same file; one would overwrite the other"),
          ("Geef -o, --rejects en --report elk een eigen pad (ook niet via een link of '..').",
           "Give -o, --rejects and --report a path each (not the same through a link or "
           "'..' either)."),
          no_verdict=True),
]

CATALOGUE: dict[str, CodeInfo] = {entry.code: entry for entry in _ENTRIES}


def message(finding: Finding, lang: Lang) -> str:
    return _fill(CATALOGUE[finding.code].message.get(lang), finding, lang)


def hint(finding: Finding, lang: Lang) -> str:
    return _fill(CATALOGUE[finding.code].hint.get(lang), finding, lang)


def title(code: str, lang: Lang) -> str:
    return CATALOGUE[code].title.get(lang)


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _fill(template: str, finding: Finding, lang: Lang) -> str:
    """The template with the finding's params; a param ``NAME_en`` is ``NAME`` in English
    (a value with words in it, such as an expected format, comes in both languages)."""
    params = _Params(finding.params)
    if lang == "en":
        params.update({name[:-3]: value for name, value in finding.params.items()
                       if name.endswith("_en")})
    return template.format_map(params)
