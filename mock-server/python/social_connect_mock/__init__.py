"""social-connect-mock from Python: the mock's binary, and a pytest plugin around it.

The plugin (``social_connect_mock.pytest_plugin``) gives two fixtures:

- ``social_connect_mock`` (session): a running mock, started from the ``social-connect-mock``
  binary on a free loopback port and stopped at the end of the session;
- ``mock_tenant`` (per test): a fresh tenant of that mock, dropped after the test.

Nothing here needs more than the standard library.
"""

from .client import Flow, Mock, MockError, Tenant, find_binary

__all__ = ["Flow", "Mock", "MockError", "Tenant", "find_binary"]
