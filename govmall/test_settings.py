"""Settings for the test suite: the real settings with fast password hashing and
background tasks executed in-line (tests that need the worker start a real one)."""

import os

os.environ.setdefault("GOVMALL_TASKS_IMMEDIATE", "1")

from govmall.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}  # noqa: F405
