"""The deployment recipes in deploy/ (issue #19 item 6), exercised as far as this machine allows.

* systemd units: parsed; their ExecStart/ExecStartPre commands run here against the project (gunicorn
  ``--check-config`` loads the WSGI application under the production settings, ``manage.py check --deploy``,
  the Celery commands' own option parsing with ``--help``, ``celery report``); ``systemd-analyze verify`` when
  the binary exists.
* nginx: the headers and paths the application's settings expect; ``nginx -t`` when nginx is installed.
* Dockerfile and compose file: parsed and checked against the project (files copied exist, commands match the
  units, every variable set is a setting the project reads, the services are there). Images are built where a
  container engine is available (docs/operations.md "Deployment"), not in this test.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = {name: DEPLOY / "systemd" / f"microcred-{name}.service" for name in ("web", "worker", "beat")}
ENV_EXAMPLE = DEPLOY / "systemd" / "microcred.env.example"
SRV = "/srv/microcred"
STATE = "/var/lib/microcred"


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as {section: [(key, value), …]} (keys may repeat; comments and continuations handled)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = pending + raw.strip()
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: {line!r} is not key=value"
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def one(unit: dict, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, (section, key, found)
    return found[0]


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def settings_read_by_the_project() -> set[str]:
    """Every environment variable config/ reads (env_str("NAME"…), env_int(…), …) and Django's own module name."""
    names = {"DJANGO_SETTINGS_MODULE"}
    for path in (ROOT / "config").rglob("*.py"):
        names.update(re.findall(r"env_\w+\(\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text(encoding="utf-8")))
    return names


def local_argv(command: str, var_dir: Path) -> list[str]:
    """A unit's command with the production paths mapped onto this checkout."""
    argv = shlex.split(command)
    mapped = []
    for arg in argv:
        arg = arg.replace(f"{SRV}/.venv/bin/", f"{ROOT}/.venv/bin/").replace(STATE, str(var_dir))
        mapped.append(arg)
    return mapped


def unit_environment(unit: dict, tmp_path: Path) -> dict[str, str]:
    """The environment the unit's processes get: the example EnvironmentFile with its placeholders filled in,
    a scratch SQLite database and VAR_DIR, and the unit's Environment= lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "REDIS_"))}
    env.update(env_file(ENV_EXAMPLE))
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        CREDENTIAL_KEK=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    for line in values(unit, "Service", "Environment"):
        key, _, value = line.partition("=")
        if value.startswith("/run/"):  # the unit's RuntimeDirectory=, made here in the scratch directory
            value = str(tmp_path / "run" / value.removeprefix("/run/"))
            Path(value).mkdir(parents=True, exist_ok=True)
        env[key] = value
    return env


def run(argv: list[str], env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


# --- systemd ------------------------------------------------------------------------------------------------


def test_the_units_share_the_production_layout():
    env = env_file(ENV_EXAMPLE)
    assert env["VAR_DIR"] == STATE and env["TRUSTED_PROXY_COUNT"] == "1"
    assert set(env) <= settings_read_by_the_project(), set(env) - settings_read_by_the_project()
    for name, path in UNITS.items():
        unit = parse_unit(path)
        assert one(unit, "Service", "User") == one(unit, "Service", "Group") == "microcred", name
        assert one(unit, "Service", "WorkingDirectory") == SRV
        assert one(unit, "Service", "EnvironmentFile") == "/etc/microcred/microcred.env"
        assert "DJANGO_SETTINGS_MODULE=config.settings.production" in values(unit, "Service", "Environment")
        assert one(unit, "Service", "StateDirectory") == "microcred"  # systemd makes /var/lib/microcred (VAR_DIR)
        assert one(unit, "Service", "Restart") == "on-failure"
        assert one(unit, "Install", "WantedBy") == "multi-user.target"
        assert one(unit, "Service", "ExecStart").startswith(f"{SRV}/.venv/bin/")
    web = shlex.split(one(parse_unit(UNITS["web"]), "Service", "ExecStart"))
    assert web[1] == "config.wsgi:application"
    assert "--access-logfile" not in web  # paths carry tokens (issue #19 item 3)
    beat = shlex.split(one(parse_unit(UNITS["beat"]), "Service", "ExecStart"))
    assert beat[beat.index("--schedule") + 1].startswith(STATE + "/")


def test_the_web_unit_starts_the_projects_wsgi_application_under_production_settings(tmp_path):
    unit = parse_unit(UNITS["web"])
    env = unit_environment(unit, tmp_path)
    pre = run(local_argv(one(unit, "Service", "ExecStartPre"), tmp_path / "var"), env)
    assert pre.returncode == 0, pre.stdout + pre.stderr
    # The start-up check refuses what would stop signing: a KEK that is not 32 bytes is an error here.
    refused_pre = run(
        local_argv(one(unit, "Service", "ExecStartPre"), tmp_path / "var"), {**env, "CREDENTIAL_KEK": "x"}
    )
    assert refused_pre.returncode != 0 and "CREDENTIAL_KEK" in refused_pre.stderr

    argv = local_argv(one(unit, "Service", "ExecStart"), tmp_path / "var")
    checked = run([*argv, "--check-config"], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # --check-config loads the application: a production setting it refuses makes the check fail.
    refused = run([*argv, "--check-config"], {**env, "SECRET_KEY": "short"})
    assert refused.returncode != 0
    assert "SECRET_KEY must be a random string" in refused.stdout + refused.stderr


def test_the_celery_units_commands_parse_and_load_the_project(tmp_path):
    for name in ("worker", "beat"):
        unit = parse_unit(UNITS[name])
        env = unit_environment(unit, tmp_path)
        argv = local_argv(one(unit, "Service", "ExecStart"), tmp_path / "var")
        assert argv[1:4] == ["-A", "config", name]
        # Celery parses every option before it honours --help: a misspelt option fails here.
        helped = run([*argv, "--help"], env)
        assert helped.returncode == 0, (name, helped.stdout + helped.stderr)
        misspelt = run([*argv, "--concurency", "2", "--help"], env)
        assert misspelt.returncode != 0
    report = run([argv[0], "-A", "config", "report"], env)
    assert report.returncode == 0, report.stdout + report.stderr
    assert "config.settings.production" in report.stdout


def test_systemd_accepts_the_units_where_systemd_analyze_exists(tmp_path):
    """`systemd-analyze verify` on copies pointing at this checkout (it checks the executables exist)."""
    analyze = shutil.which("systemd-analyze")
    user, group = _current_user_and_group()
    for path in UNITS.values():
        text = path.read_text(encoding="utf-8")
        local = (
            text.replace(f"{SRV}/.venv", f"{ROOT}/.venv")
            .replace("/etc/microcred/microcred.env", str(ENV_EXAMPLE))
            .replace("User=microcred", f"User={user}")
            .replace("Group=microcred", f"Group={group}")
        )
        copy = tmp_path / path.name
        copy.write_text(local, encoding="utf-8")
        if analyze:
            verified = run([analyze, "verify", str(copy)], dict(os.environ), timeout=60)
            assert verified.returncode == 0 and verified.stderr.strip() == "", (path.name, verified.stderr)
        assert parse_unit(copy).keys() == {"Unit", "Service", "Install"}


def _current_user_and_group() -> tuple[str, str]:
    import grp
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name


# --- nginx --------------------------------------------------------------------------------------------------


def _directives(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(re.sub(r"\s+", " ", line))
    return lines


def test_nginx_passes_the_headers_the_production_settings_trust(tmp_path):
    from django.conf import settings

    from microcred.proposals.documents import MAX_DOCUMENT_BYTES

    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    proxy = _directives((DEPLOY / "nginx-proxy.conf").read_text(encoding="utf-8"))
    assert site.count("{") == site.count("}")
    # One proxy appends the client address (TRUSTED_PROXY_COUNT=1 counts it) and sets the scheme Django reads.
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "proxy_set_header Host $host;" in proxy
    assert "proxy_pass http://microcred_web;" in proxy
    web = shlex.split(one(parse_unit(UNITS["web"]), "Service", "ExecStart"))
    bind = web[web.index("--bind") + 1]
    assert f"server {bind} fail_timeout=0;" in _directives(site)
    # Static files from STATIC_ROOT as the production layout places it; uploads never served directly.
    assert f"alias {SRV}/{Path(settings.STATIC_ROOT).name}/;" in _directives(site)
    assert settings.STATIC_URL == "/static/" and "location /static/ {" in _directives(site)
    assert "location /media/" not in site
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size and int(size.group(1)) * 1024 * 1024 > MAX_DOCUMENT_BYTES
    # TLS placeholders, HTTP redirected, and an access log without paths (they carry tokens).
    assert "ssl_certificate /etc/ssl/microcred/fullchain.pem;" in _directives(site)
    assert "return 301 https://$host$request_uri;" in _directives(site)
    log_format = re.search(r"log_format microcred_no_path (.*?);", site, re.S).group(1)
    assert "$request " not in log_format + " " and "$uri" not in log_format and "$request_uri" not in log_format
    assert site.count("access_log /var/log/nginx/microcred.access.log microcred_no_path;") == 2

    nginx = shutil.which("nginx")
    if nginx:  # `nginx -t` on the real files, with a throw-away certificate in place of the placeholders
        _nginx_test(nginx, site, tmp_path)


def _nginx_test(nginx: str, site: str, tmp_path: Path) -> None:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ed25519",
            "-nodes",
            "-subj",
            "/CN=mc.example.org",
            "-days",
            "1",
            "-keyout",
            str(tmp_path / "key.pem"),
            "-out",
            str(tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    local = (
        site.replace("/etc/ssl/microcred/fullchain.pem", str(tmp_path / "cert.pem"))
        .replace("/etc/ssl/microcred/privkey.pem", str(tmp_path / "key.pem"))
        .replace("/var/log/nginx/", f"{tmp_path}/")
        .replace("/etc/nginx/microcred-proxy.conf", str(DEPLOY / "nginx-proxy.conf"))
    )
    (tmp_path / "site.conf").write_text(local, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    tested = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stderr


# --- containers ---------------------------------------------------------------------------------------------


def _dockerfile() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_the_dockerfile_builds_from_this_repository_as_the_units_run_it():
    import json

    instructions = _dockerfile()
    bases = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    version = f"python:{sys.version_info.major}.{sys.version_info.minor}-"
    assert bases and all(base.startswith(version) for base in bases), (bases, version)
    for keyword, rest in instructions:
        if keyword == "COPY" and not rest.startswith("--from"):
            *sources, _ = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install -r /tmp/requirements.txt" in runs and "COPY requirements/base.txt" in (
        DEPLOY / "Dockerfile"
    ).read_text(encoding="utf-8")
    assert "manage.py collectstatic --noinput" in runs and "microcred.core.compile_translations" in runs
    assert [rest for keyword, rest in instructions if keyword == "USER"] == ["microcred"]
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(rest for keyword, rest in instructions if keyword == "ENV")))
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production" and env["VAR_DIR"] == STATE
    # The container's web command is the unit's, bound to the container's interfaces.
    cmd = json.loads(next(rest for keyword, rest in instructions if keyword == "CMD"))
    unit = shlex.split(one(parse_unit(UNITS["web"]), "Service", "ExecStart"))
    assert cmd[0] == "gunicorn" and unit[0].endswith("/gunicorn")
    assert cmd[1:] == [arg if arg != "127.0.0.1:8000" else "0.0.0.0:8000" for arg in unit[1:]]
    health = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", next(r for k, r in instructions if k == "HEALTHCHECK"))
    assert resolve(health.group(1)).url_name  # the path the health check asks for exists
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and ".git" in ignored and "var" in ignored
    # The signing core's C loops are compiled in the image (required), not copied from the host.
    assert "tools/build_speedups.py --require" in runs and "microcred/vc/_canonical.*.so" in ignored


def test_the_compose_file_runs_postgres_redis_web_worker_and_one_beat():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    app = {"migrate", "web", "worker", "beat"}
    for name in app:
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == (
            DEPLOY / "Dockerfile"
        )
        environment = service["environment"]
        assert set(environment) <= settings_read_by_the_project(), set(environment) - settings_read_by_the_project()
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert (
            environment["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in environment["DATABASE_URL"]
        )
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["VAR_DIR"] == STATE and f"var:{STATE}" in service["volumes"]
        assert "${SECRET_KEY:?" in environment["SECRET_KEY"] and "${CREDENTIAL_KEK:?" in environment["CREDENTIAL_KEK"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]  # behind the TLS proxy, never exposed directly
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "var"}
    example = env_file(DEPLOY / "compose.env.example")
    required = set(re.findall(r"\$\{(\w+):\?", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    assert required <= set(example), required - set(example)

    docker = shutil.which("docker")
    if docker and run([docker, "compose", "version"], dict(os.environ), timeout=30).returncode == 0:
        env = {**os.environ, **example}
        config = run([docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--quiet"], env, timeout=60)
        assert config.returncode == 0, config.stderr


def test_the_web_unit_keeps_every_workers_metrics_in_one_directory_emptied_at_start(tmp_path, monkeypatch):
    import importlib.util

    unit = parse_unit(UNITS["web"])
    assert "PROMETHEUS_MULTIPROC_DIR=/run/microcred-metrics" in values(unit, "Service", "Environment")
    assert one(unit, "Service", "RuntimeDirectory") == "microcred-metrics"
    argv = shlex.split(one(unit, "Service", "ExecStart"))
    config_path = ROOT / argv[argv.index("--config") + 1]
    spec = importlib.util.spec_from_file_location("gunicorn_config", config_path)
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    metrics_dir = tmp_path / "metrics"
    (metrics_dir / "old").mkdir(parents=True)
    (metrics_dir / "counter_123.db").write_bytes(b"left by an earlier run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    config.on_starting(server=None)
    assert metrics_dir.is_dir() and list(metrics_dir.iterdir()) == []


def test_a_metrics_directory_that_holds_other_files_is_refused_and_left_alone(tmp_path, monkeypatch):
    """A mistyped PROMETHEUS_MULTIPROC_DIR (e.g. VAR_DIR) must not be emptied: gunicorn does not start."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gunicorn_config", ROOT / "config" / "gunicorn.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "document.pdf").write_bytes(b"%PDF")
    (tmp_path / "counter_123.db").write_bytes(b"metrics")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"holds media, not only metrics files"):
        config.on_starting(server=None)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["counter_123.db", "document.pdf", "media"]


def test_worker_processes_keep_what_they_loaded_out_of_full_collections():
    """gunicorn's post_worker_init and Celery's worker_process_init freeze what the process holds (gc.freeze), so
    that full collections during bulk issuance or a busy catalogue do not walk the loaded application again."""
    import gc
    import importlib.util

    from celery.signals import worker_process_init

    import config.celery  # noqa: F401 - connects the handler

    spec = importlib.util.spec_from_file_location("gunicorn_config", ROOT / "config" / "gunicorn.py")
    gunicorn_config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_config)
    try:
        gc.unfreeze()
        assert gc.get_freeze_count() == 0
        gunicorn_config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
