"""A fleet of three mocks behind nginx (mock-server/deploy/nginx/fleet.conf), a consistent hash
on the tenant id: the Python suite passes through the proxy with 4 workers, and when one mock is
killed mid-run, the tenants on the other two carry on, unaffected."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, Nginx, free_port, start_mock, stop, wait_for_port
from social_connect_mock.client import Mock, request
from test_tenants import VENDORS, connect, link_of


class Fleet:
    def __init__(self):
        self.proxy = free_port()
        self.url = f"http://127.0.0.1:{self.proxy}"
        self.ports = [free_port() for _ in range(3)]
        self.mocks = {p: start_mock(["--public-url", self.url], p) for p in self.ports}
        self.nginx = Nginx("fleet.conf", {4010: self.proxy, **dict(zip((4011, 4012, 4013), self.ports))})
        wait_for_port(self.proxy)

    def holder(self, tenant_id: str):
        """The mock (its port) that holds a tenant, asked of each mock directly."""
        held = [p for p in self.ports if self.mocks[p].poll() is None and tenant_id in self.listed(p)]
        assert len(held) <= 1, f"{tenant_id} is on {held}"
        return held[0] if held else None

    @staticmethod
    def listed(port: int) -> set:
        r = request("GET", f"http://127.0.0.1:{port}/__admin/tenants")
        return {t["id"] for t in r.json()["tenants"]}

    def close(self):
        self.nginx.stop()
        for p in self.mocks.values():
            stop(p)


@pytest.fixture
def fleet():
    f = Fleet()
    yield f
    f.close()


def completes(tenant, vendor) -> bool:
    """A whole connect flow through the proxy: the link, every hop, one more account (after a
    reset: a vendor may take one account per platform)."""
    tenant.reset()
    before = len(tenant.accounts())
    flow = tenant.follow(link_of(vendor, connect(tenant, vendor)))
    return flow.status == 200 and len(tenant.accounts()) == before + 1


def test_the_python_suite_passes_through_the_proxy_with_four_workers(fleet):
    env = {**os.environ, "SOCIAL_CONNECT_MOCK_URL": fleet.url}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "4", "-p", "no:cacheprovider", str(ROOT / "tests" / "python")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


def test_a_killed_mock_takes_only_its_own_tenants(fleet):
    mock = Mock(fleet.url)
    tenants = [mock.tenant(f"fleet-{i}") for i in range(24)]
    for t in tenants:
        t.reset()  # an admin write: the tenant now exists, on the mock its id hashes to
    holders = {t.id: fleet.holder(t.id) for t in tenants}
    assert None not in holders.values(), holders
    assert len(set(holders.values())) >= 2, f"the hash used one mock only: {holders}"
    victim = holders[tenants[0].id]
    lost = [t for t in tenants if holders[t.id] == victim]
    kept = [t for t in tenants if holders[t.id] != victim]
    # A flow in a tenant of the mock about to die, started before it does.
    doomed = link_of("ocoya", connect(lost[0], "ocoya"))

    failures, done_after = [], []
    killed_at = []
    stop_at = time.monotonic() + 3.0

    def keep_going(tenant, n):
        while time.monotonic() < stop_at:
            vendor = VENDORS[n % len(VENDORS)]
            n += 1
            try:
                ok = completes(tenant, vendor)
            except Exception as e:  # noqa: BLE001 - any failure counts
                ok, vendor = False, f"{vendor}: {e}"
            if not ok:
                failures.append((tenant.id, vendor))
            elif killed_at and time.monotonic() > killed_at[0]:
                done_after.append(tenant.id)

    workers = [threading.Thread(target=keep_going, args=(t, i)) for i, t in enumerate(kept)]
    for w in workers:
        w.start()
    time.sleep(0.8)
    fleet.mocks[victim].send_signal(signal.SIGKILL)
    fleet.mocks[victim].wait()
    killed_at.append(time.monotonic())
    for w in workers:
        w.join(30)

    assert failures == [], failures
    # Every tenant on the other mocks finished flows after the kill, and stayed where it was.
    assert set(done_after) == {t.id for t in kept}
    assert all(fleet.holder(t.id) == holders[t.id] for t in kept)
    # The lost mock's tenants are gone: the flow it had begun cannot finish anywhere.
    assert lost[0].follow(doomed).status != 200
