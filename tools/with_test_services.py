#!/usr/bin/env python3
"""Run a command with the PostgreSQL and Redis servers the tests need, starting throwaway ones if none answer.

    python tools/with_test_services.py [--postgres] [--redis] -- COMMAND ...

* ``--postgres``: if a server answers at ``PG_URL`` (default ``postgres://postgres@127.0.0.1:5432/microcred``)
  the command runs against it; otherwise a throwaway cluster is made in ``var/test-services/`` on a free port
  (``initdb`` with trust authentication, listening on 127.0.0.1 only), used, stopped and deleted afterwards.
  The command gets ``DATABASE_URL``.
* ``--redis``: the same for Redis at ``TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379``); the command gets
  ``TEST_REDIS_URL`` (tests add their own database number).

Missing server programs are installed with ``apt-get`` (Debian's ``postgresql`` and ``redis-server``) when
running as root, as ``make test`` does on a fresh CI machine. PostgreSQL refuses to run as root, so as root the
throwaway cluster belongs to the ``postgres`` system user the package creates.

Standard library only: this runs before anything else is known to work.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "test-services"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/microcred"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"


def say(message: str) -> None:
    print(f"[test services] {message}", file=sys.stderr, flush=True)


def answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=2).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def apt_install(package: str) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        sys.exit(f"{package} is needed for the tests: install it (apt-get install {package}), or point the URL at a server.")
    say(f"installing {package} with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    # policy-rc.d 101: the package must not start its own service; we start exactly what we need.
    policy = Path("/usr/sbin/policy-rc.d")
    had_policy = policy.exists()
    if not had_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=env, stdout=subprocess.DEVNULL)
    finally:
        if not had_policy:
            policy.unlink()


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or ([shutil.which(name)] if shutil.which(name) else [])
    if not found:
        apt_install("postgresql")
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"PostgreSQL's {name} was not found after installing postgresql.")
    return found[-1]


def as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres():
    url = os.environ.get("PG_URL", DEFAULT_PG_URL)
    if answers(url, 5432):
        say(f"PostgreSQL answers at {urlsplit(url).hostname}:{urlsplit(url).port or 5432}; using it")
        yield {"DATABASE_URL": url}
        return
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        try:
            pwd.getpwnam(owner)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", owner], check=True)
    WORK.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="pg-", dir=WORK))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    if owner:
        shutil.chown(base, owner)
        shutil.chown(sockets, owner)
        base.chmod(0o700)
    port = free_port()
    say(f"no PostgreSQL at {url}: starting a throwaway one on 127.0.0.1:{port} in {base}")
    subprocess.run(
        as_owner([initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], owner),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        as_owner([pg_ctl, "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"], owner),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/microcred"}
    finally:
        subprocess.run(as_owner([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], owner), stdout=subprocess.DEVNULL)
        shutil.rmtree(base, ignore_errors=True)
        say("throwaway PostgreSQL stopped and removed")


@contextmanager
def redis():
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if answers(url, 6379):
        say(f"Redis answers at {urlsplit(url).hostname}:{urlsplit(url).port or 6379}; using it")
        yield {"TEST_REDIS_URL": url}
        return
    server = shutil.which("redis-server")
    if server is None:
        apt_install("redis-server")
        server = shutil.which("redis-server") or sys.exit("redis-server was not found after installing it.")
    WORK.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="redis-", dir=WORK))
    port = free_port()
    say(f"no Redis at {url}: starting a throwaway one on 127.0.0.1:{port}")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(base)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not answers(f"redis://127.0.0.1:{port}", port):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            sys.exit("The throwaway Redis did not start.")
        time.sleep(0.1)
    try:
        yield {"TEST_REDIS_URL": f"redis://127.0.0.1:{port}"}
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(base, ignore_errors=True)
        say("throwaway Redis stopped and removed")


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    parser = argparse.ArgumentParser(description="Run a command with test services.")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        sys.exit("No command given after --.")
    env = dict(os.environ)
    with ExitStack() as stack:
        if args.postgres:
            env.update(stack.enter_context(postgres()))
        if args.redis:
            env.update(stack.enter_context(redis()))
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
