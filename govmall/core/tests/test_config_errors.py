"""A missing or malformed setting stops manage.py with exit status 2 and one line on stderr
that names what to set — never a traceback. Valid values reach the settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT_ROOT = settings.BASE_DIR
KEY = "k" * 20 + "-config-error-test-key-0123456789abcdef"


def clean_env(tmp_path, **values) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GOVMALL_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["GOVMALL_VAR_DIR"] = str(tmp_path / "var")
    env.update(values)
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def assert_one_line_error(result, *names):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]
    assert result.stdout == ""
    return lines[0]


def test_production_without_a_secret_key_names_govmall_secret_key(tmp_path):
    result = manage(clean_env(tmp_path, GOVMALL_PRODUCTION="1", GOVMALL_ALLOWED_HOSTS="weihai.gpmall.example.cn"), "check")
    line = assert_one_line_error(result, "GOVMALL_SECRET_KEY")
    assert line.startswith("GovMall configuration error: GOVMALL_SECRET_KEY is not set")
    assert not (tmp_path / "var" / "secret_key").exists()  # production never invents a key


def test_production_without_allowed_hosts_names_govmall_allowed_hosts(tmp_path):
    result = manage(clean_env(tmp_path, GOVMALL_PRODUCTION="1", GOVMALL_SECRET_KEY=KEY), "check")
    assert_one_line_error(result, "GOVMALL_ALLOWED_HOSTS")


def test_unreadable_secret_key_file_names_the_variable(tmp_path):
    env = clean_env(tmp_path, GOVMALL_PRODUCTION="1", GOVMALL_ALLOWED_HOSTS="a.example.cn", GOVMALL_SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert_one_line_error(manage(env, "check"), "GOVMALL_SECRET_KEY_FILE")


@pytest.mark.parametrize("url", ["mysql://x", "not a url"])
def test_malformed_database_url_names_database_url(tmp_path, url):
    result = manage(clean_env(tmp_path, DATABASE_URL=url), "check")
    line = assert_one_line_error(result, "DATABASE_URL")
    assert line.startswith("GovMall configuration error: DATABASE_URL")


@pytest.mark.parametrize(
    "name, value",
    [
        ("GOVMALL_DEBUG", "maybe"),
        ("GOVMALL_PRODUCTION", "ja"),
        ("GOVMALL_SESSION_IDLE_SECONDS", "half an hour"),
        ("GOVMALL_SESSION_IDLE_SECONDS", "5"),
        ("GOVMALL_PASSWORD_MAX_AGE_DAYS", "-1"),
    ],
)
def test_malformed_value_names_the_variable(tmp_path, name, value):
    line = assert_one_line_error(manage(clean_env(tmp_path, **{name: value}), "check"), name)
    assert line.startswith(f"GovMall configuration error: {name}")


def test_malformed_prepared_statements_switch_names_the_variable(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://govmall@127.0.0.1:1/govmall", GOVMALL_DB_PREPARED_STATEMENTS="sometimes")
    assert_one_line_error(manage(env, "check"), "GOVMALL_DB_PREPARED_STATEMENTS")


def test_debug_is_refused_in_production(tmp_path):
    env = clean_env(tmp_path, GOVMALL_PRODUCTION="1", GOVMALL_DEBUG="1", GOVMALL_SECRET_KEY=KEY, GOVMALL_ALLOWED_HOSTS="a.example.cn")
    assert_one_line_error(manage(env, "check"), "GOVMALL_DEBUG")


def test_unreachable_postgresql_gives_one_line_on_migrate(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://govmall@127.0.0.1:1/govmall")
    result = manage(env, "migrate", "--noinput")
    line = assert_one_line_error(result, "DATABASE_URL")
    assert line.startswith("GovMall cannot use the database (")
    assert "127.0.0.1" in line


def test_environment_values_reach_the_settings(tmp_path):
    env = clean_env(
        tmp_path,
        GOVMALL_SESSION_IDLE_SECONDS="900",
        GOVMALL_SESSION_ABSOLUTE_SECONDS="7200",
        GOVMALL_PASSWORD_MAX_AGE_DAYS="0",
        GOVMALL_ALLOWED_HOSTS="a.example.cn, b.example.cn",
    )
    script = (
        "import json, govmall.settings as s; print(json.dumps([s.SESSION_IDLE_SECONDS, s.SESSION_ABSOLUTE_SECONDS,"
        " s.SESSION_COOKIE_AGE, s.PASSWORD_MAX_AGE_DAYS, s.ALLOWED_HOSTS]))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [900, 7200, 7200, 0, ["a.example.cn", "b.example.cn"]]


def test_defaults_are_the_documented_ones(tmp_path):
    script = (
        "import json, govmall.settings as s; print(json.dumps([s.SESSION_IDLE_SECONDS, s.SESSION_ABSOLUTE_SECONDS,"
        " s.PASSWORD_MAX_AGE_DAYS, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.DEBUG]))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=clean_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [1800, 43200, 90, 5, 1800.0, False]


@pytest.mark.parametrize("value, threshold", [(None, 5), ("1", 5), ("0", None)])
def test_postgresql_prepares_repeated_statements_unless_switched_off_for_a_transaction_pooler(tmp_path, value, threshold):
    extra = {"GOVMALL_DB_PREPARED_STATEMENTS": value} if value is not None else {}
    env = clean_env(tmp_path, DATABASE_URL="postgres://govmall@db.example.cn:5432/govmall", **extra)
    script = "import json, govmall.settings as s; o = s.DATABASES['default']['OPTIONS']; print(json.dumps([o['server_side_binding'], o['prepare_threshold']]))"
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, threshold]
