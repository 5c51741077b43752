"""Hostile XML given to ``rodcli validate`` (issue 7): entities, DTDs, XInclude, blow-ups, deep
nesting, a huge text node, the wrong document and truncated documents.

Every case runs the installed ``rodcli`` in a subprocess (the real entry point, so an internal
error would show as one) with a time limit, and asserts a clear finding, exit 1 or 2 and no
traceback. Two tripwires prove what did *not* happen, because libxml2 opens files and sockets
in C, where no Python monkeypatch can see it:

* a file the document points at is a FIFO: opening it for reading is noticed (a writer thread
  can open its end only while a reader waits), so "the secret was never read" is checked
  directly rather than inferred from its absence in the output;
* a URL points at a TCP listener on 127.0.0.1 that counts connections.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import inschrijving, xml_text
from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.xsd import xsd_text

# The installed entry point beside the running interpreter (.venv/bin/rodcli), else on PATH.
RODCLI = Path(sys.executable).with_name("rodcli")
if not RODCLI.exists():  # pragma: no cover - another layout
    RODCLI = Path(shutil.which("rodcli") or "rodcli")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SECRET = "ROD-SECRET-c4f1e9"  # no nine-digit run, so masking cannot hide a leak
NS = NAMESPACES["ho"]
ROOT = ROOT_ELEMENT


# ---- running the installed CLI ----------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float  # the child's own peak RSS (its VmHWM), not the maximum over all children
    killed: str | None = None  # "timeout" or "memory" when the harness had to stop it

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.stdout)  # type: ignore[no-any-return]

    def codes(self) -> list[str]:
        return [finding["code"] for finding in self.json()["findings"]]


class Child:
    """One ``rodcli`` subprocess; its peak memory is its VmHWM, polled while it runs (the
    last poll can miss growth in its final 10 ms)."""

    def __init__(self, args: Sequence[object], cwd: Path | None, env: dict[str, str] | None,
                 stdin: int | None = subprocess.DEVNULL) -> None:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("RODCLI_")}
        environment["COLUMNS"] = "200"
        environment.update(env or {})
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        self.start = time.monotonic()
        self.proc = subprocess.Popen([str(RODCLI), *map(str, args)], stdout=self._out,
                                     stderr=self._err, stdin=stdin, cwd=cwd, env=environment)
        self.run: Run | None = None
        self.peak_mb = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def poll(self, timeout: float, max_mb: float | None) -> bool:
        """Reap the child if it ended; kill it past ``timeout`` or ``max_mb`` of RSS."""
        if self.run is not None:
            return True
        # The child's own high-water mark, read while it runs: ru_maxrss from wait4 is not
        # it, since Linux records the parent's (pytest's) peak into a vfork+exec'd child.
        self.peak_mb = max(self.peak_mb, _rss_mb(self.proc.pid))
        pid, status, _ = os.wait4(self.proc.pid, os.WNOHANG)
        killed = None
        if not pid:
            if time.monotonic() - self.start > timeout:
                killed = "timeout"
            elif max_mb is not None and self.peak_mb > max_mb:
                killed = "memory"
            else:
                return False
            self.proc.kill()
            _, status, _ = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self._out.seek(0)
        self._err.seek(0)
        self.run = Run(self.proc.returncode, self._out.read().decode("utf-8", "replace"),
                       self._err.read().decode("utf-8", "replace"),
                       time.monotonic() - self.start, self.peak_mb, killed)
        self._out.close()
        self._err.close()
        return True


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_all(commands: Sequence[Sequence[object]], timeout: float = 30.0,
            cwd: Path | None = None, max_mb: float | None = None,
            env: dict[str, str] | None = None) -> list[Run]:
    """Several ``rodcli`` commands at once (the machine has more than one core); each is
    killed past ``timeout`` seconds or ``max_mb`` of resident memory."""
    children = [Child(args, cwd, env) for args in commands]
    while True:
        done = [child.poll(timeout, max_mb) for child in children]  # poll every one
        if all(done):
            break
        time.sleep(0.01)
    return [child.run for child in children if child.run is not None]


def run_rodcli(*args: object, timeout: float = 30.0, cwd: Path | None = None,
               max_mb: float | None = None, env: dict[str, str] | None = None) -> Run:
    """``rodcli ARGS`` in a subprocess, bounded in time (and optionally memory)."""
    return run_all([args], timeout, cwd, max_mb, env)[0]


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Bound an in-process run: SIGALRM raises TimeoutError in the main thread (the CLI runs
    in-process where a subprocess would be too slow, e.g. fuzzing)."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"test ran past its {seconds:.0f}s limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def assert_clean_refusal(run: Run) -> None:
    """Finished, exit 1 or 2, no traceback, no internal error: a finding, not a crash."""
    assert run.killed is None, f"stopped by the harness ({run.killed}) after {run.seconds:.1f}s"
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert "internal error" not in run.stderr, run.stderr
    assert run.code in (1, 2), (run.code, run.stdout[-2000:], run.stderr[-2000:])


# ---- tripwires --------------------------------------------------------------------------------


class Tripwire:
    """A FIFO at ``path`` that counts how often somebody opened it for reading (and then feeds
    them ``payload``, so a reader never blocks)."""

    def __init__(self, path: Path, payload: str) -> None:
        self.path = path
        self.opened = 0
        self._payload = payload.encode("utf-8")
        self._stop = threading.Event()
        os.mkfifo(path)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:  # ENXIO: no reader has it open
                if error.errno != errno.ENXIO:
                    raise
                time.sleep(0.002)
                continue
            self.opened += 1
            try:
                os.write(fd, self._payload)
            finally:
                os.close(fd)
            time.sleep(0.05)  # let the reader see EOF before arming again

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


class Listener:
    """A TCP listener on 127.0.0.1 that accepts and drops connections, counting them."""

    def __init__(self) -> None:
        self.connections = 0
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.05)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def settle(self) -> int:
        """Connections so far, after giving the accept loop time to drain the backlog."""
        time.sleep(0.1)
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()


# ---- documents --------------------------------------------------------------------------------


def document(doctype: str = "", brin: str = "99XX", extra_ns: str = "") -> str:
    """A valid ho document with one record; ``doctype`` goes after the declaration, ``brin``
    replaces the record's BRIN text (e.g. an entity reference)."""
    text = xml_text([inschrijving()])
    lines = text.splitlines()
    if doctype:
        lines.insert(1, doctype)
    text = "\n".join(lines) + "\n"
    text = text.replace("<brin>99XX</brin>", f"<brin>{brin}</brin>")
    if extra_ns:
        text = text.replace(f'xmlns="{NS}"', f'xmlns="{NS}" {extra_ns}')
    return text


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def own_schema(tmp_path: Path) -> Path:
    """The built-in ho XSD as a user's ``--schema``: that path parses the whole document."""
    return write(tmp_path / "own.xsd", xsd_text("ho"))


def codes_by_file(run: Run, paths: list[Path]) -> dict[str, list[str]]:
    """Finding codes per input file of a multi-file ``validate --format json`` run."""
    by_file: dict[str, list[str]] = {path.name: [] for path in paths}
    for finding in run.json()["findings"]:
        by_file[Path(finding["location"]["file"]).name].append(finding["code"])
    return by_file


# ---- files and URLs a document points at --------------------------------------------------
#
# One run checks several documents (validate takes many files and reports per file); each
# document points at its own tripwire or listener, so a failure still names the vector.

LOCAL_VECTORS = ["xxe-file-url", "xxe-plain-path", "external-dtd", "parameter-entity",
                 "xinclude"]


def _local_document(kind: str, target: Path, tmp_path: Path) -> str:
    if kind == "xxe-file-url":
        return document(f'<!DOCTYPE {ROOT} [<!ENTITY x SYSTEM "file://{target}">]>', brin="&x;")
    if kind == "xxe-plain-path":
        return document(f'<!DOCTYPE {ROOT} [<!ENTITY x SYSTEM "{target}">]>', brin="&x;")
    if kind == "external-dtd":
        # The DTD is itself a tripwire; were it read, it would pull in the secret.
        return document(f'<!DOCTYPE {ROOT} SYSTEM "{target}">', brin="&s;")
    if kind == "parameter-entity":
        return document(f'<!DOCTYPE {ROOT} [<!ENTITY % p SYSTEM "{target}"> %p;]>', brin="&s;")
    assert kind == "xinclude"  # no DOCTYPE needed
    return document(brin=f'<xi:include href="{target}" parse="text"/>',
                    extra_ns='xmlns:xi="http://www.w3.org/2001/XInclude"')


@pytest.mark.parametrize("schema", [False, True], ids=["builtin-xsd", "own-xsd"])
def test_files_a_document_points_at_are_never_opened(tmp_path: Path, schema: bool) -> None:
    """XXE to a local file (file:// URL and plain path), an external DTD, an external
    parameter entity and XInclude: refused, and the file they name is never opened. With
    ``--schema`` the reader also parses the whole document, so that path is covered too."""
    wires = {kind: Tripwire(tmp_path / f"secret-{kind}",
                            f'<!ENTITY s SYSTEM "{tmp_path}/never">{SECRET}')
             for kind in LOCAL_VECTORS}
    paths = [write(tmp_path / f"{kind}.xml", _local_document(kind, wires[kind].path, tmp_path))
             for kind in LOCAL_VECTORS]
    args: list[object] = ["validate", "--format", "json", *paths]
    if schema:
        args += ["--schema", own_schema(tmp_path)]
    try:
        run = run_rodcli(*args)
    finally:
        for wire in wires.values():
            wire.close()
    assert_clean_refusal(run)
    assert run.code == 1
    assert {kind: wire.opened for kind, wire in wires.items()} == dict.fromkeys(LOCAL_VECTORS, 0)
    assert SECRET not in run.stdout + run.stderr
    found = codes_by_file(run, paths)
    for kind in LOCAL_VECTORS:
        # A DOCTYPE is refused (I016; libxml2 may first call an undeclared entity not well-
        # formed, I004). The include element is no ROD element (X001), and the BRIN it
        # stands in for is empty (F001, which then speaks for the XSD message).
        expected = {"X001", "F001"} if kind == "xinclude" else {"I016", "I004"}
        assert expected & set(found[f"{kind}.xml"]), (kind, found[f"{kind}.xml"])


NETWORK_VECTORS = ["entity", "external-dtd", "parameter-entity", "xinclude", "schema-location"]


def _network_document(kind: str, url: str) -> str:
    if kind == "entity":
        return document(f'<!DOCTYPE {ROOT} [<!ENTITY x SYSTEM "{url}/x">]>', brin="&x;")
    if kind == "external-dtd":
        return document(f'<!DOCTYPE {ROOT} SYSTEM "{url}/d.dtd">')
    if kind == "parameter-entity":
        return document(f'<!DOCTYPE {ROOT} [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>')
    if kind == "xinclude":
        return document(brin=f'<xi:include href="{url}/x" parse="text"/>',
                        extra_ns='xmlns:xi="http://www.w3.org/2001/XInclude"')
    assert kind == "schema-location"
    return document(extra_ns='xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                             f'xsi:schemaLocation="{NS} {url}/s.xsd"')


def test_no_network_connection_from_a_document(tmp_path: Path) -> None:
    """Entities, DTDs, XInclude and a schema hint pointing at http://127.0.0.1:PORT: no
    connection arrives. (An in-process ``socket.connect`` patch would not see libxml2's C
    sockets; a real listener does.)"""
    listeners = {kind: Listener() for kind in NETWORK_VECTORS}
    try:
        paths = [write(tmp_path / f"{kind}.xml",
                       _network_document(kind, f"http://127.0.0.1:{listeners[kind].port}"))
                 for kind in NETWORK_VECTORS]
        run = run_rodcli("validate", "--format", "json", *paths, timeout=20)
        time.sleep(0.1)  # let the accept loops drain their backlogs
        connections = {kind: server.connections for kind, server in listeners.items()}
    finally:
        for server in listeners.values():
            server.close()
    assert connections == dict.fromkeys(NETWORK_VECTORS, 0)
    assert_clean_refusal(run)
    found = codes_by_file(run, paths)
    assert found["schema-location.xml"] == []  # a valid document; the hint is not followed
    for kind in ("entity", "external-dtd", "parameter-entity"):
        assert {"I016", "I004"} & set(found[f"{kind}.xml"]), (kind, found[f"{kind}.xml"])
    assert {"X001", "F001"} & set(found["xinclude.xml"])


def test_no_network_connection_from_own_schema_imports(tmp_path: Path) -> None:
    """A --schema XSD that includes and imports from a URL: refused (I017), never fetched."""
    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}"
    schema = write(tmp_path / "evil.xsd", (
        '<?xml version="1.0"?>\n'
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}">'
        f'<xs:include schemaLocation="{url}/inc.xsd"/>'
        f'<xs:import namespace="urn:other" schemaLocation="{url}/imp.xsd"/>'
        f'<xs:element name="{ROOT}"/></xs:schema>\n'))
    path = write(tmp_path / "doc.xml", document())
    try:
        run = run_rodcli("validate", "--format", "json", "--schema", schema, path, timeout=20)
        connections = listener.settle()
    finally:
        listener.close()
    assert connections == 0
    assert_clean_refusal(run)
    assert run.code == 2
    assert run.codes() == ["I017"]


# ---- entity expansion -------------------------------------------------------------------------


def test_entity_expansion_bombs_are_refused_quickly(tmp_path: Path) -> None:
    """Billion laughs (10^9 "lol"s from 10 nested entities) and the quadratic blow-up (one
    50 kB entity referenced 20,000 times, ~1 GB): refused in bounded time and memory."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    laughs = write(tmp_path / "laughs.xml", document(
        f"<!DOCTYPE {ROOT} [{entities}]>", brin="&lol9;"))
    quadratic = write(tmp_path / "quadratic.xml", document(
        f'<!DOCTYPE {ROOT} [<!ENTITY a "{"A" * 50_000}">]>', brin="&a;" * 20_000))
    run = run_rodcli("validate", "--format", "json", laughs, quadratic, timeout=20)
    assert_clean_refusal(run)
    assert run.code == 1
    # I016 when the DOCTYPE is seen first; I004 when libxml2's own amplification guard stops
    # the parse before the reader looks at the DOCTYPE.
    for name, codes in codes_by_file(run, [laughs, quadratic]).items():
        assert len(codes) == 1 and codes[0] in ("I016", "I004"), (name, codes)
    assert run.seconds < 10
    assert run.peak_mb < 200, run.peak_mb


def test_any_doctype_is_refused(tmp_path: Path) -> None:
    """Even a harmless DOCTYPE on an otherwise valid file: I016 and nothing else."""
    path = write(tmp_path / "doctype.xml", document(f"<!DOCTYPE {ROOT}>"))
    run = run_rodcli("validate", "--format", "json", path)
    assert_clean_refusal(run)
    assert run.code == 1
    assert run.codes() == ["I016"]


# ---- size and depth ---------------------------------------------------------------------------

DEPTH = 100_000


@pytest.mark.parametrize("schema", [False, True], ids=["builtin-xsd", "own-xsd"])
def test_deep_nesting_is_refused_without_crash(tmp_path: Path, schema: bool) -> None:
    """100,000 nested elements inside a record, under the root, and as a foreign document."""
    nest = "<a>" * DEPTH + "</a>" * DEPTH
    texts = {
        "in-record": f'<?xml version="1.0"?>\n<{ROOT} xmlns="{NS}"><inschrijving>{nest}'
                     f"</inschrijving></{ROOT}>\n",
        "under-root": f'<?xml version="1.0"?>\n<{ROOT} xmlns="{NS}">{nest}</{ROOT}>\n',
        "foreign-root": nest,
    }
    paths = [write(tmp_path / f"{name}.xml", text) for name, text in texts.items()]
    args: list[object] = ["validate", "--format", "json", *paths]
    if schema:
        args += ["--schema", own_schema(tmp_path)]
    run = run_rodcli(*args, timeout=30)
    assert_clean_refusal(run)
    assert run.code == 1
    found = codes_by_file(run, paths)
    # libxml2's depth limit (256 without XML_PARSE_HUGE) makes it not well-formed; a foreign
    # root may be refused as such (I006) before its depth matters.
    assert found["in-record.xml"] == ["I004"]
    assert found["under-root.xml"] == ["I004"]
    assert len(found["foreign-root.xml"]) == 1
    assert found["foreign-root.xml"][0] in ("I004", "I006", "I019")


def test_50mb_text_node_is_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as out:
        out.write(f'<?xml version="1.0"?>\n<{ROOT} xmlns="{NS}"><inschrijving>'
                  "<burgerservicenummer>".encode())
        block = b"1" * (1 << 20)
        for _ in range(50):
            out.write(block)
        out.write(f"</burgerservicenummer></inschrijving></{ROOT}>\n".encode())
    run = run_rodcli("validate", "--format", "json", path, timeout=30)
    assert_clean_refusal(run)
    assert run.codes() == ["I004"]
    assert run.seconds < 20
    assert run.peak_mb < 500, run.peak_mb


# ---- the wrong document -----------------------------------------------------------------------


def test_wrong_namespace_or_root_is_refused(tmp_path: Path) -> None:
    variants = {
        "other-namespace": (NAMESPACES["ho"].replace("HO", "XX"), ROOT),
        "no-namespace": ("", ROOT),
        "wrong-root": (NS, "html"),
        "foreign-namespace": ("urn:example:not-rod", ROOT),
    }
    paths = []
    for name, (namespace, root) in variants.items():
        text = xml_text([inschrijving()], namespace=namespace, root=root)
        paths.append(write(tmp_path / f"{name}.xml", text.replace(' xmlns=""', "")))
    run = run_rodcli("validate", "--format", "json", *paths)
    assert_clean_refusal(run)
    assert run.code == 1
    assert codes_by_file(run, paths) == {path.name: ["I006"] for path in paths}


def test_truncated_documents_are_refused(tmp_path: Path) -> None:
    """A valid example cut at many points (mid-declaration, mid-tag, mid-text, between
    records, before the root's end): each cut file is its own finding, one run for all."""
    data = (EXAMPLES / "valid" / "ho_bulk.xml").read_bytes()
    cuts = sorted({1, 10, 37, 60, 150, 333, len(data) // 2, len(data) - 200, len(data) - 45,
                   len(data) - 2, data.index(b"<inschrijving>") + 5,
                   data.index(b"</inschrijving>") + 3})
    paths = []
    for cut in cuts:
        path = tmp_path / f"cut_{cut:06d}.xml"
        path.write_bytes(data[:cut])
        paths.append(path)
    run = run_rodcli("validate", "--format", "json", *paths, timeout=30)
    assert_clean_refusal(run)
    assert run.code == 1
    for name, codes in codes_by_file(run, paths).items():
        assert set(codes) & {"I004", "I005", "I007"}, (name, codes)


def test_tripwire_notices_a_read(tmp_path: Path) -> None:
    """The FIFO tripwire itself works: a plain read is noticed and gets the payload."""
    wire = Tripwire(tmp_path / "probe", "payload")
    try:
        assert (tmp_path / "probe").read_text() == "payload"
    finally:
        wire.close()
    assert wire.opened == 1


def test_listener_notices_a_connection() -> None:
    """The listener itself works: a connection is counted."""
    server = Listener()
    try:
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        assert server.settle() == 1
    finally:
        server.close()
