"""The Python example of docs/mock-in-ci.md ("From Python"), run as written."""

import os
import re

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "mock-in-ci.md")


def readme_example():
    text = open(README, encoding="utf-8").read()
    section = text[text.index("## From Python"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_passes(mock_tenant):
    namespace = {}
    exec(compile(readme_example(), "docs/mock-in-ci.md (From Python)", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0](mock_tenant)
