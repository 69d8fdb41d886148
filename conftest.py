import os
import shutil

import pytest
from django.test import Client

from govmall.testing import make_cast


@pytest.fixture
def client():
    """Every test client enforces CSRF, as a browser-facing deployment does."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def cast(db):
    return make_cast()


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def pytest_collection_modifyitems(config, items):
    # Browser tests need Debian's chromium (.ci/run installs it). On CI a missing browser is
    # a failure, not a skip.
    if chromium_path() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
