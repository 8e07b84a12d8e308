"""The mock's pytest plugin comes from the installed wheel (its `pytest11` entry point), as a
user gets it; straight from a clone, without the wheel, it is taken from the source tree
(mock-server/python) instead, with the binary named by SOCIAL_CONNECT_MOCK_BIN."""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "mock-server", "python")
FROM_SOURCE = importlib.util.find_spec("social_connect_mock") is None

# pytester runs the plugin's own tests in sessions of their own (test_plugin.py).
pytest_plugins = ["pytester"]
if FROM_SOURCE:
    sys.path.insert(0, SOURCE)
    pytest_plugins.append("social_connect_mock.pytest_plugin")
