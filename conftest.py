import os
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright
from django.test import Client

from govmall.testing import make_cast


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """Each test starts with the per-process caches empty (reserve()'s reference cache, the
    core.memo caches): a rolled-back test may have cached rows that the next test's database
    no longer has."""
    from govmall.core.memo import clear_all
    from govmall.limits.policy import reference_cache

    reference_cache.clear()
    clear_all()
    yield


@pytest.fixture
def client():
    """Every test client enforces CSRF, as a browser-facing deployment does."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def page(monkeypatch):
    """A fresh Chromium per test, closed before the database is reset.

    Playwright's sync API keeps an event loop running in this thread while it is open, and
    Django then hands out a different database connection; the transactional teardown (flush
    and serialized rollback) must run after Playwright has stopped, so the browser is never
    shared across tests."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # this test only; never leaks into subprocesses
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path() or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        pg = ctx.new_page()
        # Irreversible actions ask "确定…？" (forms with data-confirm); a user says yes.
        pg.on("dialog", lambda d: d.accept())
        # Generous waits: CI machines have two cores shared by parallel test workers.
        pg.set_default_timeout(20000)
        expect.set_options(timeout=15000)
        yield pg
        ctx.close()
        browser.close()
        # Close the connection Django opened while the event loop was running, or PostgreSQL
        # refuses to drop the test database at the end ("being accessed by other users").
        from django.db import connections

        connections.close_all()


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def _bulk_deserialize_db_from_string(self, data):
    """Serialized rollback puts back what the migrations loaded (regions, the national catalog,
    holidays: some 6,000 rows) after every transactional test. Django saves them one by one
    (an UPDATE then an INSERT each); this inserts them in bulk, model by model in the
    serialized (dependency) order, inside the same constraint-deferred transaction; tables
    that already hold rows get Django's row-by-row save."""
    from io import StringIO

    from django.core import serializers
    from django.db.transaction import atomic

    table_names, batch, model, refill = set(), [], None, False

    def flush():
        if batch:
            model._base_manager.using(self.connection.alias).bulk_create(batch, batch_size=500)
            batch.clear()

    with atomic(using=self.connection.alias):
        with self.connection.constraint_checks_disabled():
            for obj in serializers.deserialize("json", StringIO(data), using=self.connection.alias):
                cls = type(obj.object)
                table_names.add(cls._meta.db_table)
                if cls is not model:
                    flush()
                    model = cls
                    # Rows the flush's post_migrate put back (content types, permissions)
                    # are overwritten one by one, as Django does.
                    refill = model._base_manager.using(self.connection.alias).exists()
                if refill or obj.m2m_data or obj.deferred_fields:
                    obj.save()
                    continue
                batch.append(obj.object)
            flush()
        self.connection.check_constraints(table_names=table_names)


def pytest_configure(config):
    from django.db.backends.base.creation import BaseDatabaseCreation

    BaseDatabaseCreation.deserialize_db_from_string = _bulk_deserialize_db_from_string


@pytest.fixture(autouse=True)
def _empty_fts_index(request, django_db_blocker):
    """A transactional test ends with Django's flush, which empties every model table but not
    SQLite's FTS5 search table (not a model); its stale rows would match the next test's
    search documents, whose keys restart from the same ranks. Empty it before such a test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from django.db import connection

        from govmall.products.search import sqlite as fts

        with django_db_blocker.unblock():
            if connection.vendor == "sqlite":
                with connection.cursor() as cur:
                    cur.execute(f"DELETE FROM {fts.TABLE}")
    yield


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
