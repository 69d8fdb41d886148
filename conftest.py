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
    # Transactional tests (threads, live server, worker process) flush every table when they
    # end; serialized rollback puts back what the migrations loaded (regions, sub-sites,
    # holidays) for the tests that follow.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False)
    # Browser tests need Debian's chromium (.ci/run installs it). On CI a missing browser is
    # a failure, not a skip.
    if chromium_path() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
