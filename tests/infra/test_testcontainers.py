"""testcontainers-python starting the image from a pytest fixture, as a user's suite would
(docs/mock-in-ci.md, "As a container image"). Ryuk, testcontainers' reaper, is an image of its own that
would be pulled: it is disabled here, and the `with` block removes the container instead."""

import os

os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")

import pytest  # noqa: E402
from testcontainers.core.container import DockerContainer  # noqa: E402
from testcontainers.core.wait_strategies import HealthcheckWaitStrategy  # noqa: E402

from conftest import free_port  # noqa: E402
from social_connect_mock.client import Mock  # noqa: E402
from test_tenants import connect, link_of  # noqa: E402


@pytest.fixture(scope="module")
def mock_url(image):
    port = free_port()
    container = (
        DockerContainer(image)
        .with_kwargs(network_mode="host")
        .with_env("SOCIAL_CONNECT_MOCK_HOST", "127.0.0.1")
        .with_env("SOCIAL_CONNECT_MOCK_PORT", str(port))
        # The image's HEALTHCHECK (`social-connect-mock health`) says when it is ready.
        .waiting_for(HealthcheckWaitStrategy().with_startup_timeout(30))
    )
    with container:
        yield f"http://127.0.0.1:{port}"


def test_a_connect_through_the_container(mock_url):
    tenant = Mock(mock_url).tenant()
    link = link_of("ocoya", connect(tenant, "ocoya"))
    assert tenant.follow(link).status == 200
    assert tenant.accounts("ocoya")[-1]["vendor"] == "ocoya"
