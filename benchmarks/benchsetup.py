"""Shared by the benchmark scripts: a fresh, empty PostgreSQL database for a run."""

import os


def fresh_postgres_database():
    """Drop and create the database DATABASE_URL names (benchmarks need an empty one)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    admin = psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"], dbname="postgres", autocommit=True
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()
