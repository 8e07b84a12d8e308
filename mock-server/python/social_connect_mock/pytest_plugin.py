"""pytest fixtures for social-connect-mock (registered through the ``pytest11`` entry point).

- ``social_connect_mock``: a running mock for the session. It starts the binary on a free
  loopback port (``--social-connect-mock-fixture FILE`` or the ini value
  ``social_connect_mock_fixture`` passes ``--fixture``) with none of the environment's
  ``SOCIAL_CONNECT_MOCK_*`` settings, and stops it when the session ends, or when the session's
  process dies however it dies (a child it forked does not keep the mock alive). When
  ``SOCIAL_CONNECT_MOCK_URL`` is set, it uses the mock already running there instead (one mock
  shared by every worker of a CI job).
- ``mock_tenant``: a fresh tenant of that mock for one test, dropped after it.

Under pytest-xdist each worker is its own session, so each starts its own mock unless
``SOCIAL_CONNECT_MOCK_URL`` names a shared one; either way every test has a tenant of its own.
"""

from __future__ import annotations

import os

import pytest

from .client import Mock, MockError, Tenant

URL_ENV = "SOCIAL_CONNECT_MOCK_URL"


def pytest_addoption(parser):
    group = parser.getgroup("social-connect-mock")
    group.addoption(
        "--social-connect-mock-fixture",
        dest="social_connect_mock_fixture",
        default=None,
        help="a fixture JSON file for the mock (its --fixture)",
    )
    parser.addini(
        "social_connect_mock_fixture",
        "a fixture JSON file for the mock (its --fixture), relative to the rootdir",
        default="",
    )


def _fixture_file(config) -> str | None:
    given = config.getoption("social_connect_mock_fixture")
    if given:
        return given
    ini = config.getini("social_connect_mock_fixture")
    if ini:
        return str(config.rootpath / ini)
    return None


@pytest.fixture(scope="session")
def social_connect_mock(pytestconfig):
    """A running social-connect-mock (a ``Mock``: ``.origin``, ``.tenant()``, ``.tenants()``)."""
    shared = os.environ.get(URL_ENV)
    if shared:
        yield Mock(shared)
        return
    try:
        mock = Mock.start(fixture=_fixture_file(pytestconfig))
    except MockError as e:
        pytest.fail(str(e), pytrace=False)
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def mock_tenant(social_connect_mock, request) -> Tenant:
    """A fresh tenant of the session's mock, dropped after the test: ``.base_url(vendor)``,
    ``.admin_url``, ``.reset()``, ``.set_scenario(vendor, scenario)``, ``.accounts()``,
    ``.requests()``, ``.follow(url, decision=..., pages=...)``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    tenant = social_connect_mock.tenant(f"{worker}-{os.urandom(6).hex()}")
    tenant.create()
    yield tenant
    try:
        tenant.drop()
    except (MockError, OSError):
        pass
