"""Reader for ROD bulk v1 XML files (ho and mbo), streaming in flat memory.

libxml2's streaming validation reports every error at line 0, so each record is validated
on its own as it is read (the XSD declares record elements globally for this), which keeps
exact lines; the header is validated at the end against the root with its records removed.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import RECORD_TYPES, Sector
from rodcli.bulkformat.xsd import builtin_schema, secure_parser
from rodcli.findings import FileReport, Finding, Location, make_finding
from rodcli.masking import mask_pgn
from rodcli.records import RECORDS_END, RETAINED_RECORDS, Locator, Position, RawRecord, RecordsEnd

_SECTOR_BY_NAMESPACE: dict[str, Sector] = {ns: sector for sector, ns in NAMESPACES.items()}
# Only namespace URIs in Clark notation ({urn:...}Name); "{4}" or "{'DUO'}" in a message stay.
_LIBXML_POSITION = re.compile(r",? line [0-9]+, column [0-9]+$")
_CLARK = re.compile(r"\{[^}\s']*:[^}\s']*\}")
_ELEMENT_IN_MESSAGE = re.compile(r"Element '(?:\{[^}]*\})?([A-Za-z_][\w.-]*)'")
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
PROLOG_SNIFF_BYTES = 1 << 16
# What no bulk file comes near, checked as the document streams in, so that memory stays
# bounded whatever the document: elements in the root that are not (yet handled) records, the
# root's attributes (each one an XSD error of its own), and bytes read without a record
# ending (a huge comment, CDATA section or attribute that libxml2 would buffer whole).
MAX_ROOT_CHILDREN = 10_000
MAX_SCHEMA_FINDINGS = 100  # XSD errors kept of one record, or of the root
MAX_ATTRIBUTES = 64
MAX_BYTES_BETWEEN_RECORDS = 32 << 20
# A bulk file's root start tag ends within its first kilobyte. libxml2 builds a start tag
# only once it is complete, so 300,000 attributes on the root (a 3 MiB tag) would all be
# built before the attribute bound above could look: the bytes before it are bounded too.
MAX_BYTES_BEFORE_ROOT = 1 << 20


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


_EXPECTED_IN_MESSAGE = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")


def elements_named(reason: str) -> set[str]:
    """Element names an XSD message speaks of: the element itself and what was expected."""
    names = set(_ELEMENT_IN_MESSAGE.findall(reason))
    for group in _EXPECTED_IN_MESSAGE.findall(reason):
        names.update(_CLARK.sub("", name).strip() for name in group.split(","))
    return names


# Element names (ours, DUO's, or a vendor's) that hold a personal number.
_PGN_ELEMENT = re.compile(r"burgerservicenummer|onderwijsnummer|bsn|pgn|persoonsgebonden",
                          re.IGNORECASE)
_QUOTED = re.compile(r"'[^']*'")


def schema_findings(error_log: etree._ListErrorLog, file: str) -> list[Finding]:
    """XSD errors as findings: namespaces stripped from the message, the element as field,
    and the value masked when the element holds a personal number (any length: a mistyped
    BSN of 8 or 10 digits is still somebody's)."""
    findings = []
    # An element with thousands of bad attributes or children gets a finding for each from
    # libxml2: the first ones say what is wrong; the rest would only fill memory.
    for entry in itertools.islice(error_log, MAX_SCHEMA_FINDINGS):
        element = _ELEMENT_IN_MESSAGE.search(entry.message)
        name = element.group(1) if element else None
        reason = _CLARK.sub("", entry.message)
        if name and _PGN_ELEMENT.search(name):
            reason = f"Element '{name}'" + _QUOTED.sub(
                lambda quoted: "'" + mask_pgn(quoted.group(0)[1:-1]) + "'",
                reason.removeprefix(f"Element '{name}'"))
        findings.append(
            make_finding(
                "X001",
                Location(file, entry.line or None, entry.column or None, field=name),
                reason=reason,
            )
        )
    return findings


def _check_prolog(head: bytes, file: str) -> Iterator[Finding]:
    if head.startswith(b"\xef\xbb\xbf"):
        yield make_finding("I003", Location(file, 1, 1))
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or is_utf16_without_bom(head):
        yield make_finding("I002", Location(file, 1, 1), byte=f"0x{head[0]:02X}", assumed="UTF-16")
    declared = _DECLARED_ENCODING.search(head[:512])
    if declared and declared.group(1).decode("ascii").lower() not in ("utf-8", "utf8"):
        yield make_finding("I018", Location(file, 1, 1), found=declared.group(1).decode("ascii"))


def is_utf16_without_bom(head: bytes) -> bool:
    """A document in UTF-16 without a byte order mark: its '<' comes with a NUL byte, which
    libxml2 reads as UTF-16 (the declaration, in UTF-16 itself, is not seen by a byte
    search for 'encoding=')."""
    return head.startswith((b"<\x00", b"\x00<"))


class _TooMuch(Exception):
    """What the guard found: this cannot be a bulk file, read no further."""


class _Guard(io.RawIOBase):
    """The document's bytes for libxml2, with the bounds checked before each read."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.root: etree._Element | None = None
        self.since_record = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.root is not None and len(self.root) > MAX_ROOT_CHILDREN:
            raise _TooMuch(f"more than {MAX_ROOT_CHILDREN:,} elements in the root that are "
                           "no records")
        if self.root is None and self.since_record > MAX_BYTES_BEFORE_ROOT:
            raise _TooMuch(f"no root element of a bulk file in the first "
                           f"{MAX_BYTES_BEFORE_ROOT >> 20} MiB")
        if self.since_record > MAX_BYTES_BETWEEN_RECORDS:
            raise _TooMuch(f"more than {MAX_BYTES_BETWEEN_RECORDS >> 20} MiB without a "
                           "record ending")
        data = self._handle.read(len(buffer))
        buffer[:len(data)] = data
        self.since_record += len(data)
        return len(data)


def read_xml_bulk(
    path: Path,
    file: str,
    report: FileReport,
    sector: str | None,
    own_schema: etree.XMLSchema | None = None,
) -> Iterator[RawRecord | Finding | RecordsEnd]:
    """Yield raw records (each carrying its XSD findings) and file-level findings.

    ``own_schema`` is a user's XSD (``--schema``): then the whole document is validated
    against it, and records in the ROD bulk v1 namespace are still checked by the rules.
    """
    report.kind = "xml"
    with path.open("rb") as handle:
        head = handle.read(PROLOG_SNIFF_BYTES)
    yield from _check_prolog(head, file)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or is_utf16_without_bom(head)
    report.encoding = "utf-16" if utf16 else "utf-8"
    doctype, root = _prolog(path)
    if doctype:
        yield make_finding("I016", Location(file, 1, 1))
        return
    if (root is not None and own_schema is None and _sector_of(root) is None
            and path.stat().st_size > PROLOG_SNIFF_BYTES):
        # A large document of another schema: said from its root's start tag, never read
        # whole. (A small one is read whole as before: a document cut inside its root's
        # start tag is then said to be cut, I004, not to be of another schema.)
        yield from _check_root(root, path, file, report, sector, None)
        return
    with path.open("rb") as handle:
        yield from _stream(handle, path, file, report, sector, own_schema)


def _prolog(path: Path) -> tuple[bool, etree._Element | None]:
    """Whether a DOCTYPE stands before the root, and the root as its start tag has it: read
    up to that tag only, so an entity bomb in the content is never reached (the DOCTYPE is
    the only way to bring in entities or a DTD; the main pass checks again, as a second
    line), and a document of another schema is known before it is read."""
    with path.open("rb") as handle:
        try:
            # guarded: a root start tag of hundreds of MiB is not buffered whole
            for _event, element in etree.iterparse(
                io.BufferedReader(_Guard(handle), 1 << 16), events=("start",),
                resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
            ):
                doctype = bool(getattr(element.getroottree().docinfo, "doctype", ""))
                return doctype, element
        except (etree.XMLSyntaxError, _TooMuch):
            return False, None  # the main pass says where and why
    return False, None


def _stream(
    handle: BinaryIO,
    path: Path,
    file: str,
    report: FileReport,
    sector: str | None,
    own_schema: etree.XMLSchema | None,
) -> Iterator[RawRecord | Finding | RecordsEnd]:
    schema: etree.XMLSchema | None = None
    root: etree._Element | None = None
    first_record_line: int | None = None
    first_record_type = ""
    prefix = ""
    retained: deque[etree._Element] = deque()
    guard = _Guard(handle)
    try:
        # Only record elements (and the root's start) raise events: the Python loop runs
        # about once per record, not once per element, while libxml2 still builds (and we
        # prune) the tree underneath.
        events = etree.iterparse(
            io.BufferedReader(guard, 1 << 16), events=("start", "end"),
            tag=_RECORD_TAGS + _ROOT_TAGS, resolve_entities=False, no_network=True,
            load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
        )
        for event, element in events:
            if event == "start":
                if guard.root is None:
                    guard.root = element
                    if len(element.attrib) > MAX_ATTRIBUTES:
                        raise _TooMuch(f"the root has more than {MAX_ATTRIBUTES} attributes")
                continue
            guard.since_record = 0
            if root is None:
                root = element.getroottree().getroot()
                opening = list(_check_root(root, path, file, report, sector, own_schema))
                yield from opening
                if any(f.code in _STOPPING for f in opening):
                    return
                if report.sector is not None and own_schema is None:
                    schema = builtin_schema(report.sector)
                prefix = f"{{{etree.QName(root).namespace}}}"
            if element.getparent() is not root or report.sector is None:
                continue  # a record tag nested somewhere else: the XSD check says so
            record_type = element.tag[len(prefix):]
            record = _raw_record(element, record_type, file, prefix)
            if schema is not None and not _validate(schema, element):
                record.schema_findings = schema_findings(schema.error_log, file)
            report.records += 1
            if first_record_line is None:
                first_record_line, first_record_type = _line(element), record_type
            yield record
            if schema is not None and element.tail is not None and element.tail.strip():
                # Text after a record sits in the root, which is validated at the end
                # without its records, and so without this text: the XSD's verdict here.
                yield _stray_text(root, element, file)
            # A record's element stays alive while the engine may still ask its field lines
            # (it checks records in batches); then it is cleared and dropped from the tree.
            retained.append(element)
            if len(retained) > RETAINED_RECORDS:
                done = retained.popleft()
                done.clear()
                root.remove(done)
        if root is None and getattr(events, "root", None) is not None:
            root = events.root  # a document without records: check its root all the same
            opening = list(_check_root(root, path, file, report, sector, own_schema))
            yield from opening
            if any(f.code in _STOPPING for f in opening):
                return
            if report.sector is not None and own_schema is None:
                schema = builtin_schema(report.sector)
    except _TooMuch as error:
        yield make_finding("I023", Location(file), reason=str(error))
        return
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, 0)
        location = Location(file, line or None, column or None)
        # libxml2 ends its message with "line 23, column 44": the location says it already.
        reason = _LIBXML_POSITION.sub("", _CLARK.sub("", error.msg or str(error)))
        if "UTF-8" in reason or "encoding" in reason.lower():
            yield make_finding("I021", location, reason=reason)
        else:
            yield make_finding("I004", location, reason=reason)
        return
    if root is None:
        yield make_finding("I007", Location(file))
        return
    if retained:
        # The records still alive are checked before their elements go.
        yield RECORDS_END
        for done in retained:
            done.clear()
            root.remove(done)
        retained.clear()
    if report.records == 0:
        yield make_finding("I015", Location(file, _line(root)))
    if schema is None:
        return
    # Records were removed as they streamed by, so the root now holds the header alone and
    # validates even when a record came before the header's end: check that order here.
    late = [child for child in root if (_line(child) or 0) > (first_record_line or 1 << 62)]
    if late:
        yield make_finding(
            "X001", Location(file, first_record_line, None, field=first_record_type),
            reason=f"Element '{first_record_type}': This element is not expected before "
                   f"'{_local(late[0].tag)}'; the header block comes first.",
        )
    if not _validate(schema, root):
        yield from schema_findings(schema.error_log, file)




def _stray_text(root: etree._Element, record: etree._Element, file: str) -> Finding:
    """X001 for text after a record, as libxml2 words it for the whole document."""
    line = _line(record)
    return make_finding(
        "X001", Location(file, line, None, field=_local(root.tag)),
        reason=f"Element '{_local(root.tag)}': Character content other than whitespace is "
               f"not allowed because the content type is 'element-only' (text after the "
               f"'{_local(record.tag)}' record of line {line}).")


_RECORD_TAGS = [f"{{{namespace}}}{record_type}" for namespace in NAMESPACES.values()
                for record_type in RECORD_TYPES]
_ROOT_TAGS = [f"{{{namespace}}}{ROOT_ELEMENT}" for namespace in NAMESPACES.values()]
_STOPPING = frozenset({"I016", "I019", "I006"})


def _check_root(
    root: etree._Element,
    path: Path,
    file: str,
    report: FileReport,
    sector: str | None,
    own_schema: etree.XMLSchema | None,
) -> Iterator[Finding]:
    """What the root says about the whole file; I016/I019/I006 end the reading."""
    # A DOCTYPE is the only way to bring in entities or a DTD. Entities are never expanded
    # (resolve_entities=False), and reading stops here, before any record is used.
    if getattr(root.getroottree().docinfo, "doctype", ""):  # lxml-stubs lacks it
        yield make_finding("I016", Location(file, 1, 1))
        return
    if own_schema is not None:
        yield from _validate_whole(path, file, own_schema)
    found_sector = _sector_of(root)
    if found_sector is None and own_schema is not None:
        yield make_finding("I019", Location(file, _line(root)), found=root.tag)
        return
    if found_sector is None:
        yield make_finding(
            "I006", Location(file, _line(root)), found=root.tag,
            expected=" / ".join(f"{{{ns}}}{ROOT_ELEMENT}" for ns in NAMESPACES.values()),
        )
        return
    report.sector = found_sector
    if sector is not None and sector != found_sector:
        yield make_finding("I014", Location(file, _line(root)), found=found_sector,
                           expected=sector)


def _validate(schema: etree.XMLSchema, element: etree._Element) -> bool:
    try:
        return bool(schema.validate(element))
    except etree.XMLSchemaValidateError:
        # libxml2 gives up on content it cannot validate (e.g. an unexpanded entity); the
        # error log still says where, which is what the user needs.
        return False


def _sector_of(root: etree._Element) -> Sector | None:
    qname = etree.QName(root.tag)
    if qname.localname != ROOT_ELEMENT:
        return None
    return _SECTOR_BY_NAMESPACE.get(qname.namespace or "")


def _raw_record(element: etree._Element, record_type: str, file: str,
                prefix: str) -> RawRecord:
    values: dict[str, str] = {}
    cut = len(prefix)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        text = child.text
        if text is not None:
            text = text.strip()
            if text:
                values[tag[cut:] if tag.startswith(prefix) else _local(tag)] = text
    return RawRecord(record_type, values, file, _line(element),
                     locate=_element_locator(element, prefix))


def _element_locator(element: etree._Element, prefix: str) -> Locator:
    """Lines of a record's fields. Asked only while the pipeline handles the record, before
    the reader moves on and clears the element (a cleared one answers None)."""

    def locate(field_name: str) -> Position | None:
        child = element.find(prefix + field_name)
        return (_line(child), None) if child is not None else None

    return locate


def _validate_whole(path: Path, file: str, schema: etree.XMLSchema) -> Iterator[Finding]:
    try:
        document = etree.parse(str(path), secure_parser(remove_comments=True))
    except etree.XMLSyntaxError:
        return  # the streaming pass reports it with its location
    if not _validate(schema, document.getroot()):
        yield from schema_findings(schema.error_log, file)
