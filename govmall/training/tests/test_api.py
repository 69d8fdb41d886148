"""The JSON API writes: a quiz submitted and a session signed up through /api/v1/training."""

import json

import pytest
from django.test import Client

from govmall.testing import sign_in
from govmall.training.models import Certificate
from govmall.training.testing import answers

from .conftest import make_session

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_api_quiz_refuses_unanswered_then_scores_and_certifies(cast, course):
    client = sign_in(Client(), cast.purchaser)
    url = f"/api/v1/training/courses/{course.code}/attempts"
    r = post(client, url, {"answers": {}})
    assert r.status_code == 400 and "没有选择答案" in r.json()["detail"]
    r = post(client, url, {"answers": answers(course, correct=False)})
    assert r.status_code == 200 and r.json()["passed"] is False and r.json()["certificate_number"] is None
    r = post(client, url, {"answers": answers(course)})
    body = r.json()
    assert body["passed"] is True and body["score"] == 100
    assert body["certificate_number"] == Certificate.objects.get(user=cast.purchaser).number


def test_api_signup_refused_when_full(cast):
    session = make_session(capacity=1)
    assert post(sign_in(Client(), cast.purchaser), f"/api/v1/training/sessions/{session.pk}/signup").status_code == 200
    r = post(sign_in(Client(), cast.supplier), f"/api/v1/training/sessions/{session.pk}/signup")
    assert r.status_code == 400 and r.json()["detail"] == "该场次名额已满（共 1 人），请选择其他场次"
