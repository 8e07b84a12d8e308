"""The mock as infrastructure: its container image, a fleet behind nginx, testcontainers.

These tests need what a plain `pytest tests/python` does not: Docker with the image built
(`SOCIAL_CONNECT_MOCK_IMAGE`, from `cargo xtask image`), nginx, and the mock's binary on PATH
(from the wheel) or at `SOCIAL_CONNECT_MOCK_BIN`. `.ci/run` provides all three. Without them a
test is skipped with the reason, except under CI (`CI=true`), where a missing part fails.
"""

import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "mock-server" / "deploy"
# The Python suite's helpers (what each vendor's connect sends, from the manifests).
sys.path.insert(0, str(ROOT / "tests" / "python"))
# The mock's client: from the installed wheel, else from the source tree.
try:
    import social_connect_mock.client  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "mock-server" / "python"))


def need(what: str, ok: bool) -> None:
    """Skips (fails under CI) when a part of the infrastructure is missing."""
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI lacks {what}")
    pytest.skip(f"needs {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def mock_binary() -> str:
    found = os.environ.get("SOCIAL_CONNECT_MOCK_BIN") or shutil.which("social-connect-mock")
    need("the social-connect-mock binary (the wheel, or SOCIAL_CONNECT_MOCK_BIN)", bool(found))
    return found


class Nginx:
    """nginx from Debian's package, run with a configuration shipped in mock-server/deploy/nginx,
    its ports replaced by free ones."""

    def __init__(self, conf: str, ports: dict):
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        need("nginx", bool(binary))
        text = (DEPLOY / "nginx" / conf).read_text()
        for old in ports:
            assert re.search(rf"127\.0\.0\.1:{old}(?!\d)", text), f"{conf} has no 127.0.0.1:{old}"
        # One pass, so that a new port is never taken for an old one.
        text = re.sub(r"127\.0\.0\.1:(\d+)(?!\d)", lambda m: f"127.0.0.1:{ports.get(int(m[1]), m[1])}", text)
        self.prefix = tempfile.mkdtemp(prefix="nginx-")
        path = os.path.join(self.prefix, conf)
        pathlib.Path(path).write_text(text)
        self.process = subprocess.Popen(
            [binary, "-p", self.prefix, "-c", path],
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.prefix, "stderr"), "wb"),
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def start_mock(args: list, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [mock_binary(), "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def docker(*args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=timeout)


@pytest.fixture(scope="session")
def image() -> str:
    """The image under test (`cargo xtask image` prints its tag), with a Docker engine to run it."""
    name = os.environ.get("SOCIAL_CONNECT_MOCK_IMAGE")
    need("SOCIAL_CONNECT_MOCK_IMAGE (an image built by `cargo xtask image`)", bool(name))
    need("docker", shutil.which("docker") is not None)
    found = docker("image", "inspect", name, check=False)
    need(f"the image {name} (build it with `cargo xtask image`)", found.returncode == 0)
    return name
