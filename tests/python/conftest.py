"""The mock's pytest plugin, from the wheel when it is installed, else from the source tree
(mock-server/python), so that the suite also runs straight from a clone."""

import importlib.util
import os
import sys

if importlib.util.find_spec("social_connect_mock") is None:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "mock-server", "python"))
    pytest_plugins = ["social_connect_mock.pytest_plugin"]
