"""The container image `cargo xtask image` builds: small, labelled, not root, read-only, healthy
without a shell, stopped cleanly within 2 s, and serving whole flows, also behind a proxy at a
public URL with a path prefix.

On these machines test traffic stays on loopback: every container runs with `--network host`.
"""

import json
import pathlib
import threading
import time
import tomllib

import pytest

from conftest import ROOT, Nginx, docker, free_port, wait_for_port
from social_connect_mock.client import Mock, request
from test_tenants import VENDORS, connect, link_of

MAX_BYTES = 20 * 1000 * 1000


def version() -> str:
    return tomllib.loads((ROOT / "mock-server" / "Cargo.toml").read_text())["package"]["version"]


class Container:
    def __init__(self, image: str, env: dict, *flags: str, command: tuple = ()):
        if "--port" in command:
            # The port is the command's: the environment keeps the image's.
            self.port = int(command[command.index("--port") + 1])
        else:
            self.port = int(env.get("SOCIAL_CONNECT_MOCK_PORT") or free_port())
            env = {"SOCIAL_CONNECT_MOCK_PORT": str(self.port), **env}
        args = ["run", "-d", "--network", "host", *flags]
        for k, v in env.items():
            args += ["-e", f"{k}={v}"]
        self.id = docker(*args, image, *command).stdout.strip()
        wait_for_port(self.port)
        self.origin = f"http://127.0.0.1:{self.port}"

    def inspect(self) -> dict:
        return json.loads(docker("inspect", self.id).stdout)[0]

    def remove(self) -> None:
        docker("rm", "-f", self.id, check=False)


@pytest.fixture
def containers(image):
    started = []

    def start(env=None, *flags, command=()):
        c = Container(image, env or {}, *flags, command=command)
        started.append(c)
        return c

    yield start
    for c in started:
        c.remove()


def test_the_image_is_small_labelled_and_has_no_shell(image):
    meta = json.loads(docker("image", "inspect", image).stdout)[0]
    assert meta["Size"] <= MAX_BYTES, f"{meta['Size']} bytes"
    config = meta["Config"]
    uid = config["User"].split(":")[0]
    assert uid not in ("", "0", "root"), config["User"]
    labels = config["Labels"]
    assert labels["org.opencontainers.image.version"] == version()
    assert labels["org.opencontainers.image.source"].startswith("http")
    assert labels["org.opencontainers.image.licenses"]
    # The health check runs the binary itself: no shell (`CMD`, not `CMD-SHELL`), no curl.
    assert config["Healthcheck"]["Test"] == ["CMD", "/social-connect-mock", "health"]
    assert "SOCIAL_CONNECT_MOCK_HOST=0.0.0.0" in config["Env"]
    # Nothing but the mock: no shell to run.
    ran = docker("run", "--rm", "--network", "host", "--entrypoint", "/bin/sh", image, "-c", "true", check=False)
    assert ran.returncode != 0


def test_read_only_not_root_healthy_and_minting_loopback_urls(containers):
    # The image's defaults: all interfaces inside the container (here, the host's network).
    c = containers({}, "--read-only")
    state = c.inspect()["State"]
    status = pathlib.Path(f"/proc/{state['Pid']}/status").read_text()
    uid = next(line.split()[1] for line in status.splitlines() if line.startswith("Uid:"))
    assert uid == "65532", status
    deadline = time.monotonic() + 30
    while c.inspect()["State"]["Health"]["Status"] != "healthy":
        assert time.monotonic() < deadline, c.inspect()["State"]["Health"]
        time.sleep(0.25)
    tenant = Mock(c.origin).tenant()
    for vendor in VENDORS:
        link = link_of(vendor, connect(tenant, vendor))
        assert link.startswith(f"http://127.0.0.1:{c.port}/t/{tenant.id}/"), link
        assert tenant.follow(link).status == 200


def healthy_within(c: Container, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while c.inspect()["State"]["Health"]["Status"] != "healthy":
        assert time.monotonic() < deadline, c.inspect()["State"]["Health"]
        time.sleep(0.25)


def test_a_container_given_another_port_on_its_command_line_is_healthy(containers):
    # The health check runs beside the server with the image's environment (port 4010), not
    # the server's command line: it finds the port through the address file the server wrote.
    port = free_port()
    c = containers({"SOCIAL_CONNECT_MOCK_HOST": "127.0.0.1"}, "--read-only", command=("--port", str(port)))
    healthy_within(c, 30)
    logged = c.inspect()["State"]["Health"]["Log"]
    assert logged and logged[-1]["ExitCode"] == 0, logged
    assert request("GET", f"{c.origin}/__admin").status == 200


def test_docker_stop_is_clean_and_within_two_seconds(containers):
    c = containers({"SOCIAL_CONNECT_MOCK_HOST": "127.0.0.1"}, "--read-only")
    tenant = Mock(c.origin).tenant()
    tenant.set_scenario("ocoya", {"kind": "latency", "ms": 400})
    answered = []
    in_flight = threading.Thread(target=lambda: answered.append(connect(tenant, "ocoya").status))
    in_flight.start()
    time.sleep(0.1)
    began = time.monotonic()
    docker("stop", c.id)
    took = time.monotonic() - began
    in_flight.join(5)
    assert took < 2.0, f"docker stop took {took:.2f} s"
    state = c.inspect()["State"]
    assert state["ExitCode"] == 0, state
    # The request in flight when SIGTERM came was answered, as a clean stop does.
    assert answered and answered[0] < 300, answered
    assert "shutting down" in docker("logs", c.id).stderr


def test_a_whole_flow_through_a_proxy_at_the_public_url(containers):
    proxy = free_port()
    public = f"http://127.0.0.1:{proxy}/mock"
    c = containers({"SOCIAL_CONNECT_MOCK_HOST": "127.0.0.1", "SOCIAL_CONNECT_MOCK_PUBLIC_URL": public})
    nginx = Nginx("prefix.conf", {18080: proxy, 4010: c.port})
    try:
        wait_for_port(proxy)
        mock = Mock(public)
        assert all(url.startswith(public + "/") for url in mock.vendors().values()), mock.vendors()
        tenant = mock.tenant()
        for vendor in VENDORS:
            link = link_of(vendor, connect(tenant, vendor))
            assert link.startswith(f"{public}/t/{tenant.id}/"), link
            flow = tenant.follow(link)
            assert all(h.startswith(public + "/") for h in flow.hops), flow.hops
            assert flow.status == 200, flow.text
        assert {a["vendor"] for a in tenant.accounts()} >= set(VENDORS)
        # The forms post under the prefix, so a browser's post comes back through the proxy.
        page = request("GET", link_of("ocoya", connect(tenant, "ocoya")))
        consent = request("GET", page.headers["location"])
        assert 'action="/mock/t/' in consent.text, consent.text
    finally:
        nginx.stop()
