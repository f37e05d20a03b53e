"""The benchmarks' own PostgreSQL database, made when missing."""

import sys


def ensure_database(script: str, variable: str) -> None:
    import psycopg
    from django.conf import settings
    from django.db import connection

    # The project's engine is its own PostgreSQL backend (nav_sikkerhet.core.db), so ask for the vendor.
    if connection.vendor != "postgresql":
        sys.exit(f"{script} needs PostgreSQL ({variable}=postgres://…)")
    db = settings.DATABASES["default"]
    params = {"host": db.get("HOST") or "127.0.0.1", "port": db.get("PORT") or 5432, "user": db.get("USER"),
              "password": db.get("PASSWORD") or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            print(f"creating database {db['NAME']}", flush=True)
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
