"""The plugin itself, each case in a pytest session of its own: it passes a fixture file on,
fails with the binary's own message, and leaves no mock process behind however the session
ends (a failing test, Ctrl-C, or a killed pytest), while a mock started from a helper thread
lives as long as its process."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import FROM_SOURCE, SOURCE

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to see a process is gone"
)


@pytest.fixture
def session_env(monkeypatch, tmp_path):
    """The environment of an inner session: its own mock (not a shared one), and the plugin
    from wherever this session has it."""
    monkeypatch.delenv("SOCIAL_CONNECT_MOCK_URL", raising=False)
    args = []
    if FROM_SOURCE:
        monkeypatch.setenv("PYTHONPATH", SOURCE + os.pathsep + os.environ.get("PYTHONPATH", ""))
        args = ["-p", "social_connect_mock.pytest_plugin"]
    monkeypatch.setenv("PID_FILE", str(tmp_path / "mock.pid"))
    return args


def gone(pid, within=5.0):
    """Whether process `pid` is gone (or a zombie nobody reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                if "\nState:\tZ" in f.read():
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


RECORD_PID = """
import os, time

def test_records_the_mock(social_connect_mock, mock_tenant):
    assert mock_tenant.admin("GET")["pending_flows"] == 0
    with open(os.environ["PID_FILE"], "w") as f:
        f.write(str(social_connect_mock.process.pid))
    {then}
"""


@linux_only
def test_a_failing_test_leaves_no_mock_behind(pytester, session_env, tmp_path):
    pytester.makepyfile(RECORD_PID.format(then="assert False, 'this test fails'"))
    result = pytester.runpytest_subprocess(*session_env)
    result.assert_outcomes(failed=1)
    pid = int((tmp_path / "mock.pid").read_text())
    assert gone(pid), f"mock {pid} outlived its session"


@linux_only
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_an_interrupted_session_leaves_no_mock_behind(pytester, session_env, tmp_path, how):
    test_file = pytester.makepyfile(RECORD_PID.format(then="time.sleep(60)"))
    pytest_process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *session_env, str(test_file)],
        cwd=pytester.path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = tmp_path / "mock.pid"
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, "the inner session never started its mock"
        assert pytest_process.poll() is None, "the inner session ended early"
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    pytest_process.send_signal(how)
    try:
        pytest_process.wait(20)
    except subprocess.TimeoutExpired:
        pytest_process.kill()
        pytest_process.wait()
    assert gone(pid), f"mock {pid} outlived a pytest stopped by {how.name}"


def test_a_mock_started_from_a_helper_thread_outlives_the_thread(pytester, session_env):
    # The mock lives as long as the process that started it, not the thread: a thread that
    # ends must not take the mock with it.
    pytester.makepyfile(
        """
import threading, time
from social_connect_mock.client import Mock, request

def test_thread():
    box = []
    t = threading.Thread(target=lambda: box.append(Mock.start()))
    t.start()
    t.join()
    mock = box[0]
    time.sleep(1.0)
    try:
        assert mock.process.poll() is None, "the mock died with the thread that started it"
        assert request("GET", mock.origin + "/").status == 200
    finally:
        mock.stop()
"""
    )
    result = pytester.runpytest_subprocess(*session_env)
    result.assert_outcomes(passed=1)


@linux_only
def test_a_parent_that_dies_at_once_after_starting_leaves_no_mock(pytester, session_env, tmp_path):
    # The parent dies right after the fork and exec, before the mock has even started serving:
    # the mock still ends with it.
    script = pytester.makepyfile(
        parent="""
import os, subprocess
from social_connect_mock import client

real_popen = subprocess.Popen

def popen_then_die(*args, **kwargs):
    p = real_popen(*args, **kwargs)
    with open(os.environ["PID_FILE"], "w") as f:
        f.write(str(p.pid))
    os._exit(0)

client.subprocess.Popen = popen_then_die
client.Mock.start()
"""
    )
    env = dict(os.environ)
    if FROM_SOURCE:
        env["PYTHONPATH"] = SOURCE + os.pathsep + env.get("PYTHONPATH", "")
    parent = subprocess.run([sys.executable, str(script)], env=env, cwd=pytester.path, timeout=30)
    assert parent.returncode == 0
    pid = int((tmp_path / "mock.pid").read_text())
    assert gone(pid), f"mock {pid} outlived the process that started it"


def test_a_mock_that_cannot_start_fails_with_its_own_message(pytester, session_env):
    pytester.makepyfile("def test_needs_the_mock(social_connect_mock):\n    pass\n")
    result = pytester.runpytest_subprocess(
        *session_env, "--social-connect-mock-fixture", "no-such-fixture.json"
    )
    assert result.ret != 0
    out = result.stdout.str() + result.stderr.str()
    assert "social-connect-mock did not start" in out, out
    # The binary's own words: what it could not read.
    assert "no-such-fixture.json" in out, out


def test_the_fixture_file_comes_from_the_ini_file(pytester, session_env, mock_tenant):
    fixture = mock_tenant.admin("GET", "/fixture")
    fixture["api_keys"] = [dict(k, key="sk_ini_" + str(i)) for i, k in enumerate(fixture["api_keys"])]
    pytester.makefile(".json", fixture=json.dumps(fixture))
    pytester.makeini("[pytest]\nsocial_connect_mock_fixture = fixture.json\n")
    pytester.makepyfile(
        """
        def test_the_mock_took_the_file(mock_tenant):
            keys = [k["key"] for k in mock_tenant.admin("GET", "/fixture")["api_keys"]]
            assert keys and all(k.startswith("sk_ini_") for k in keys), keys
        """
    )
    pytester.runpytest_subprocess(*session_env).assert_outcomes(passed=1)


def test_the_plugins_mock_takes_none_of_the_environments_mock_settings(pytester, session_env, monkeypatch):
    # A CI's environment set for another mock: a public URL (nothing listens there), a port, a
    # host, lax mode. The plugin's mock is its own: loopback, a free port, strict, its origin
    # the address it bound.
    monkeypatch.setenv("SOCIAL_CONNECT_MOCK_PUBLIC_URL", "http://127.0.0.1:9/elsewhere")
    monkeypatch.setenv("SOCIAL_CONNECT_MOCK_PORT", "9")
    monkeypatch.setenv("SOCIAL_CONNECT_MOCK_HOST", "0.0.0.0")
    monkeypatch.setenv("SOCIAL_CONNECT_MOCK_LAX", "true")
    pytester.makepyfile(
        """
from social_connect_mock.client import Mock, request

def test_own_settings(social_connect_mock, mock_tenant):
    origin = social_connect_mock.origin
    assert origin.startswith("http://127.0.0.1:") and not origin.endswith(":9"), origin
    assert mock_tenant.admin("GET")["mode"] == "strict"
    links = request("GET", origin + "/").json()["vendors"]
    assert all(url.startswith(origin + "/") for url in links.values()), links

def test_a_public_url_given_on_purpose_still_leaves_the_bound_origin():
    mock = Mock.start(args=("--public-url", "http://mock.invalid:1/p"))
    try:
        assert mock.origin.startswith("http://127.0.0.1:"), mock.origin
        assert request("GET", mock.origin + "/").status == 200
    finally:
        mock.stop()
"""
    )
    pytester.runpytest_subprocess(*session_env).assert_outcomes(passed=2)


@linux_only
def test_a_forked_child_does_not_keep_the_mock_alive(pytester, session_env, tmp_path):
    # A test forks a child that outlives the session's process (a worker pool, a daemon): the
    # child must not hold the mock's lifeline.
    child_file = tmp_path / "child.pid"
    test_file = pytester.makepyfile(
        RECORD_PID.format(
            then=f"""
    child = os.fork()
    if child == 0:
        time.sleep(60)
        os._exit(0)
    with open({str(child_file)!r}, "w") as f:
        f.write(str(child))
    time.sleep(60)"""
        )
    )
    pytest_process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *session_env, str(test_file)],
        cwd=pytester.path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = tmp_path / "mock.pid"
    deadline = time.monotonic() + 20
    while not (child_file.exists() and child_file.read_text()):
        assert time.monotonic() < deadline, "the inner session never forked"
        assert pytest_process.poll() is None, "the inner session ended early"
        time.sleep(0.05)
    pid, child = int(pid_file.read_text()), int(child_file.read_text())
    try:
        pytest_process.kill()
        pytest_process.wait(20)
        assert gone(pid), f"mock {pid} outlived its session, held by the forked child {child}"
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
