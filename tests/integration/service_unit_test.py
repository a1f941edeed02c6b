"""The systemd unit and the installer.

config/mini-redis.service must pass `systemd-analyze verify` once scripts/install.sh has put
it (and the binary) into a scratch root, must carry the settings operations rely on
(Type=notify, reload by SIGHUP, its own user, restart on failure, enough descriptors for
maxclients, hardening, the watchdog), and install.sh must honour --dry-run, --root, --prefix
and keep an existing configuration.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import binary_from_argv, run_tests, skip  # noqa: E402

BINARY = binary_from_argv()
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(REPO, "config", "mini-redis.service")
CONFIG = os.path.join(REPO, "config", "mini-redis.json")
INSTALL = os.path.join(REPO, "scripts", "install.sh")
SYSTEM_UNITS = "/lib/systemd/system"


def parse_unit(text):
    """{section: {key: [values...]}}; comments and blank lines skipped."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, "setting outside a section: %r" % line
        key, sep, value = line.partition("=")
        assert sep, "not a key=value line: %r" % line
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def one(section, key):
    values = section.get(key)
    assert values, "%s= missing" % key
    return values[-1]


def yes(value):
    return value.lower() in ("yes", "true", "on", "1")


def seconds(value):
    """systemd time span (30, 30s, 1min, 500ms, 1min 30s) -> seconds."""
    units = {"": 1, "s": 1, "sec": 1, "ms": 0.001, "m": 60, "min": 60, "h": 3600}
    total = 0.0
    for part in value.split():
        num = part.rstrip("abcdefghijklmnopqrstuvwxyz")
        total += float(num) * units[part[len(num):]]
    return total


def install(*args, check=True):
    result = subprocess.run(["bash", INSTALL, "--binary", BINARY] + list(args), cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, "install.sh %s failed (%d):\n%s%s" % (
            " ".join(args), result.returncode, result.stdout, result.stderr)
    return result


def snapshot(root):
    """Every path under root (relative), to see whether anything was written."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def make_verify_root():
    """A scratch root systemd-analyze can verify in: the distribution's units and /bin/kill
    (ExecReload names it)."""
    root = tempfile.mkdtemp(prefix="mini-redis-root-")
    os.makedirs(os.path.join(root, "lib", "systemd"))
    subprocess.run(["cp", "-a", SYSTEM_UNITS, os.path.join(root, "lib", "systemd", "system")],
                   check=True)
    kill = shutil.which("kill")
    assert kill, "no kill binary on PATH"
    os.makedirs(os.path.join(root, "bin"))
    shutil.copy2(kill, os.path.join(root, "bin", "kill"))
    return root


def verify(root, unit_path):
    return subprocess.run(["systemd-analyze", "verify", "--root=" + root, unit_path],
                          capture_output=True, text=True, timeout=120)


def test_unit_contents():
    with open(UNIT) as f:
        unit = parse_unit(f.read())
    service = unit["Service"]
    assert one(service, "Type") == "notify"
    exec_start = one(service, "ExecStart")
    assert exec_start.split()[0] == "/usr/local/bin/mini-redis-server", exec_start
    assert "--config /etc/mini-redis/mini-redis.json" in exec_start, exec_start
    reload_cmd = one(service, "ExecReload")
    assert "kill" in reload_cmd and "$MAINPID" in reload_cmd, reload_cmd
    assert "-HUP" in reload_cmd.split() or "-SIGHUP" in reload_cmd.split() or \
        "HUP" in reload_cmd.split(), "ExecReload does not send SIGHUP: %r" % reload_cmd
    user = one(service, "User")
    assert user and user != "root", "User=%r" % user
    assert one(service, "Restart") == "on-failure"
    with open(CONFIG) as f:
        maxclients = json.load(f)["maxclients"]
    nofile = one(service, "LimitNOFILE").split(":")[-1]
    assert nofile == "infinity" or int(nofile) >= maxclients, \
        "LimitNOFILE=%s below maxclients %d" % (nofile, maxclients)
    assert yes(one(service, "NoNewPrivileges"))
    assert one(service, "ProtectSystem") == "strict"
    assert one(service, "ProtectHome") in ("yes", "true", "read-only", "tmpfs")
    assert yes(one(service, "PrivateTmp"))
    assert one(service, "ReadWritePaths"), "ReadWritePaths= empty"
    watchdog = seconds(one(service, "WatchdogSec"))
    assert watchdog > 0, "WatchdogSec disabled"
    # The graceful stop (shutdown-timeout) must fit inside TimeoutStopSec.
    if "TimeoutStopSec" in service:
        with open(CONFIG) as f:
            grace = json.load(f).get("shutdown-timeout", 5)
        assert seconds(one(service, "TimeoutStopSec")) > grace
    assert one(unit["Install"], "WantedBy") == "multi-user.target"


def test_systemd_analyze_verify():
    if shutil.which("systemd-analyze") is None:
        skip("systemd-analyze not installed")
    if not os.path.isdir(SYSTEM_UNITS):
        skip(SYSTEM_UNITS + " missing: nothing to verify against")
    root = make_verify_root()
    try:
        install("--root", root)
        result = verify(root, "/etc/systemd/system/mini-redis.service")
        output = result.stdout + result.stderr
        assert result.returncode == 0, "verify failed (%d):\n%s" % (result.returncode, output)
        ours = [line for line in output.splitlines() if "mini-redis" in line]
        assert not ours, "verify complained about our unit:\n" + "\n".join(ours)

        # Control: the same root must reject broken units, so the pass above means something.
        unit_dir = os.path.join(root, "etc", "systemd", "system")
        with open(os.path.join(unit_dir, "mini-redis.service")) as f:
            good = f.read()
        broken = {
            "broken-exec.service": good.replace("/bin/mini-redis-server",
                                                "/bin/no-such-server"),
            "broken-noexec.service": "\n".join(
                line for line in good.splitlines() if not line.startswith("ExecStart=")),
        }
        for name, text in broken.items():
            with open(os.path.join(unit_dir, name), "w") as f:
                f.write(text)
            bad = verify(root, "/etc/systemd/system/" + name)
            assert bad.returncode != 0, "verify accepted %s:\n%s%s" % (name, bad.stdout,
                                                                      bad.stderr)
        # An unknown key is only a warning, but it must show up as output about that unit.
        with open(os.path.join(unit_dir, "typo.service"), "w") as f:
            f.write(good.replace("Type=notify", "Tpye=notify"))
        typo = verify(root, "/etc/systemd/system/typo.service")
        assert "typo.service" in typo.stdout + typo.stderr, "unknown key went unnoticed"

        # The unit installed for another prefix verifies too (its ExecStart exists there).
        install("--root", root, "--prefix", "/opt/mr")
        result = verify(root, "/etc/systemd/system/mini-redis.service")
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_install_dry_run():
    root = tempfile.mkdtemp(prefix="mini-redis-root-")
    try:
        result = install("--dry-run", "--root", root, "--prefix", "/opt/mr")
        assert snapshot(root) == set(), "dry run wrote %s" % sorted(snapshot(root))
        out = result.stdout
        for expected in (root + "/opt/mr/bin/mini-redis-server",
                         root + "/etc/mini-redis/mini-redis.json",
                         root + "/etc/systemd/system/mini-redis.service"):
            assert expected in out, "dry run does not mention %s:\n%s" % (expected, out)
        assert "would" in out, out

        # Without --root a dry run must not touch the live system either.
        live = ["/usr/local/bin/mini-redis-server", "/etc/mini-redis",
                "/etc/systemd/system/mini-redis.service"]
        before = {p: os.path.lexists(p) for p in live}
        had_user = subprocess.run(["getent", "passwd", "mini-redis"],
                                  capture_output=True).returncode == 0
        result = install("--dry-run")
        after = {p: os.path.lexists(p) for p in live}
        has_user = subprocess.run(["getent", "passwd", "mini-redis"],
                                  capture_output=True).returncode == 0
        assert before == after, "dry run changed %r -> %r" % (before, after)
        assert had_user == has_user, "dry run created the mini-redis user"
        assert "/usr/local/bin/mini-redis-server" in result.stdout, result.stdout
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_install_into_root():
    root = tempfile.mkdtemp(prefix="mini-redis-root-")
    try:
        install("--root", root, "--prefix", "/opt/mr")
        binary = os.path.join(root, "opt/mr/bin/mini-redis-server")
        assert os.path.isfile(binary) and os.access(binary, os.X_OK), "binary not installed"
        version = subprocess.run([binary, "--version"], capture_output=True, text=True,
                                 timeout=30)
        assert version.returncode == 0 and "mini-redis" in version.stdout, version

        config = os.path.join(root, "etc/mini-redis/mini-redis.json")
        with open(config) as f, open(CONFIG) as g:
            assert json.load(f) == json.load(g), "installed config differs from the default"
        check = subprocess.run([binary, "--check-config", "--config", config],
                               capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, check.stderr

        unit_path = os.path.join(root, "etc/systemd/system/mini-redis.service")
        assert os.stat(unit_path).st_mode & 0o777 == 0o644
        with open(unit_path) as f:
            unit = parse_unit(f.read())
        exec_start = one(unit["Service"], "ExecStart")
        assert exec_start == "/opt/mr/bin/mini-redis-server --config " \
                             "/etc/mini-redis/mini-redis.json", exec_start
        assert one(unit["Service"], "Type") == "notify"

        # Second install: the operator's config stays, the new default goes beside it.
        with open(config) as f:
            edited = json.load(f)
        edited["maxclients"] = 1234
        with open(config, "w") as f:
            json.dump(edited, f)
        result = install("--root", root, "--prefix", "/opt/mr")
        assert "keeping" in result.stdout, result.stdout
        with open(config) as f:
            assert json.load(f)["maxclients"] == 1234, "existing config overwritten"
        with open(config + ".new") as f, open(CONFIG) as g:
            assert json.load(f) == json.load(g), ".json.new is not the default config"
        assert os.access(binary, os.X_OK)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_install_rejects_unknown_argument():
    result = install("--no-such-flag", check=False)
    assert result.returncode != 0
    assert "unknown argument" in result.stderr, result.stderr


if __name__ == "__main__":
    run_tests([
        test_unit_contents,
        test_systemd_analyze_verify,
        test_install_dry_run,
        test_install_into_root,
        test_install_rejects_unknown_argument,
    ])
