"""Reader for ROD bulk v1 XML files (ho and mbo), streaming in flat memory.

libxml2's streaming validation reports every error at line 0, so each record is validated
on its own as it is read (the XSD declares record elements globally for this), which keeps
exact lines; the header is validated at the end against the root with its records removed.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import RECORD_TYPES, Sector
from rodcli.bulkformat.xsd import builtin_schema, secure_parser
from rodcli.findings import FileReport, Finding, Location, make_finding
from rodcli.masking import mask_pgn
from rodcli.parallel import SliceUnsure
from rodcli.records import Locator, Position, RawRecord

_SECTOR_BY_NAMESPACE: dict[str, Sector] = {ns: sector for sector, ns in NAMESPACES.items()}
# Only namespace URIs in Clark notation ({urn:...}Name); "{4}" or "{'DUO'}" in a message stay.
_LIBXML_POSITION = re.compile(r",? line [0-9]+, column [0-9]+$")
_CLARK = re.compile(r"\{[^}\s']*:[^}\s']*\}")
_ELEMENT_IN_MESSAGE = re.compile(r"Element '(?:\{[^}]*\})?([A-Za-z_][\w.-]*)'")
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
PROLOG_SNIFF_BYTES = 1 << 16


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
    for entry in error_log:
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
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield make_finding("I002", Location(file, 1, 1), byte=f"0x{head[0]:02X}", assumed="UTF-16")
    declared = _DECLARED_ENCODING.search(head[:512])
    if declared and declared.group(1).decode("ascii").lower() not in ("utf-8", "utf8"):
        yield make_finding("I018", Location(file, 1, 1), found=declared.group(1).decode("ascii"))


@dataclass(frozen=True, slots=True)
class XmlSlice:
    """A part of a bulk XML file read on its own (by one worker of a parallel run): bytes
    ``start`` to ``end``, cut where a record starts a line. Every slice but the first is read
    behind a copy of the root's start tag, padded with line ends so that its lines keep their
    numbers (in comments); every slice but the last is closed with the root's end tag."""

    start: int
    end: int
    first_line: int
    root_start: bytes | None  # None for the first slice, which holds the root's start itself
    root_name: bytes
    last: bool

    @property
    def first(self) -> bool:
        return self.root_start is None


_ROOT_START = re.compile(
    rb"<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)"
    rb"(?:\s+[^\s=<>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*>")
_SCAN_BYTES = 1 << 20


def plan_xml_slices(path: Path, count: int) -> list[XmlSlice] | None:
    """Cut a bulk XML file into ``count`` slices of about equal size before records that
    start a line, or None when the file is not plainly laid out for it (a BOM, an encoding
    other than UTF-8, a DOCTYPE, a root start tag not found in the first bytes).

    A cut that lands inside a comment or CDATA section makes the slice before it end badly
    formed, which its reader reports, and the run falls back to reading the file whole.
    """
    with path.open("rb") as handle:
        head = handle.read(PROLOG_SNIFF_BYTES)
        size = os.fstat(handle.fileno()).st_size
        if list(_check_prolog(head, str(path))) or b"<!DOCTYPE" in head:
            return None
        opening = re.search(rb"<(?![?!])", _without_comments(head))
        root = _ROOT_START.match(head, opening.start()) if opening else None
        if root is None:
            return None
        name = root.group(1)
        prefix = name[:name.index(b":") + 1] if b":" in name else b""
        record_line = re.compile(rb"\n[ \t]*<" + re.escape(prefix) + rb"(?:"
                                 + b"|".join(t.encode() for t in RECORD_TYPES) + rb")[\s>/]")
        targets = [max(size * number // count, root.end()) for number in range(1, count)]
        cuts: list[tuple[int, int]] = []  # (byte offset, line number) where each slice starts
        handle.seek(0)
        offset, lines, carry = 0, 0, b""
        while targets and (chunk := handle.read(_SCAN_BYTES)):
            # A record line cut in two by the chunk border is found in the next round.
            text, base = carry + chunk, offset - len(carry)
            while targets:
                found = record_line.search(text, max(targets[0] - base, 0))
                if found is None:
                    break
                cut = base + found.start() + 1
                if not cuts or cut > cuts[-1][0]:
                    cuts.append((cut, lines - carry.count(b"\n")
                                 + text.count(b"\n", 0, found.start() + 1) + 1))
                targets.pop(0)
            lines += chunk.count(b"\n")
            offset += len(chunk)
            carry = text[-256:]
    starts = [(0, 1), *cuts]
    ends = [cut for cut, _line in cuts] + [size]
    return [XmlSlice(start, end, line, None if start == 0 else root.group(0), name,
                     end == size)
            for (start, line), end in zip(starts, ends, strict=True)]


def _without_comments(head: bytes) -> bytes:
    """The head with comments blanked (same length), so a '<' in one is not taken for the
    root's start."""
    return re.sub(rb"<!--.*?-->", lambda found: b" " * len(found.group(0)), head, flags=re.S)


def read_xml_slice(path: Path, file: str, report: FileReport, sector: str | None,
                   part: XmlSlice) -> Iterator[RawRecord | Finding]:
    """Raw records and findings of one slice; raises SliceUnsure where the slice alone
    cannot tell what the whole file would."""
    report.kind, report.encoding = "xml", "utf-8"
    with io.BufferedReader(_ChunkStream(_slice_chunks(path, part)), 1 << 16) as handle:
        yield from _stream(handle, path, file, report, sector, None, part)


def _slice_chunks(path: Path, part: XmlSlice) -> Iterator[bytes]:
    if part.root_start is not None:
        yield part.root_start
        padding = part.first_line - 1 - part.root_start.count(b"\n")
        # The line ends go in comments, which the parser drops: as text they would grow the
        # root's text node with the file (a line end a line of the slices before).
        while padding > 0:
            yield b"<!--" + b"\n" * min(padding, 1 << 16) + b"-->"
            padding -= 1 << 16
    with path.open("rb") as handle:
        handle.seek(part.start)
        left = part.end - part.start
        while left > 0 and (chunk := handle.read(min(left, 1 << 16))):
            left -= len(chunk)
            yield chunk
    if not part.last:
        yield b"</" + part.root_name + b">"


class _ChunkStream(io.RawIOBase):
    """A readable binary stream over a sequence of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def read_xml_bulk(
    path: Path,
    file: str,
    report: FileReport,
    sector: str | None,
    own_schema: etree.XMLSchema | None = None,
) -> Iterator[RawRecord | Finding]:
    """Yield raw records (each carrying its XSD findings) and file-level findings.

    ``own_schema`` is a user's XSD (``--schema``): then the whole document is validated
    against it, and records in the ROD bulk v1 namespace are still checked by the rules.
    """
    report.kind = "xml"
    with path.open("rb") as handle:
        head = handle.read(PROLOG_SNIFF_BYTES)
    yield from _check_prolog(head, file)
    report.encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    if _declares_doctype(path):
        yield make_finding("I016", Location(file, 1, 1))
        return
    with path.open("rb") as handle:
        yield from _stream(handle, path, file, report, sector, own_schema)


def _declares_doctype(path: Path) -> bool:
    """Whether a DOCTYPE stands before the root: read up to the root's start tag only, so an
    entity bomb in the content is never reached (the DOCTYPE is the only way to bring in
    entities or a DTD; the main pass checks again, as a second line)."""
    with path.open("rb") as handle:
        try:
            for _event, element in etree.iterparse(
                handle, events=("start",), resolve_entities=False, no_network=True,
                load_dtd=False, huge_tree=False,
            ):
                return bool(getattr(element.getroottree().docinfo, "doctype", ""))
        except etree.XMLSyntaxError:
            return False  # the main pass says where and why
    return False


def _stream(
    handle: BinaryIO,
    path: Path,
    file: str,
    report: FileReport,
    sector: str | None,
    own_schema: etree.XMLSchema | None,
    part: XmlSlice | None = None,
) -> Iterator[RawRecord | Finding]:
    schema: etree.XMLSchema | None = None
    root: etree._Element | None = None
    first_record_line: int | None = None
    first_record_type = ""
    prefix = ""
    try:
        # Only record elements raise events: the Python loop runs once per record, not once
        # per element, while libxml2 still builds (and we prune) the tree underneath.
        events = etree.iterparse(
            handle, events=("end",), tag=_RECORD_TAGS, resolve_entities=False,
            no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
            remove_pis=True,
        )
        for _event, element in events:
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
            element.clear()
            root.remove(element)
        if root is None and getattr(events, "root", None) is not None:
            root = events.root  # a document without records: check its root all the same
            opening = list(_check_root(root, path, file, report, sector, own_schema))
            yield from opening
            if any(f.code in _STOPPING for f in opening):
                return
            if report.sector is not None and own_schema is None:
                schema = builtin_schema(report.sector)
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
    if part is not None and not part.first:
        if len(root):
            raise SliceUnsure("something other than a record at the root's level")
        return  # the header is in the first slice, and there are records: a cut is at one
    if report.records == 0 and part is None:
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


_RECORD_TAGS = [f"{{{namespace}}}{record_type}" for namespace in NAMESPACES.values()
                for record_type in RECORD_TYPES]
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
