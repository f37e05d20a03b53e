"""The image's runtime without a Docker engine: bubblewrap gives the read-only root, the writable /tmp only and
user 10001 the Dockerfile and NAIS give; `check --deploy` and gunicorn run in it with the production settings.

The Dockerfile is read too, so what is simulated here is what it declares (user, environment, command).
"""

import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.db import connection

from tests.test_platform import manifest, nais_environment

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()
UID = 10001


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments left out."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def image_environment() -> dict[str, str]:
    env = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            env |= dict(item.split("=", 1) for item in shlex.split(rest))
    return env


def test_the_image_runs_as_user_10001_to_the_end():
    users = [rest for keyword, rest in instructions() if keyword == "USER"]
    assert users == [f"{UID}:{UID}"], "one USER, numeric (runAsNonRoot checks a number), none back to root"
    assert f"--uid {UID}" in DOCKERFILE
    assert [keyword for keyword, _ in instructions()].index("USER") > max(
        index for index, (keyword, _) in enumerate(instructions()) if keyword in ("RUN", "COPY")
    ), "nothing is built after the switch to the unprivileged user"


def test_everything_the_processes_write_goes_to_tmp():
    env = image_environment()
    for name in ("HOME", "XDG_CACHE_HOME", "PROMETHEUS_MULTIPROC_DIR"):
        assert env[name].startswith("/tmp"), name
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"  # no __pycache__ next to the read-only code
    command = next(rest for keyword, rest in instructions() if keyword == "CMD")
    assert "nav_sikkerhet/gunicorn_conf.py" in command
    from nav_sikkerhet import gunicorn_conf

    assert gunicorn_conf.worker_tmp_dir == "/tmp"


def test_probes_not_a_docker_healthcheck_and_compose_runs_it_read_only():
    """NAIS probes the pod (.nais/app.yaml); the slim image has no curl for a HEALTHCHECK to call."""
    assert "HEALTHCHECK" not in [keyword for keyword, _ in instructions()]
    web = manifest("app")["spec"]
    assert (web["liveness"]["path"], web["readiness"]["path"]) == ("/internal/isalive", "/internal/isready")
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["services"]["web"]
    assert app.get("read_only") is True and "/tmp" in app.get("tmpfs", [])
    assert "/healthz" in " ".join(app["healthcheck"]["test"])


def _bwrap_works() -> bool:
    if not (shutil.which("bwrap") and shutil.which("setpriv")):
        return False
    return subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"], capture_output=True,
                          timeout=30).returncode == 0


sandboxed = pytest.mark.skipif(
    not _bwrap_works(),
    reason="bubblewrap cannot run here (Debian's bubblewrap, installed by `make install-test`, and namespaces the "
           "machine allows): the read-only image is not simulated",
)


def sandbox_command(*command: str) -> list[str]:
    """bwrap: the host's files read-only, a new empty /tmp, and the command as user 10001 (setpriv drops root)."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs",
            "/tmp", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--chdir", str(ROOT)]
    root = ROOT.resolve()
    if root.is_relative_to("/tmp"):
        # A checkout under /tmp (a CI clone) would vanish under the new /tmp: shown again, read-only, with each
        # directory between made open to 10001 (bwrap makes missing ones private to root).
        for parent in reversed(root.relative_to("/tmp").parents[:-1]):
            args += ["--perms", "0755", "--dir", str(Path("/tmp", parent))]
        args += ["--ro-bind", str(root), str(root)]
    # A Python installed under a home that only its owner may enter (pyenv in /root): shown to 10001 alone.
    base = Path(sys.base_prefix).resolve()
    home, below = Path("/", *base.parts[1:2]), Path("/", *base.parts[1:3])
    if home != base and not os.stat(home).st_mode & 0o001:
        # Bound one level below the home: bwrap would make deeper missing directories private to root.
        args += ["--perms", "0755", "--tmpfs", str(home), "--ro-bind", str(below), str(below)]
    return [*args, "--", "setpriv", "--reuid", str(UID), "--regid", str(UID), "--clear-groups", "--", *command]


def production_environment() -> dict[str, str]:
    """The web manifest's environment, as in the image; database and Redis those of this test run."""
    settings = connection.settings_dict
    env = {key: value for key, value in nais_environment(manifest("app")["spec"]).items()
           if not key.startswith(("DB_", "VALKEY_"))}
    env |= image_environment()
    env |= {
        "PATH": "/usr/bin:/bin", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings", "AUDIT_SYSLOG_HOST": "",
        "DATABASE_URL": f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
                        f"{settings['PORT'] or 5432}/{settings['NAME']}",
    }
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    return env


def gunicorn_master(ancestor: int) -> int | None:
    """The first gunicorn process below the given one (bwrap, then its init in the sandbox), by /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parents[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]),
                                     b"gunicorn" in command and not command.startswith(b"bwrap"))
    for pid in sorted(parents):
        chain, parent = [], parents[pid][0]
        while parent in parents and parent != ancestor:
            chain.append(parent)
            parent = parents[parent][0]
        if parent == ancestor and parents[pid][1] and not any(parents[p][1] for p in chain):
            return pid
    return None


def run_sandboxed(*command: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(sandbox_command(*command), env=env, capture_output=True, text=True, timeout=timeout)


@sandboxed
def test_the_sandbox_is_the_image_runtime():
    env = production_environment()
    result = run_sandboxed("sh", "-c", f"id -u; touch {ROOT}/x 2>&1; touch /tmp/y && echo tmp-writable", env=env)
    lines = result.stdout.splitlines()
    assert lines[0] == str(UID) and "Read-only file system" in lines[1] and lines[2] == "tmp-writable"


@sandboxed
@pytest.mark.django_db
def test_check_deploy_passes_inside_the_read_only_image():
    env = production_environment()
    python = str(Path(sys.executable))
    result = run_sandboxed(python, "manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@sandboxed
@pytest.mark.django_db
def test_gunicorn_serves_inside_the_read_only_image_and_stops_on_sigterm():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = production_environment() | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(sandbox_command(gunicorn, "-c", "nav_sikkerhet/gunicorn_conf.py",
                                              "nav_sikkerhet.wsgi:application"),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ready = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and server.poll() is None:
            try:
                ready = requests.get(f"http://127.0.0.1:{port}/internal/isready", timeout=60)
                break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.5)
        assert ready is not None, server.communicate(timeout=10)[0] if server.poll() is not None else "no answer"
        assert (ready.status_code, ready.text) == (200, "ready")
        # Metrics: every process's counters in files under /tmp/prometheus, added up.
        metrics = requests.get(f"http://127.0.0.1:{port}/internal/metrics", timeout=30)
        assert metrics.status_code == 200 and "# HELP nav_sikkerhet_sweep_items_due" in metrics.text
    finally:
        # bwrap passes no signal on: SIGTERM goes to gunicorn's master itself, as the kubelet's would.
        master = gunicorn_master(server.pid)
        os.kill(master, signal.SIGTERM) if master else server.kill()
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    assert "Read-only file system" not in output and "Permission denied" not in output, output
