"""Six people take the last seats of a session at the same moment: the session row is locked
first, so exactly `capacity` of them get in and the others are told it is full."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from govmall.accounts.models import Role
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.testing import make_user
from govmall.training import services
from govmall.training.models import Signup, TrainingSession

from .conftest import make_session

THREADS = 6
pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_signups_never_exceed_capacity():
    session = make_session(capacity=2)
    users = [make_user(Role.PURCHASER_CLERK) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    results, errors, lock = [], [], threading.Lock()

    def run(i):
        try:
            start.wait(timeout=20)
            with acting_as(Actor(username=f"racer-{i}")):
                try:
                    services.signup_create(session=TrainingSession.objects.get(pk=session.pk), user=users[i])
                    out = "ok"
                except BusinessError as exc:
                    out = exc.message
            with lock:
                results.append(out)
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["ok", "ok"] + ["该场次名额已满（共 2 人），请选择其他场次"] * (THREADS - 2)
    assert Signup.objects.filter(session=session).count() == 2
