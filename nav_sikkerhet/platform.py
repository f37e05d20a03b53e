"""What NAIS injects, under the names the settings already read (beside them: a name set directly wins).

NAIS gives the Entra ID client (``azure.application``), the PostgreSQL instance (``gcp.sqlInstances`` with
``envVarPrefix: DB``) and the Valkey instance (``valkey``, instance ``main``) to the pod as environment variables
of their own; the manifests are in ``.nais/``. Nothing here runs outside NAIS: without those variables it is a no-op.
"""

from collections.abc import MutableMapping
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

# envVarPrefix of the database in .nais/*.yaml, and the Valkey instance's name (upper-cased as NAIS does).
DATABASE_PREFIX = "DB"
VALKEY_INSTANCE = "MAIN"

# Entra ID (NAIS ``azure.application``) → mozilla-django-oidc's settings.
AZURE_NAMES = {
    "AZURE_APP_CLIENT_ID": "OIDC_RP_CLIENT_ID",
    "AZURE_APP_CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET",
    "AZURE_APP_WELL_KNOWN_URL": "OIDC_DISCOVERY_URL",
}
# The database's TLS files and mode, passed to libpq as they are.
DATABASE_TLS = {"SSLMODE": "sslmode", "SSLROOTCERT": "sslrootcert", "SSLCERT": "sslcert", "SSLKEY": "sslkey"}


def database_url(environ: MutableMapping[str, str], prefix: str = DATABASE_PREFIX) -> str | None:
    """A postgres:// URL from NAIS's DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD (and TLS files)."""
    host = environ.get(f"{prefix}_HOST")
    if not host:
        return None
    user = quote(environ.get(f"{prefix}_USERNAME", ""), safe="")
    password = quote(environ.get(f"{prefix}_PASSWORD", ""), safe="")
    port = environ.get(f"{prefix}_PORT", "5432")
    name = quote(environ.get(f"{prefix}_DATABASE", ""), safe="")
    options = {key: environ[f"{prefix}_{var}"] for var, key in DATABASE_TLS.items() if environ.get(f"{prefix}_{var}")}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{user}:{password}@{host}:{port}/{name}{query}"


def redis_url(environ: MutableMapping[str, str], instance: str = VALKEY_INSTANCE) -> str | None:
    """The Valkey (or older Redis) instance's URI with its username and password put in."""
    for kind in ("VALKEY", "REDIS"):
        uri = environ.get(f"{kind}_URI_{instance}")
        if uri:
            parts = urlsplit(uri)
            user = quote(environ.get(f"{kind}_USERNAME_{instance}", ""), safe="")
            password = quote(environ.get(f"{kind}_PASSWORD_{instance}", ""), safe="")
            credentials = f"{user}:{password}@" if user or password else ""
            netloc = credentials + parts.netloc.rsplit("@", 1)[-1]
            return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return None


def apply_nais_environment(environ: MutableMapping[str, str]) -> dict[str, str]:
    """Set today's names from NAIS's where they are not set already; returns what it set."""
    derived = {ours: environ[theirs] for theirs, ours in AZURE_NAMES.items() if environ.get(theirs)}
    if url := database_url(environ):
        derived["DATABASE_URL"] = url
    if url := redis_url(environ):
        derived["REDIS_URL"] = url
    applied = {name: value for name, value in derived.items() if not environ.get(name)}
    environ.update(applied)
    return applied
