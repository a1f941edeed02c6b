"""Inline (telnet-style) sessions: the real nc, then a raw socket for quoting and escapes."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, expect_eq, expect_error, expect_in, expect_true,  # noqa: E402
                     run_main, run_tool, tool)


def nc_session(srv):
    nc = tool("nc")
    script = (b'SET k v\r\nGET k\r\nSET s "hello world"\r\nGET s\r\nDEL k\r\nGET k\r\n'
              b'HELP\r\nQUIT\r\n')
    # No -q/-N: netcat-openbsd keeps reading after stdin's EOF until the server closes, so
    # nc exiting by itself (before the timeout) shows the server closed after QUIT.
    res = run_tool([nc, "127.0.0.1", str(srv.port)], input=script, timeout=15)
    lines = res.stdout.decode().split("\r\n")
    expect_eq(lines[:10], ["+OK", "$1", "v", "+OK", "$11", "hello world", ":1", "$-1"]
              + lines[8:10], "replies to SET/GET/SET/GET/DEL/GET")
    expect_true(lines[8].startswith("*"), "HELP replies with an array, got %r" % lines[8])
    count = int(lines[8][1:])
    help_lines = lines[9:9 + count]
    expect_true(count >= 20, "HELP lists at least 20 commands (got %d)" % count)
    for line in help_lines:
        expect_true(line.startswith("+") and " -- " in line,
                    "HELP line is '+CMD usage -- summary': %r" % line)
    names = [line[1:].split()[0] for line in help_lines]
    for cmd in ("GET", "SET", "DEL", "INCR", "MGET", "PING", "QUIT", "HELP", "CONFIG", "INFO"):
        expect_in(cmd, names, "commands named by HELP")
    set_line = help_lines[names.index("SET")]
    expect_true(set_line.startswith("+SET key value"), "SET help line: %r" % set_line)
    expect_eq(lines[9 + count:], ["+OK", ""], "QUIT reply, then end of output")


def nc_errors_keep_session(srv):
    nc = tool("nc")
    script = b"foo a b\r\nget\r\nPING\r\nSELECT 0\r\nECHO hi\r\nQUIT\r\n"
    res = run_tool([nc, "127.0.0.1", str(srv.port)], input=script, timeout=15)
    expect_eq(res.stdout.decode().split("\r\n"), [
        "-ERR unknown command 'foo', with args beginning with: 'a' 'b' ",
        "-ERR wrong number of arguments for 'get' command",
        "+PONG", "+OK", "$2", "hi", "+OK", ""], "nc output")


def raw_quoting(srv):
    with srv.conn() as c:
        cases = [
            (rb'SET k1 "\x41\x42"', "OK"), (b"GET k1", b"AB"),
            (rb'SET k1 "\x41"', "OK"), (b"GET k1", b"A"),
            (b"SET k2 'single quoted'", "OK"), (b"GET k2", b"single quoted"),
            (rb'SET k3 "a\"b"', "OK"), (b"GET k3", b'a"b'),
            (rb"SET k4 'it\'s'", "OK"), (b"GET k4", b"it's"),
            (b'SET   "key with space"    v  ', "OK"), (b'GET "key with space"', b"v"),
            (b'SET e ""', "OK"), (b"GET e", b""), (b"STRLEN e", 0),
            (rb'SET esc "\n\r\t\b\a\\"', "OK"), (b"GET esc", b"\n\r\t\b\a\\"),
            (rb'ECHO "\xff\x00z"', b"\xff\x00z"),
            (b"set lower case", "OK"), (b"GET lower", b"case"),
            (b"INCR n", 1), (b"incrby n 41", 42), (b"GET n", b"42"),
            (b"GET missing", None),
            (b"MGET k1 missing k2", [b"A", None, b"single quoted"]),
        ]
        for line, expected in cases:
            expect_eq(c.inline(line), expected, "reply to %r" % line)


def raw_blank_lines_and_lf(srv):
    with srv.conn() as c:
        # Blank lines are skipped without a reply; a bare LF ends a line like CRLF.
        c.send(b"\r\n  \r\n\nPING\nECHO lf\nPING\r\n")
        expect_eq(c.read_replies(3), ["PONG", b"lf", "PONG"], "replies")
        expect_true(c.is_open(), "connection stays open")


def raw_mixed_with_resp(srv):
    with srv.conn() as c:
        c.send(b"SET mix 1\r\n*2\r\n$4\r\nINCR\r\n$3\r\nmix\r\nINCR mix\r\n"
               b"*2\r\n$3\r\nGET\r\n$3\r\nmix\r\n")
        expect_eq(c.read_replies(4), ["OK", 2, 3, b"3"], "inline and RESP interleaved")


def raw_unbalanced_quotes(srv):
    with srv.conn() as c:
        expect_eq(c.inline("PING"), "PONG", "PING first")
        c.send(b'SET q "x"y\r\n')
        expect_error(c.read_reply(), "ERR Protocol error: unbalanced quotes in request")
        c.expect_closed()


def raw_quit(srv):
    with srv.conn() as c:
        c.send(b"QUIT\r\n")
        expect_eq(c.read_reply(), "OK", "QUIT reply")
        c.expect_closed()


def half_close_after_pipeline(srv):
    # `printf 'SET k v\r\nGET k\r\n' | nc -N host port`: the client sends its commands and
    # shuts down its sending side. Redis answers them and then closes, so nc exits by itself.
    # Whether the FIN reaches the server together with the data or after it is a matter of
    # timing, so try a few times each way.
    for attempt in range(10):
        with srv.conn() as c:
            c.send(b"PING\r\nECHO x%d\r\nPING\r\n" % attempt)
            c.sock.shutdown(1)  # SHUT_WR: FIN right behind the commands
            expect_eq(c.read_replies(3), ["PONG", b"x%d" % attempt, "PONG"],
                      "replies before EOF (attempt %d)" % attempt)
            c.expect_closed(timeout=3, what="half-closed client after 3 replies (attempt %d)"
                            % attempt)
    nc = tool("nc")
    for attempt in range(5):
        res = run_tool([nc, "-N", "127.0.0.1", str(srv.port)],
                       input=b"SET hc v%d\r\nGET hc\r\n" % attempt, timeout=3)
        expect_eq(res.stdout, b"+OK\r\n$2\r\nv%d\r\n" % attempt, "nc -N output")


def main(binary):
    with Server(binary, workers=2) as srv:
        check("nc session: SET/GET/quoted SET/DEL/HELP/QUIT, nc exits after QUIT",
              nc_session, srv)
        check("nc session: unknown command and wrong arity keep the session",
              nc_errors_keep_session, srv)
        check("raw inline: quoting and escapes", raw_quoting, srv)
        check("raw inline: blank lines, LF-only lines", raw_blank_lines_and_lf, srv)
        check("raw: inline and RESP mixed on one connection", raw_mixed_with_resp, srv)
        check("raw inline: QUIT replies +OK then closes", raw_quit, srv)
        check("raw inline: unbalanced quotes -> protocol error and close", raw_unbalanced_quotes,
              srv)
        check("server still answers after all that", lambda: expect_eq(srv.call("PING"), "PONG"))
        check("half-close after several commands: replies, then the server closes",
              half_close_after_pipeline, srv)


if __name__ == "__main__":
    run_main(main)
