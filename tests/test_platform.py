"""The NAIS manifests (.nais/) and the settings they feed: every variable the settings need is declared.

A manifest's environment is what NAIS will give the pod: its own ``env``, the variables of the features it
declares (Entra ID, the database, Valkey) and the keys of its secrets. The settings are loaded with exactly
that in a fresh interpreter, and must come out as a working production configuration.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nav_sikkerhet import platform

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = {name: ROOT / ".nais" / f"{name}.yaml" for name in ("app", "worker", "beat")}
VARS = yaml.safe_load((ROOT / ".nais" / "vars-prod-gcp.yaml").read_text())
# What the team puts in the NAIS secret nav-sikkerhet (docs/operations.md, "Secrets").
SECRET_KEYS = {"nav-sikkerhet": {"SECRET_KEY": secrets.token_urlsafe(50)}}
# What NAIS puts in the database owner's secret, read by worker and beat.
DATABASE = {"DB_HOST": "10.40.0.3", "DB_PORT": "5432", "DB_DATABASE": "nav-sikkerhet", "DB_USERNAME": "nav-sikkerhet",
            "DB_PASSWORD": "p@ss/word", "DB_SSLMODE": "verify-ca"}
SECRET_KEYS["google-sql-nav-sikkerhet"] = DATABASE


def manifest(name: str) -> dict:
    text = MANIFESTS[name].read_text()
    # nais/deploy's templating, {{ name }} from the cluster's vars file.
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: str(VARS[m.group(1)]), text)
    return yaml.safe_load(text)


def nais_environment(spec: dict) -> dict[str, str]:
    """The environment NAIS gives a pod of this application."""
    env = {item["name"]: str(item["value"]) for item in spec.get("env", [])}
    if spec.get("azure", {}).get("application", {}).get("enabled"):
        env |= {"AZURE_APP_CLIENT_ID": "client-id", "AZURE_APP_CLIENT_SECRET": "client-secret",
                "AZURE_APP_WELL_KNOWN_URL": "https://login.microsoftonline.com/nav/v2.0/.well-known/openid-configuration"}
    for instance in spec.get("gcp", {}).get("sqlInstances", []):
        for database in instance["databases"]:
            assert database["envVarPrefix"] == platform.DATABASE_PREFIX
            env |= DATABASE
    for valkey in spec.get("valkey", []):
        name = valkey["instance"].upper()
        env |= {f"VALKEY_URI_{name}": "rediss://valkey-nav-sikkerhet-main.aivencloud.com:26483",
                f"VALKEY_USERNAME_{name}": "nav-sikkerhet", f"VALKEY_PASSWORD_{name}": "valkey-secret"}
    for source in spec.get("envFrom", []):
        env |= SECRET_KEYS[source["secret"]]
    return env


PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "environment": settings.ENVIRONMENT, "debug": settings.DEBUG, "db": settings.DATABASES["default"],
    "cache": settings.CACHES["default"], "broker": settings.CELERY_BROKER_URL, "hosts": settings.ALLOWED_HOSTS,
    "oidc": [settings.OIDC_RP_CLIENT_ID, settings.OIDC_DISCOVERY_URL], "site": settings.SITE_URL,
    "audit": settings.AUDIT_SYSLOG_HOST, "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "storage": settings.STORAGES["default"],
}, default=str))
"""


def settings_under(env: dict[str, str], *args, tmp: Path) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "nav_sikkerhet.settings", **env,
             "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus")}
    return subprocess.run([sys.executable, *args], env=clean, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", autouse=True)
def _no_dotenv(tmp_path_factory):
    # A developer's .env (ENVIRONMENT=development) must not stand in for what the manifest declares.
    dotenv = ROOT / ".env"
    saved = dotenv.read_text() if dotenv.exists() else None
    if saved is not None:
        dotenv.unlink()
    yield
    if saved is not None:
        dotenv.write_text(saved)


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_settings_come_out_as_production_from_the_manifest_alone(name, tmp_path):
    spec = manifest(name)["spec"]
    result = settings_under(nais_environment(spec), "-c", PROBE, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["environment"] == "production" and loaded["debug"] is False
    assert loaded["db"]["HOST"] == DATABASE["DB_HOST"] and loaded["db"]["PASSWORD"] == DATABASE["DB_PASSWORD"]
    assert loaded["db"]["OPTIONS"]["sslmode"] == "verify-ca"
    assert loaded["cache"]["LOCATION"].startswith("rediss://nav-sikkerhet:valkey-secret@valkey-")
    assert loaded["broker"] == loaded["cache"]["LOCATION"] and loaded["eager"] is False
    assert loaded["hosts"] == [VARS["host"]] and loaded["site"] == VARS["ingress"]
    assert loaded["audit"] == VARS["audit_syslog_host"]
    if name in ("app", "worker"):  # beat stores no files
        assert loaded["storage"]["BACKEND"] == "storages.backends.gcloud.GoogleCloudStorage"
        assert loaded["storage"]["OPTIONS"]["bucket_name"] == VARS["letters_bucket"]
    if name == "app":
        assert loaded["oidc"] == ["client-id", "https://login.microsoftonline.com/nav/v2.0/.well-known/openid-configuration"]


def test_every_variable_the_settings_require_is_declared():
    """A variable read without a default stops the settings loading: each manifest must give it."""
    source = (ROOT / "nav_sikkerhet" / "settings.py").read_text()
    required = {name for name, rest in re.findall(r'env\.\w+\("(\w+)"(\)|,[^)]*\))', source)
                if "default=" not in rest}
    assert "SECRET_KEY" in required
    for name in MANIFESTS:
        missing = required - set(nais_environment(manifest(name)["spec"]))
        assert not missing, f"{name}.yaml does not declare {sorted(missing)}"


def test_check_deploy_passes_with_the_production_settings(tmp_path):
    """What the image runs: `manage.py check --deploy` with the web manifest's environment, failing on warnings."""
    env = nais_environment(manifest("app")["spec"])
    result = settings_under(env, "manage.py", "check", "--deploy", "--fail-level", "WARNING", tmp=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_beat_never_runs_twice_and_web_never_once():
    beat, web = manifest("beat")["spec"], manifest("app")["spec"]
    assert beat["replicas"] == {"min": 1, "max": 1} and beat["strategy"]["type"] == "Recreate"
    assert web["replicas"]["min"] >= 2
    assert web["liveness"]["path"] == "/internal/isalive" and web["readiness"]["path"] == "/internal/isready"
    assert web["prometheus"]["path"] == "/internal/metrics"
    assert VARS["ingress"] + "/oidc/callback/" in web["azure"]["application"]["replyURLs"]


def test_nais_names_map_to_ours_without_overriding_them():
    environ = {**DATABASE, "VALKEY_URI_MAIN": "rediss://h:1", "VALKEY_USERNAME_MAIN": "u", "VALKEY_PASSWORD_MAIN": "p",
               "AZURE_APP_CLIENT_ID": "id", "DATABASE_URL": "postgres://mine@db/x"}
    applied = platform.apply_nais_environment(environ)
    assert "DATABASE_URL" not in applied and environ["DATABASE_URL"] == "postgres://mine@db/x"
    assert environ["REDIS_URL"] == "rediss://u:p@h:1" and environ["OIDC_RP_CLIENT_ID"] == "id"
    assert platform.database_url(DATABASE) == (
        "postgres://nav-sikkerhet:p%40ss%2Fword@10.40.0.3:5432/nav-sikkerhet?sslmode=verify-ca"
    )
    assert platform.apply_nais_environment({}) == {}


STORAGE_PROBE = """
import json, django
django.setup()
from django.core.files.storage import default_storage
default_storage._setup()
storage = default_storage._wrapped
print(json.dumps({"class": type(storage).__module__ + "." + type(storage).__name__,
                  "bucket": getattr(storage, "bucket_name", None),
                  "overwrite": getattr(storage, "file_overwrite", None)}))
"""


# What each application does with the letters: the web app reads them and owns the bucket; the worker renders them
# and the nightly retention run lists and deletes them; beat stores none, so it has neither variable nor access.
LETTERS = {"app": "owner", "worker": "objects", "beat": None}
# The roles that let a service account create, read, list and delete objects (Google's predefined storage roles).
OBJECT_ROLES = {"roles/storage.objectUser", "roles/storage.objectAdmin"}
# NAIS's own fields (liberator's GCP, CloudStorageBucket and CloudIAMPermission types): nothing else is applied.
GCP_FIELDS = {"bigQueryDatasets", "buckets", "sqlInstances", "permissions"}
BUCKET_FIELDS = {"name", "cascadingDelete", "retentionPeriodDays", "lifecycleCondition"}
PROJECT = {"apiVersion": "resourcemanager.cnrm.cloud.google.com/v1beta1", "kind": "Project"}


def bucket_access(spec: dict, bucket: str) -> str | None:
    """How NAIS lets this application at the bucket: as its owner, or through a storage object role."""
    gcp = spec.get("gcp", {})
    if bucket in [declared["name"] for declared in gcp.get("buckets", [])]:
        return "owner"
    for permission in gcp.get("permissions", []):
        resource = permission["resource"]
        on_bucket = resource["kind"] == "StorageBucket" and resource.get("name") == bucket
        on_team_project = resource == PROJECT  # no name: NAIS fills in the team project, where the bucket is
        if permission["role"] in OBJECT_ROLES and (on_bucket or on_team_project):
            return "objects"
    return None


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_each_application_handling_letters_has_the_bucket_variable_and_access_and_no_other(name):
    spec, bucket = manifest(name)["spec"], VARS["letters_bucket"]
    assert bucket_access(spec, bucket) == LETTERS[name]
    assert nais_environment(spec).get("GCS_BUCKET_NAME") == (bucket if LETTERS[name] else None)


def test_the_bucket_and_the_permission_use_only_what_nais_has():
    web, worker = manifest("app")["spec"], manifest("worker")["spec"]
    assert [bucket["name"] for bucket in web["gcp"]["buckets"]] == [VARS["letters_bucket"]]
    for spec in (manifest(name)["spec"] for name in MANIFESTS):
        assert set(spec.get("gcp", {})) <= GCP_FIELDS
    for bucket in web["gcp"]["buckets"]:
        assert set(bucket) <= BUCKET_FIELDS
        # A bucket retention policy or lifecycle rule would refuse, or pre-empt, what the retention schedule deletes.
        assert not {"retentionPeriodDays", "lifecycleCondition"} & set(bucket)
    for permission in worker["gcp"]["permissions"]:
        assert set(permission) == {"resource", "role"}
        assert set(permission["resource"]) <= {"apiVersion", "kind", "name"}


def test_production_settings_pick_the_bucket_backend_when_the_bucket_is_set(tmp_path):
    """The storage is built as the pods build it, with no call to Google Cloud Storage (the client is lazy)."""
    env = nais_environment(manifest("worker")["spec"])
    result = settings_under(env, "-c", STORAGE_PROBE, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout.strip().splitlines()[-1])
    assert built == {"class": "storages.backends.gcloud.GoogleCloudStorage", "bucket": VARS["letters_bucket"],
                     "overwrite": False}


def test_without_the_bucket_files_stay_on_the_filesystem(tmp_path):
    env = nais_environment(manifest("worker")["spec"])
    del env["GCS_BUCKET_NAME"]
    result = settings_under(env, "-c", STORAGE_PROBE, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    built = json.loads(result.stdout.strip().splitlines()[-1])
    assert built["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
