"""docker-compose.yml, the Dockerfile and the entry point, checked without a Docker engine."""

import subprocess
import sys

import pytest
import yaml


@pytest.fixture(scope="module")
def compose(repo_root):
    return yaml.safe_load((repo_root / "docker-compose.yml").read_text())


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _depends(service: dict) -> dict:
    return service.get("depends_on", {})


def test_compose_file_is_valid_against_the_compose_spec(repo_root):
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_the_services_of_a_trial(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(services)
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["mail"]["image"].startswith("axllent/mailpit")


def test_web_runs_the_asgi_app_under_gunicorn_with_uvicorn_workers_and_migrates(compose):
    web = compose["services"]["web"]
    command = _command(web)
    assert command.startswith("gunicorn eloket.asgi:application")
    assert "-k uvicorn_worker.UvicornWorker" in command
    assert web["environment"]["RUN_MIGRATIONS"] == "1"
    assert any(port.endswith(":8000") for port in web["ports"])
    for service in ("db", "redis"):
        assert _depends(web)[service]["condition"] == "service_healthy"


def test_celery_worker_and_beat_do_not_migrate_and_wait_for_healthy_services(compose):
    services = compose["services"]
    assert _command(services["worker"]).startswith("celery -A eloket worker -l info")
    assert _command(services["beat"]).startswith("celery -A eloket beat -l info")
    for name in ("worker", "beat"):
        assert "RUN_MIGRATIONS" not in services[name].get("environment", {})
        assert _depends(services[name])["redis"]["condition"] == "service_healthy"
        assert _depends(services[name])["web"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]


def test_app_services_get_env_file_and_trial_defaults(compose):
    for name in ("web", "worker", "beat"):
        service = compose["services"][name]
        assert service["env_file"] == [{"path": ".env", "required": False}]
        environment = service["environment"]
        assert environment["DATABASE_URL"].endswith("@db:5432/eloket}")
        assert "redis://redis:6379" in environment["REDIS_URL"]
        assert environment["EMAIL_URL"] == "${EMAIL_URL:-smtp://mail:1025}"
        for setting in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
            assert environment[setting] == f"${{{setting}:-false}}"


def test_dockerfile_builds_a_non_root_image_with_static_files_and_a_healthcheck(repo_root):
    dockerfile = (repo_root / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim-bookworm" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core", "gettext"):
        assert package in dockerfile
    assert "pip install -r requirements.txt" in dockerfile
    assert "collectstatic --noinput" in dockerfile and "compilemessages" in dockerfile
    assert "\nUSER eloket\n" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    assert "/health/" in (repo_root / "docker" / "healthcheck.py").read_text()


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image(repo_root):
    ignored = set((repo_root / ".dockerignore").read_text().split())
    assert {".env", ".venv", ".git", "db.sqlite3", "media"} <= ignored


@pytest.mark.parametrize(
    "shell, script",
    [
        ("bash", "bin/demo"),
        ("bash", "bin/test"),
        ("bash", "bin/setup-system"),
        ("bash", ".ci/run"),
        ("sh", "docker/entrypoint.sh"),
    ],
)
def test_scripts_parse_and_are_executable(repo_root, shell, script):
    path = repo_root / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
