"""The documented production configuration passes `manage.py check --deploy --fail-level
WARNING` (README, Production deployment; docs/SECURITY.md)."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

PROJECT_ROOT = settings.BASE_DIR


def clean_env(tmp_path, **values) -> dict:
    """The parent's environment without any GovMall/Django configuration, plus `values`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GOVMALL_") and k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["GOVMALL_VAR_DIR"] = str(tmp_path / "var")
    env.update(values)
    return env


def production_env(tmp_path, **overrides) -> dict:
    return clean_env(
        tmp_path,
        GOVMALL_PRODUCTION="1",
        GOVMALL_SECRET_KEY=secrets.token_urlsafe(50),  # 67 characters
        GOVMALL_ALLOWED_HOSTS="weihai.gpmall.example.cn",
        **overrides,
    )


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_configuration_passes_the_deploy_check(tmp_path):
    env = production_env(tmp_path)
    assert len(env["GOVMALL_SECRET_KEY"]) >= 50

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_secret_key_from_a_file_passes_the_deploy_check_too(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n")
    env = production_env(tmp_path)
    del env["GOVMALL_SECRET_KEY"]
    env["GOVMALL_SECRET_KEY_FILE"] = str(key_file)

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_does_fail_when_https_is_switched_off(tmp_path):
    # The check above is not vacuous: without the HTTPS settings it reports them.
    result = manage(production_env(tmp_path, GOVMALL_HTTPS="0"), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 1
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr


def test_production_turns_on_the_https_settings(tmp_path):
    script = (
        "import json, govmall.settings as s; print(json.dumps({k: getattr(s, k, None) for k in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'ALLOWED_HOSTS', 'X_FRAME_OPTIONS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "ALLOWED_HOSTS": ["weihai.gpmall.example.cn"],
        "X_FRAME_OPTIONS": "DENY",
    }
