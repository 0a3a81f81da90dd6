"""The Dockerfile and docker-compose.yml, checked as files (no Docker engine runs here):
a slim non-root image with a healthcheck that runs the service; compose runs it with
config/ and data/ mounted, mail to Mailpit by environment, ports on loopback only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from monitor.cli import cli
from monitor.config import load_config
from tests.support.config import REPO


def instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
    return found


def compose() -> dict[str, Any]:
    data = YAML(typ="safe").load((REPO / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_the_image_is_slim_runs_as_a_user_and_checks_its_health() -> None:
    steps = instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [value for word, value in steps if word == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    run = " ".join(value for word, value in steps if word == "RUN")
    assert "pip install ." in run
    assert "[test]" not in run  # runtime dependencies only
    (health,) = [value for word, value in steps if word == "HEALTHCHECK"]
    assert health.endswith('CMD ["monitor", "status", "--health"]')
    assert ("ENTRYPOINT", '["monitor"]') in steps  # exec form: SIGTERM reaches the monitor
    assert ("CMD", '["run"]') in steps
    # The package's demo reads config/watchlists through a link: config/ comes first.
    copies = [value for word, value in steps if word == "COPY"]
    assert copies.index("config ./config") < copies.index("src ./src")


def test_compose_runs_the_service_with_mail_to_mailpit() -> None:
    services = compose()["services"]
    monitor, mailpit = services["monitor"], services["mailpit"]
    assert monitor["restart"] == "unless-stopped"
    assert "command" not in monitor  # the image's `run`
    assert "entrypoint" not in monitor
    assert set(monitor["volumes"]) == {"./config:/app/config", "./data:/app/data"}
    env = monitor["environment"]
    assert (env["MONITOR__EMAIL__TRANSPORT"], env["MONITOR__EMAIL__SMTP__HOST"]) == (
        "smtp", "mailpit",
    )  # fmt: skip
    assert str(env["MONITOR__EMAIL__SMTP__PORT"]) == "1025"
    assert env["MONITOR_SMTP_PASSWORD"].startswith("${")  # a secret from the environment
    assert mailpit["image"].startswith("axllent/mailpit:")
    for service in services.values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port
    assert "127.0.0.1:8025:8025" in mailpit["ports"]


def test_the_optional_browse_services_run_existing_commands_on_loopback_ports() -> None:
    services = compose()["services"]
    for name, command in (("browse", "browse"), ("feeds", "serve")):
        service = services[name]
        assert service["profiles"] == ["browse"]  # not started by a plain `up`
        assert service["command"][0] == command
        assert command in cli.commands
        port = service["command"][service["command"].index("--port") + 1]
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"]


def test_the_environment_overrides_in_compose_are_valid_config(tmp_path: Path) -> None:
    env = {k: str(v) for k, v in compose()["services"]["monitor"]["environment"].items()}
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "feeds.yaml").write_text("feeds: []\n")
    settings = load_config(tmp_path / "config", environ=env).settings
    assert (settings.email.transport, settings.email.smtp.port) == ("smtp", 1025)


def test_the_healthcheck_command_exists() -> None:
    (health,) = [value for word, value in instructions() if word == "HEALTHCHECK"]
    program, command, option = json.loads(health.split("CMD", 1)[1])
    assert program == "monitor"
    assert option in [opt for p in cli.commands[command].params for opt in getattr(p, "opts", [])]
