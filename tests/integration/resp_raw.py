"""A raw RESP reply reader for the differential test: it returns the exact bytes of one reply,
so two servers can be compared byte for byte, together with a parsed tree, so the few
allow-listed commands (differential_test.py's ALLOW) can be compared after normalising.

Unlike harness.parse_reply (RESP2 only, values decoded), this knows every RESP3 type: null
`_`, double `,`, boolean `#`, big number `(`, blob error `!`, verbatim `=`, map `%`, set `~`,
push `>` and attribute `|` (an attribute and the reply it annotates are read as one unit).
Standard library only.
"""
import socket


class Incomplete(Exception):
    """The buffer ends inside a reply."""


class BadReply(Exception):
    """The bytes are not well-formed RESP2/RESP3."""


class Node:
    """One parsed reply. kind: the type byte as a str ('+', '$', '*', '%', ...). value: bytes
    for line and blob types (None for a RESP2 null bulk/array or a RESP3 `_`), a list of Nodes
    for aggregates (a map's list is key, value, key, value, ...), and for an attribute `|`
    the pair (list of attribute Nodes, annotated Node). raw: the exact bytes of the reply."""

    __slots__ = ("kind", "value", "raw")

    def __init__(self, kind, value, raw):
        self.kind, self.value, self.raw = kind, value, raw

    def is_null(self):
        return self.value is None

    def is_error(self):
        return self.kind in "-!"

    def as_int(self):
        """The integer of a `:` reply, else None."""
        return int(self.value) if self.kind == ":" else None

    def __repr__(self):
        return "Node(%r, %r)" % (self.kind, self.raw)


_LINE = "+-:_,#("  # the value is the rest of the line
_BLOB = "$!="  # a length line, then that many bytes and CRLF
_AGG = {"*": 1, "~": 1, ">": 1, "%": 2, "|": 2}  # elements per declared count


def parse(buf, pos=0):
    """Parses one reply from buf (bytes or bytearray) at pos. Returns (Node, end offset);
    raises Incomplete if buf ends inside it, BadReply if it is malformed."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise Incomplete()
    kind = chr(buf[pos]) if pos < len(buf) else ""
    line = bytes(buf[pos + 1:end])
    nxt = end + 2
    if kind in _LINE and kind:
        if kind == "_" and line:
            raise BadReply("null with a payload %r" % line)
        return Node(kind, None if kind == "_" else line, bytes(buf[pos:nxt])), nxt
    try:
        n = int(line)
    except ValueError:
        raise BadReply("bad header %r" % bytes(buf[pos:end])) from None
    if kind in _BLOB:
        if n < 0:
            if n != -1 or kind != "$":
                raise BadReply("length %d for %r" % (n, kind))
            return Node(kind, None, bytes(buf[pos:nxt])), nxt
        if len(buf) < nxt + n + 2:
            raise Incomplete()
        if buf[nxt + n:nxt + n + 2] != b"\r\n":
            raise BadReply("blob of %d not followed by CRLF" % n)
        return Node(kind, bytes(buf[nxt:nxt + n]), bytes(buf[pos:nxt + n + 2])), nxt + n + 2
    if kind in _AGG:
        if n < 0:
            if n != -1 or kind != "*":
                raise BadReply("count %d for %r" % (n, kind))
            return Node(kind, None, bytes(buf[pos:nxt])), nxt
        items = []
        for _ in range(n * _AGG[kind]):
            item, nxt = parse(buf, nxt)
            items.append(item)
        if kind == "|":  # the attribute annotates the reply that follows it
            inner, nxt = parse(buf, nxt)
            return Node(kind, (items, inner), bytes(buf[pos:nxt])), nxt
        return Node(kind, items, bytes(buf[pos:nxt])), nxt
    raise BadReply("unknown type byte %r in %r" % (kind, bytes(buf[pos:pos + 40])))


class NoReply(Exception):
    """The server closed the connection or did not answer in time."""


class RawConn:
    """One client socket that sends encoded requests and reads whole replies as Nodes.
    Single-threaded: the differential driver owns it."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.buf = bytearray()
        self.pos = 0

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def read(self):
        """The next whole reply as a Node. Raises NoReply on EOF, reset or timeout (saying
        what had arrived), BadReply on malformed bytes."""
        while True:
            try:
                node, self.pos = parse(self.buf, self.pos)
                if self.pos == len(self.buf):
                    self.buf.clear()
                    self.pos = 0
                return node
            except Incomplete:
                pass
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                raise NoReply("no reply within %.0fs; have %r"
                              % (self.timeout, bytes(self.buf[self.pos:])[:200])) from None
            except OSError as e:
                raise NoReply("connection error %s; have %r"
                              % (e, bytes(self.buf[self.pos:])[:200])) from None
            if not chunk:
                raise NoReply("connection closed; have %r" % bytes(self.buf[self.pos:])[:200])
            self.buf += chunk


def encode(args):
    """One RESP multibulk request from a list of bytes arguments."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)
