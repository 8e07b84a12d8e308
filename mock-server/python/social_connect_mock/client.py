"""A running social-connect-mock, its tenants, and the flows they mint: standard library only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any, Optional

BINARY = "social-connect-mock"
BANNER = "social-connect-mock listening on "
BOUND = "  bound to "
# The prefix of the binary's own settings in the environment (its options' variables).
OPTION_ENV = "SOCIAL_CONNECT_MOCK_"


class MockError(RuntimeError):
    """The mock could not be started, or answered an admin call with an error."""


@dataclass
class Response:
    """One HTTP answer, redirects not followed."""

    status: int
    headers: dict
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - never follow
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(method: str, url: str, body: Any = None, headers: Optional[dict] = None) -> Response:
    """Sends one request; 4xx and 5xx are answers, not exceptions; redirects are not followed."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("content-type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with _OPENER.open(req, timeout=30) as r:
            return Response(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode())
    except urllib.error.HTTPError as e:
        text = e.read().decode(errors="replace")
        return Response(e.code, {k.lower(): v for k, v in e.headers.items()}, text)


def find_binary() -> str:
    """The mock's binary: ``$SOCIAL_CONNECT_MOCK_BIN``, the one installed beside this Python
    (the wheel puts it in the environment's scripts directory), or the one on ``PATH``."""
    explicit = os.environ.get("SOCIAL_CONNECT_MOCK_BIN")
    if explicit:
        return explicit
    name = BINARY + (".exe" if sys.platform == "win32" else "")
    beside = os.path.join(sysconfig.get_path("scripts"), name)
    if os.path.isfile(beside):
        return beside
    found = shutil.which(BINARY)
    if found:
        return found
    raise MockError(
        f"{BINARY} not found: install the social-connect-mock wheel, put the binary on PATH, "
        "or set SOCIAL_CONNECT_MOCK_BIN"
    )


class Mock:
    """A running mock: one the caller started elsewhere (``Mock(origin)``), or a process this
    object owns (``Mock.start()``), stopped by ``stop()`` or on leaving a ``with`` block."""

    def __init__(self, origin: str, process: Optional[subprocess.Popen] = None, log=None):
        self.origin = origin.rstrip("/")
        self.process = process
        self._log = log
        self._vendors: Optional[dict] = None

    @classmethod
    def start(
        cls,
        binary: Optional[str] = None,
        fixture: Optional[str] = None,
        args: tuple = (),
        timeout: float = 10.0,
    ) -> "Mock":
        """Starts the binary on a free loopback port and waits until it answers. Raises
        ``MockError`` with the binary's own message if it cannot start."""
        # `--stop-with-stdin`: the mock stops when its stdin closes. This process holds the
        # pipe's only writing end, and the kernel closes it when this process ends, however it
        # ends and whichever of its threads started the mock (even between fork and exec).
        # Its own settings only: none of the ``SOCIAL_CONNECT_MOCK_*`` variables a CI may have
        # set for another mock (a public URL, a port, a fixture) reaches it; and loopback.
        cmd = [binary or find_binary(), "--host", "127.0.0.1", "--port", "0", "--stop-with-stdin", *args]
        if fixture:
            cmd += ["--fixture", str(fixture)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(OPTION_ENV)}
        log = tempfile.TemporaryFile()
        try:
            process = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=env,
            )
        except OSError as e:
            log.close()
            raise MockError(f"cannot run {cmd[0]}: {e}") from e
        line = _first_line(process, timeout)
        if not line.startswith(BANNER):
            process.kill()
            process.wait()
            log.seek(0)
            message = log.read().decode(errors="replace").strip() or line.strip()
            log.close()
            raise MockError(f"{BINARY} did not start: {message or 'no output'}")
        origin = line[len(BANNER):].strip()
        # Where it listens: the first line, unless a public URL (``args``) took that line's
        # place; then the next line says the bound address.
        second = _first_line(process, timeout)
        if second.startswith(BOUND):
            origin = "http://" + second[len(BOUND):].strip()
        mock = cls(origin, process, log)
        _LIFELINES.add(mock)
        # Drain what else it prints, so that a full pipe can never block it.
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if request("GET", mock.origin + "/").status == 200:
                    return mock
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                mock.stop()
                raise MockError(f"{BINARY} started but does not answer at {mock.origin}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stops the process this object started (SIGTERM, then SIGKILL after 5 s)."""
        p, self.process = self.process, None
        _LIFELINES.discard(self)
        if p is None:
            return
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for pipe in (p.stdin, p.stdout):
            if pipe:
                pipe.close()
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Mock":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def vendors(self) -> dict:
        """Vendor slug → base URL on the bare origin, as the mock's index lists them."""
        if self._vendors is None:
            self._vendors = request("GET", self.origin + "/").json()["vendors"]
        return self._vendors

    def tenant(self, tenant_id: Optional[str] = None) -> "Tenant":
        """A tenant of this mock (a fresh id when none is given). It exists once a vendor call
        carrying a key, or an admin write (``create()``, ``reset()``, …), has reached it; until
        then a read of it is a 404."""
        return Tenant(self, tenant_id or "t-" + uuid.uuid4().hex[:16])

    def tenants(self) -> dict:
        """``GET /__admin/tenants``: the tenants, most recently used first, with their sizes."""
        return _admin(request("GET", self.origin + "/__admin/tenants"))


# The mocks this process started and has not stopped, whose lifelines (stdin pipes' writing
# ends) it holds. A child forked from this process gets copies of them, which would keep those
# mocks alive after this process dies; the child closes its copies at once (``_forked``).
_LIFELINES: "weakref.WeakSet[Mock]" = weakref.WeakSet()


def _forked() -> None:
    """In a child just forked: let go of the parent's mocks. The child closes its copies of
    their lifelines (so that they end with the parent, not with the last child) and forgets
    them (so that it never stops a mock that is not its own)."""
    for mock in list(_LIFELINES):
        p, mock.process = mock.process, None
        if p is not None and p.stdin is not None:
            try:
                p.stdin.close()
            except OSError:
                pass
    _LIFELINES.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    box: list = []
    reader = threading.Thread(target=lambda: box.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0].decode(errors="replace") if box else ""


def _drain(stream) -> None:
    try:
        while stream.read(65536):
            pass
    except (OSError, ValueError):
        pass


def _admin(r: Response) -> Any:
    if r.status >= 300:
        raise MockError(f"admin call answered {r.status}: {r.text}")
    return r.json()


@dataclass
class Flow:
    """A flow followed hop by hop: every URL visited on the mock, the last answer on it, and
    where the vendor sent the browser off the mock (an app's redirect URL), if it did."""

    hops: list
    status: int
    text: str
    redirect: Optional[str] = None
    params: dict = field(default_factory=dict)


class Tenant:
    """A tenant of a running mock: ``{origin}/t/{id}``, a world of its own."""

    def __init__(self, mock: Mock, tenant_id: str):
        self.mock = mock
        self.id = tenant_id
        self.origin = f"{mock.origin}/t/{tenant_id}"

    def __repr__(self) -> str:
        return f"Tenant({self.origin!r})"

    def base_url(self, vendor: str) -> str:
        """The base URL of ``vendor``'s API (its slug: ``recoup``, ``woopsocial``,
        ``postbreeze``, ``aitronos``, ``ocoya``) inside this tenant."""
        try:
            bare = self.mock.vendors()[vendor]
        except KeyError:
            raise ValueError(f"unknown vendor {vendor!r}: one of {sorted(self.mock.vendors())}")
        return self.origin + bare[len(self.mock.origin):]

    @property
    def admin_url(self) -> str:
        """The tenant's admin API: ``{origin}/t/{id}/__admin``."""
        return self.origin + "/__admin"

    def admin(self, method: str, path: str = "", body: Any = None) -> Any:
        """Calls the tenant's admin API (``path`` below ``/__admin``); raises on an error."""
        headers = {} if method in ("GET", "HEAD") else {"content-type": "application/json"}
        data = body if body is not None else (b"" if headers else None)
        return _admin(request(method, self.admin_url + path, data, headers))

    def reset(self) -> None:
        self.admin("POST", "/reset")

    def create(self) -> "Tenant":
        """Makes sure the tenant exists (an admin write: a reset of a fresh tenant)."""
        self.reset()
        return self

    def set_scenario(self, vendor: str, scenario: dict) -> None:
        """E.g. ``set_scenario("ocoya", {"kind": "server_error", "status": 503})``."""
        self.admin("PUT", f"/scenarios/{vendor}", scenario)

    def clear_scenario(self, vendor: str) -> None:
        self.admin("DELETE", f"/scenarios/{vendor}")

    def set_mode(self, mode: str) -> None:
        self.admin("PUT", "/mode", {"mode": mode})

    def accounts(self, vendor: Optional[str] = None) -> list:
        query = "?" + urllib.parse.urlencode({"vendor": vendor}) if vendor else ""
        return self.admin("GET", "/accounts" + query)

    def requests(self) -> list:
        return self.admin("GET", "/requests")

    def listed(self) -> Optional[dict]:
        """This tenant's entry in ``GET /__admin/tenants`` (its pending flows, accounts, logged
        requests, weight), or ``None``. Asked inside the tenant, so that behind a fleet's proxy
        it reaches the mock that holds the tenant."""
        listed = _admin(request("GET", self.origin + "/__admin/tenants"))["tenants"]
        return next((t for t in listed if t["id"] == self.id), None)

    def drop(self) -> bool:
        """Forgets the tenant (``DELETE /t/{id}/__admin``); whether it existed."""
        return bool(self.admin("DELETE")["dropped"])

    def follow(self, url: str, decision: str = "approve", pages: Optional[list] = None) -> Flow:
        """Follows a link a connect returned without a browser: adds ``decision=`` (and
        ``pages=``) and takes each redirect while it stays on the mock."""
        extra = {"decision": decision}
        if pages is not None:
            extra["pages"] = ",".join(pages)
        sep = "&" if "?" in url else "?"
        here = url + sep + urllib.parse.urlencode(extra)
        hops = [here]
        for _ in range(20):
            r = request("GET", here)
            if r.status not in (301, 302, 303, 307, 308):
                return Flow(hops, r.status, r.text)
            nxt = urllib.parse.urljoin(here, r.headers["location"])
            if not nxt.startswith(self.mock.origin + "/"):
                query = urllib.parse.urlsplit(nxt).query
                params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
                return Flow(hops, r.status, r.text, nxt, params)
            hops.append(nxt)
            here = nxt
        raise MockError(f"more than 20 redirects from {url}")
