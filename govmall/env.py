"""Typed readers for the environment, failing with one line that says what to set.

Settings are read once, in settings.py; nothing else reads os.environ.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(Exception):
    """A setting is missing or malformed. The message says what to set."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        file_path = os.environ.get(f"{name}_FILE")
        if file_path:
            try:
                return Path(file_path).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"{name}_FILE={file_path} cannot be read ({exc.strerror}); point it at a readable file") from exc
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is not set; set it in the environment (see README, Configuration)")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; set it to 1 or 0")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number; set it to e.g. {default}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


def secret_key(var_dir: Path, *, required: bool) -> str:
    """SECRET_KEY from the environment, else from var/secret_key (created on first use).

    In production (required=True) the key must come from the environment or a *_FILE.
    """
    try:
        return env_str("GOVMALL_SECRET_KEY")
    except ConfigError:
        if required:
            raise ConfigError(
                "GOVMALL_SECRET_KEY is not set; production needs it (or GOVMALL_SECRET_KEY_FILE), "
                "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            ) from None
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def database(url: str | None, sqlite_path: Path) -> dict:
    """The default database: DATABASE_URL (PostgreSQL) or SQLite in WAL mode."""
    if not url:
        return sqlite_config(sqlite_path)
    import dj_database_url

    try:
        cfg = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ConfigError(
            f"DATABASE_URL cannot be parsed ({exc}); use postgres://USER:PASSWORD@HOST:5432/NAME "
            "or leave it unset for SQLite"
        ) from None
    engine = cfg.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return sqlite_config(Path(cfg["NAME"]))
    if engine != "django.db.backends.postgresql":
        raise ConfigError(f"DATABASE_URL uses {engine or 'an unknown engine'}; GovMall supports postgres:// or sqlite:// only")
    if not cfg.get("NAME"):
        raise ConfigError("DATABASE_URL has no database name; use postgres://USER@HOST:5432/NAME")
    # Parameters are bound on the server and psycopg prepares a statement after its fifth run
    # on a connection, so a statement the app runs again and again is planned once per
    # connection instead of on every run (in the checkout benchmark this halved the database's
    # CPU per purchase; docs/PERFORMANCE.md). Behind a pooler in transaction mode, where a
    # transaction may land on another server connection than the one that prepared a
    # statement, GOVMALL_DB_PREPARED_STATEMENTS=0 switches preparing off.
    options = cfg.setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", 5 if env_bool("GOVMALL_DB_PREPARED_STATEMENTS", True) else None)
    return cfg


def sqlite_config(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # Write transactions take the database lock at BEGIN, so check-then-write
            # code gets the same guarantees as SELECT ... FOR UPDATE on PostgreSQL.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
        "TEST": {"NAME": str(path.parent / "test_govmall.sqlite3")},
    }
