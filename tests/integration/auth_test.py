"""requirepass and AUTH, as Redis clients expect them.

Raw RESP for the exact replies (NOAUTH, WRONGPASS, the no-password error), then python3-redis
and redis-cli with and without the password, CONFIG SET requirepass at runtime, and the
start-up warning for a non-loopback bind without a password.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (RespError, Server, binary_from_argv, run_tests,  # noqa: E402
                     skip)

BINARY = binary_from_argv()
PASSWORD = "s3cret"
NOAUTH = "NOAUTH Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."
NOT_CONFIGURED = ("ERR AUTH <password> called without any password configured for the default "
                  "user. Are you sure your configuration is correct?")


def err(reply):
    assert isinstance(reply, RespError), "expected an error reply, got %r" % (reply,)
    return str(reply)


def hello_map(reply):
    assert isinstance(reply, list), "HELLO gave %r" % (reply,)
    return {reply[i]: reply[i + 1] for i in range(0, len(reply), 2)}


def test_commands_need_auth():
    with Server(BINARY, config={"requirepass": PASSWORD}) as srv:
        with srv.conn() as c:
            for cmd in (["PING"], ["GET", "k"], ["SET", "k", "v"], ["DBSIZE"], ["INFO"],
                        ["CONFIG", "GET", "requirepass"], ["CLIENT", "ID"], ["ECHO", "x"],
                        ["SELECT", "0"], ["KEYS", "*"], ["TIME"], ["SLOWLOG", "LEN"],
                        ["COMMAND", "COUNT"], ["FLUSHALL"], ["DEL", "k"], ["MSET", "a", "b"]):
                assert err(c.call(*cmd)) == NOAUTH, "%r before AUTH: %r" % (cmd, c.buf)
            # HELLO without AUTH is refused with NOAUTH too (its own text, Redis's).
            assert err(c.call("HELLO")).startswith("NOAUTH"), "HELLO"
            assert err(c.call("HELLO", "2")).startswith("NOAUTH"), "HELLO 2"
            # Inline commands are no way around it.
            c.send_raw(b"GET k\r\n")
            assert err(c.read_reply()) == NOAUTH
            # Wrong passwords.
            assert err(c.call("AUTH", "wrong")) == WRONGPASS
            assert err(c.call("AUTH", "")) == WRONGPASS
            assert err(c.call("AUTH", PASSWORD + "x")) == WRONGPASS
            assert err(c.call("AUTH", PASSWORD[:-1])) == WRONGPASS
            assert err(c.call("AUTH", "default", "wrong")) == WRONGPASS
            assert err(c.call("AUTH", "otheruser", PASSWORD)) == WRONGPASS
            assert err(c.call("HELLO", "2", "AUTH", "default", "wrong")) == WRONGPASS
            assert err(c.call("GET", "k")) == NOAUTH, "a failed AUTH must not authenticate"
            # The right one.
            assert c.call("AUTH", PASSWORD) == "OK"
            assert c.call("SET", "k", "v") == "OK"
            assert c.call("GET", "k") == b"v"
            assert c.call("PING") == "PONG"
            assert c.call("DBSIZE") == 1
            hello = hello_map(c.call("HELLO", "2"))
            assert hello[b"proto"] == 2

        with srv.conn() as c:
            assert c.call("AUTH", "default", PASSWORD) == "OK"
            assert c.call("GET", "k") == b"v"

        with srv.conn() as c:
            assert err(c.call("AUTH", "otheruser", PASSWORD)) == WRONGPASS
            assert err(c.call("GET", "k")) == NOAUTH

        with srv.conn() as c:
            hello = hello_map(c.call("HELLO", "2", "AUTH", "default", PASSWORD))
            assert hello[b"server"] == b"redis" and hello[b"proto"] == 2, hello
            assert c.call("GET", "k") == b"v"

        with srv.conn() as c:
            hello = hello_map(c.call("HELLO", "2", "AUTH", "default", PASSWORD, "SETNAME",
                                     "named"))
            assert c.call("CLIENT", "GETNAME") == b"named"

        # QUIT needs no password: +OK, then the server closes the connection.
        with srv.conn() as c:
            assert c.call("QUIT") == "OK"
            assert c.is_closed(5), "connection still open after QUIT"

        # Unauthenticated clients do not change anything.
        with srv.conn() as c:
            c.call("SET", "k", "changed")
            c.call("DEL", "k")
        with srv.conn() as c:
            assert c.call("AUTH", PASSWORD) == "OK"
            assert c.call("GET", "k") == b"v"


def test_python_client():
    try:
        import redis
    except ImportError:
        skip("python3-redis not installed (run with Debian's /usr/bin/python3)")
    with Server(BINARY, config={"requirepass": PASSWORD}) as srv:
        good = redis.Redis(port=srv.port, password=PASSWORD, socket_timeout=10)
        assert good.ping() is True
        assert good.set("py", "1") is True
        assert good.get("py") == b"1"
        good.close()
        named = redis.Redis(port=srv.port, username="default", password=PASSWORD,
                            socket_timeout=10)
        assert named.get("py") == b"1"
        named.close()
        # No password: the server says NOAUTH, which redis-py raises as AuthenticationError.
        client = redis.Redis(port=srv.port, socket_timeout=10)
        try:
            client.get("py")
        except redis.exceptions.AuthenticationError:
            pass
        else:
            raise AssertionError("no AuthenticationError without a password")
        finally:
            client.close()
        # A wrong password or user: WRONGPASS (redis-py 4 raises it as a plain ResponseError,
        # newer ones as AuthenticationError).
        for kwargs in ({"password": "wrong"}, {"username": "bob", "password": PASSWORD}):
            client = redis.Redis(port=srv.port, socket_timeout=10, **kwargs)
            try:
                client.get("py")
            except (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError) as e:
                assert "WRONGPASS" in str(e) or isinstance(
                    e, redis.exceptions.AuthenticationError), e
            else:
                raise AssertionError("%r was accepted" % kwargs)
            finally:
                client.close()


def test_redis_cli():
    with Server(BINARY, config={"requirepass": PASSWORD}) as srv:
        def cli(*args):
            try:
                return subprocess.run(["redis-cli", "-p", str(srv.port)] + list(args),
                                      capture_output=True, text=True, timeout=30)
            except FileNotFoundError:
                skip("redis-cli not installed")
        out = cli("-a", PASSWORD, "SET", "c", "v")
        assert out.returncode == 0 and out.stdout.strip() == "OK", out
        out = cli("-a", PASSWORD, "GET", "c")
        assert out.stdout.strip() == "v", out
        out = cli("--no-auth-warning", "--user", "default", "--pass", PASSWORD, "GET", "c")
        assert out.stdout.strip() == "v", out
        out = cli("GET", "c")
        assert "NOAUTH" in out.stdout + out.stderr, out
        out = cli("-a", "wrong", "GET", "c")
        assert "WRONGPASS" in out.stdout + out.stderr or "NOAUTH" in out.stdout + out.stderr, out
        assert "v" not in out.stdout.split(), out


def test_no_password_configured():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as c:
            assert err(c.call("AUTH", "x")) == NOT_CONFIGURED
            assert c.call("PING") == "PONG"  # and nothing else changed
            # Redis's default user has nopass: AUTH default <anything> succeeds.
            assert c.call("AUTH", "default", "anything") == "OK"
            assert err(c.call("AUTH", "bob", "anything")) == WRONGPASS
            hello = hello_map(c.call("HELLO", "2", "AUTH", "default", "x"))
            assert hello[b"proto"] == 2
            assert hello_map(c.call("HELLO"))[b"server"] == b"redis"
            assert err(c.call("AUTH", "a", "b", "c")).startswith("ERR")


def test_requirepass_at_runtime():
    with Server(BINARY, config={}) as srv:
        with srv.conn() as old:
            old.ok("SET", "k", "v")
            assert old.call("CONFIG", "SET", "requirepass", "newpw") == "OK"
            assert old.call("CONFIG", "GET", "requirepass") == [b"requirepass", b"newpw"]
            # The connection that was open (and so authenticated) stays authenticated.
            assert old.call("GET", "k") == b"v"
            with srv.conn() as new:
                assert err(new.call("GET", "k")) == NOAUTH
                assert err(new.call("AUTH", "s3cret")) == WRONGPASS
                assert new.call("AUTH", "newpw") == "OK"
                assert new.call("GET", "k") == b"v"
                # Changing it again: both already-authenticated clients go on working.
                assert new.call("CONFIG", "SET", "requirepass", "other") == "OK"
                assert new.call("GET", "k") == b"v"
                assert old.call("GET", "k") == b"v"
            with srv.conn() as new:
                assert err(new.call("AUTH", "newpw")) == WRONGPASS
                assert new.call("AUTH", "other") == "OK"
            # Clearing it: new clients need no AUTH, and neither does one that connected
            # while the password was set and never authenticated.
            waiting = srv.conn()
            try:
                assert err(waiting.call("GET", "k")) == NOAUTH
                assert old.call("CONFIG", "SET", "requirepass", "") == "OK"
                assert waiting.call("GET", "k") == b"v"
            finally:
                waiting.close()
            with srv.conn() as new:
                assert new.call("GET", "k") == b"v"
                assert err(new.call("AUTH", "x")) == NOT_CONFIGURED


def test_non_loopback_bind_warns():
    # 0.0.0.0 includes 127.0.0.1, which is the only address the test connects through.
    with Server(BINARY, config={"bind": "0.0.0.0"}) as srv:
        warnings = [line for line in srv.log().splitlines() if "requirepass" in line]
        assert warnings, "no warning about requirepass in:\n" + srv.log()
        assert any("0.0.0.0" in line for line in warnings), warnings
        assert any("warning" in line for line in warnings), warnings
    with Server(BINARY, config={"bind": "0.0.0.0", "requirepass": PASSWORD}) as srv:
        assert "requirepass" not in srv.log(), srv.log()
        with srv.conn() as c:
            assert c.call("AUTH", PASSWORD) == "OK"
    with Server(BINARY, config={"bind": "127.0.0.1"}) as srv:
        assert "requirepass" not in srv.log(), srv.log()


if __name__ == "__main__":
    run_tests([
        test_commands_need_auth,
        test_python_client,
        test_redis_cli,
        test_no_password_configured,
        test_requirepass_at_runtime,
        test_non_loopback_bind_warns,
    ])
