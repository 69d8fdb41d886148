"""The real background worker (`manage.py run_huey`) starts, and its on-start catch-up job
verifies the audit chain against the same database the tests use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from govmall.audit.models import ChainCheck

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def database_url() -> str:
    """DATABASE_URL for the test database this process is using."""
    sd = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(sd['NAME']).resolve()}"
    assert connection.vendor == "postgresql"
    auth = quote(sd["USER"] or "", safe="")
    if sd.get("PASSWORD"):
        auth += ":" + quote(sd["PASSWORD"], safe="")
    return f"postgres://{auth}@{sd['HOST'] or '127.0.0.1'}:{sd['PORT'] or 5432}/{sd['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_runs_its_catch_up_job_on_start(tmp_path):
    assert not ChainCheck.objects.exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVMALL_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="govmall.settings",  # the real settings, not the in-line test ones
        GOVMALL_TASKS_IMMEDIATE="0",
        GOVMALL_VAR_DIR=str(tmp_path / "var"),  # the huey queue file and the secret key
        DATABASE_URL=database_url(),
        GOVMALL_LOG_LEVEL="INFO",
    )
    log = open(tmp_path / "worker.log", "w+")
    worker = subprocess.Popen([sys.executable, str(MANAGE), "run_huey"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while not ChainCheck.objects.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        log.seek(0)
        output = log.read()
        assert worker.poll() is None, f"worker exited with {worker.returncode}:\n{output}"
        check = ChainCheck.objects.first()
        assert check is not None, f"no chain check within 20 s; worker output:\n{output}"
        assert (check.ok, check.entries, check.problem) == (True, 0, "")
        assert (tmp_path / "var" / "huey.sqlite3").exists()
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        log.close()
