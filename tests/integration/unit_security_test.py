"""The systemd unit's hardening: `systemd-analyze security` and the system call filter.

scripts/install.sh puts config/mini-redis.service into a scratch root; there
`systemd-analyze security --offline=true` must rate it 2.5 or below (and a copy stripped of its
hardening must not, so the check can fail), the directives chosen must be in force, and
`systemd-analyze verify` must accept it. Then the server runs under strace -f through start-up,
client traffic, a reload sent by the kill binary ExecReload uses, and SIGTERM; every system call
seen must be allowed by the unit's SystemCallFilter= lines, or the service would get EPERM in
production. Needs systemd-analyze (skips without it); the strace part skips without strace.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from harness import Skip, check, run_main
except ImportError:  # All this test needs from the harness; it starts no harness servers.
    class Skip(Exception):
        pass

    def check(name, fn, *args, **kwargs):
        print("---- %s" % name, flush=True)
        value = fn(*args, **kwargs)
        print("ok   %s" % name, flush=True)
        return value

    def run_main(main):
        try:
            main(os.path.abspath(sys.argv[1]))
        except Skip as e:
            print("SKIP: %s" % e, flush=True)
            sys.exit(77)
        print("PASSED", flush=True)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = os.path.join(REPO, "config", "mini-redis.json")
INSTALL = os.path.join(REPO, "scripts", "install.sh")
SYSTEM_UNITS = "/lib/systemd/system"
UNIT = "/etc/systemd/system/mini-redis.service"  # inside the scratch root
MAX_EXPOSURE = 2.5

# Settings the unit is meant to have, as `systemd-analyze security --json=short` names them.
# One missing from this systemd's report is not checked; one reported unset fails.
MUST_BE_SET = [
    "NoNewPrivileges", "CapabilityBoundingSet_CAP_SYS_ADMIN", "AmbientCapabilities",
    "PrivateUsers", "RestrictSUIDSGID", "RemoveIPC", "UMask", "ProtectSystem", "ProtectHome",
    "PrivateTmp", "PrivateDevices", "PrivateMounts", "ProtectProc", "ProcSubset",
    "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
    "ProtectControlGroups", "ProtectClock", "ProtectHostname", "RestrictNamespaces_user",
    "LockPersonality", "MemoryDenyWriteExecute", "RestrictRealtime",
    "SystemCallArchitectures", "SystemCallFilter_privileged", "SystemCallFilter_resources",
    "SystemCallFilter_debug", "SystemCallFilter_mount", "RestrictAddressFamilies_AF_PACKET",
    "RestrictAddressFamilies_AF_NETLINK", "RestrictAddressFamilies_OTHER",
]
# Calls no Redis-like server needs: the filter must refuse them.
MUST_BE_DENIED = ["reboot", "mount", "ptrace", "setuid", "setrlimit", "init_module",
                  "kexec_load", "settimeofday"]


def analyze(*args, timeout=120):
    return subprocess.run(["systemd-analyze"] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def make_root(binary):
    """A scratch root holding what install.sh installs, the distribution's units and the kill
    binary ExecReload names (verify wants both)."""
    root = tempfile.mkdtemp(prefix="mini-redis-sec-")
    result = subprocess.run(["bash", INSTALL, "--binary", binary, "--root", root], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, "install.sh --root failed:\n%s%s" % (result.stdout,
                                                                         result.stderr)
    if os.path.isdir(SYSTEM_UNITS):
        os.makedirs(os.path.join(root, "lib", "systemd"), exist_ok=True)
        subprocess.run(["cp", "-a", SYSTEM_UNITS, os.path.join(root, "lib", "systemd")],
                       check=True)
    kill = shutil.which("kill")
    if kill:
        os.makedirs(os.path.join(root, "bin"), exist_ok=True)
        shutil.copy2(kill, os.path.join(root, "bin", "kill"))
    return root


def exposure(root, unit_path, threshold=None):
    """(score, exit status) of `systemd-analyze security --offline` for a unit in root."""
    args = ["security", "--offline=true", "--root=" + root, unit_path]
    if threshold is not None:
        args.insert(1, "--threshold=%d" % round(threshold * 10))
    result = analyze(*args)
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", result.stdout)
    assert found, "no overall exposure in the output (%d):\n%s%s" % (
        result.returncode, result.stdout, result.stderr)
    return float(found.group(1)), result.returncode


def check_score(root):
    score, rc = exposure(root, UNIT, threshold=MAX_EXPOSURE)
    print("exposure %.1f (at most %.1f)" % (score, MAX_EXPOSURE))
    assert score <= MAX_EXPOSURE, "exposure %.1f above %.1f" % (score, MAX_EXPOSURE)
    assert rc == 0, "--threshold rejected the unit (%d)" % rc


def check_control(root):
    """The unit without its hardening section must score worse and fail the threshold."""
    with open(root + UNIT) as f:
        text = f.read()
    start, end = text.index("# Hardening"), text.index("[Install]")
    bare = "/etc/systemd/system/mini-redis-bare.service"
    with open(root + bare, "w") as f:
        f.write(text[:start] + text[end:])
    score, rc = exposure(root, bare, threshold=MAX_EXPOSURE)
    print("unhardened control: exposure %.1f" % score)
    assert score > MAX_EXPOSURE and rc != 0, "control scored %.1f (rc %d)" % (score, rc)
    os.unlink(root + bare)


def check_settings(root):
    result = analyze("security", "--offline=true", "--root=" + root, "--json=short", UNIT)
    report = {entry["json_field"]: entry for entry in json.loads(result.stdout)}
    unset = [field for field in MUST_BE_SET if field in report and not report[field]["set"]]
    assert not unset, "not in force: %s" % ", ".join(unset)
    left = sorted("%s (%s)" % (k, e["exposure"]) for k, e in report.items() if not e["set"])
    print("left open: " + ", ".join(left))


def check_verify(root):
    if not os.path.isdir(SYSTEM_UNITS) or not shutil.which("kill"):
        print("skipped: no %s or no kill binary to verify against" % SYSTEM_UNITS)
        return
    result = analyze("verify", "--root=" + root, UNIT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, "verify failed (%d):\n%s" % (result.returncode, output)
    ours = [line for line in output.splitlines() if "mini-redis" in line]
    assert not ours, "verify complained about the unit:\n" + "\n".join(ours)


# --- the system call filter against what the server really calls ---------------------------


def syscall_groups():
    """{'@group': {members, '@nested', ...}} from `systemd-analyze syscall-filter`."""
    groups, current = {}, None
    for line in analyze("syscall-filter").stdout.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), set())
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.add(line.strip())
    assert "@system-service" in groups, "syscall-filter listed no @system-service"
    return groups


def expand(names, groups):
    out = set()
    for name in names:
        out |= expand(groups[name], groups) if name.startswith("@") else {name}
    return out


def allowed_syscalls(root):
    """The allow list the unit's SystemCallFilter= lines build, in order (systemd's rule: the
    first list allows, later plain lists add, `~` lists take away)."""
    groups = syscall_groups()
    lines = []
    with open(root + UNIT) as f:
        for raw in f:
            key, sep, value = raw.strip().partition("=")
            if sep and key == "SystemCallFilter" and value:
                lines.append(value)
    assert lines and not lines[0].startswith("~"), "SystemCallFilter= is not an allow list"
    allowed = set()
    for value in lines:
        deny = value.startswith("~")
        names = expand(value.lstrip("~").split(), groups)
        allowed = allowed - names if deny else allowed | names
    return allowed, groups


TRACE_LINE = re.compile(r"^\d+\s+(?:<\.\.\. )?([a-z_][a-z0-9_]*)[( ]")


def traced_syscalls(path):
    with open(path) as f:
        return {m.group(1) for m in map(TRACE_LINE.match, f) if m}


class Notify:
    """The service manager's end of NOTIFY_SOCKET."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.path = path

    def wait_for(self, key, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            if key + "=1" in data.splitlines():
                return
        raise AssertionError("no %s=1 from the server within %.0fs" % (key, timeout))


def request(port, commands):
    """Sends inline commands then PING; returns every byte up to the PONG."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall("".join(c + "\r\n" for c in commands + ["PING"]).encode())
        data = b""
        while not data.endswith(b"+PONG\r\n"):
            chunk = conn.recv(65536)
            assert chunk, "connection closed after %r" % data[-200:]
            data += chunk
        return data


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_traced(binary, work):
    """Runs the server under strace -f like the unit does (config file, NOTIFY_SOCKET, watchdog)
    through traffic, a reload by the kill binary and SIGTERM; returns the syscalls seen."""
    with open(CONFIG) as f:
        config = json.load(f)
    config["port"] = port = free_port()
    config_path = os.path.join(work, "mini-redis.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    notify = Notify(os.path.join(work, "notify"))
    env = dict(os.environ, NOTIFY_SOCKET=notify.path, WATCHDOG_USEC="1000000")
    env.pop("WATCHDOG_PID", None)
    server_trace, kill_trace = os.path.join(work, "server.trace"), os.path.join(work, "kill.trace")
    log = open(os.path.join(work, "server.log"), "w")
    proc = subprocess.Popen(["strace", "-f", "-qq", "-o", server_trace, binary, "--config",
                             config_path], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        notify.wait_for("READY")
        reply = request(port, ["SET k v", "GET k", "INFO", "CLIENT LIST", "DBSIZE",
                               "CONFIG SET maxclients 500", "SLOWLOG GET"])
        pid = int(re.search(rb"process_id:(\d+)", reply).group(1))
        config["maxclients"] = 600
        with open(config_path, "w") as f:
            json.dump(config, f)
        sent = subprocess.run(["strace", "-f", "-qq", "-o", kill_trace, shutil.which("kill"),
                               "-HUP", str(pid)], capture_output=True, text=True, timeout=60)
        assert sent.returncode == 0, "kill -HUP under strace failed: %s" % sent.stderr
        notify.wait_for("RELOADING")
        notify.wait_for("READY")
        assert b"600" in request(port, ["CONFIG GET maxclients"]), "reload not applied"
        os.kill(pid, signal.SIGTERM)
        notify.wait_for("STOPPING")
        assert proc.wait(60) == 0, "server exited %d" % proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        notify.sock.close()
    return traced_syscalls(server_trace), traced_syscalls(kill_trace)


def check_filter(root, binary):
    allowed, groups = allowed_syscalls(root)
    wrongly_allowed = [name for name in MUST_BE_DENIED if name in allowed]
    assert not wrongly_allowed, "the filter allows %s" % wrongly_allowed
    assert "madvise" in allowed, "madvise (malloc, jemalloc) is not allowed"
    if shutil.which("strace") is None or shutil.which("kill") is None:
        print("skipped the traced run: no strace or no kill binary")
        return
    sanitized = os.environ.get("MINI_REDIS_SANITIZED")  # tests/meson.build, harness.py
    if sanitized:
        print("skipped the traced run under -Dsanitizers=%s: LeakSanitizer cannot run under "
              "strace, and the sanitizer runtime makes system calls the server does not (the "
              "release pass traces the real binary)" % sanitized)
        return
    probe = subprocess.run(["strace", "-qq", "-o", "/dev/null", "true"], capture_output=True,
                           text=True, timeout=30)
    if probe.returncode != 0:
        print("skipped the traced run: strace cannot trace here: %s" % probe.stderr.strip())
        return
    work = tempfile.mkdtemp(prefix="mini-redis-strace-")
    try:
        server, kill = run_traced(binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("server used %d system calls, kill %d" % (len(server), len(kill)))
    for who, used in (("the server", server), ("kill (ExecReload)", kill)):
        denied = sorted(used - allowed)
        named = ["%s (%s)" % (name, ", ".join(sorted(g for g in groups if g != "@known" and
                                                      name in expand(groups[g], groups))))
                 for name in denied]
        assert not denied, "%s calls what the unit's filter denies: %s" % (who, named)
    for name in ("epoll_wait", "accept4", "sendmsg", "signalfd4", "eventfd2", "futex"):
        assert name in server, "trace lacks %s: the traced run did not do its job" % name


def main(binary):
    if shutil.which("systemd-analyze") is None:
        raise Skip("systemd-analyze not installed")
    root = make_root(binary)
    try:
        check("exposure at most %.1f" % MAX_EXPOSURE, check_score, root)
        check("an unhardened copy fails the same check", check_control, root)
        check("the chosen directives are in force", check_settings, root)
        check("systemd-analyze verify", check_verify, root)
        check("SystemCallFilter allows what the server and kill call", check_filter, root,
              binary)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    run_main(main)
