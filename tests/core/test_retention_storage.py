"""Files no record points to (`media_files`) are found through the storage API, so the sweep works the same on
the filesystem (development, compose) and on a Google Cloud bucket (NAIS, GCS_BUCKET_NAME)."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from freezegun import freeze_time

from nav_sikkerhet.core import retention, services
from tests.core import fake_gcs
from tests.utestenging.factories import signed_decision
from utestenging.models import Letter, LetterKind, LetterStatus

DAY = datetime.timedelta(days=1)
# As settings.STORAGES has it with GCS_BUCKET_NAME set, over an in-memory bucket.
GCS = {
    "BACKEND": "tests.core.fake_gcs.InMemoryGoogleCloudStorage",
    "OPTIONS": {"bucket_name": "nav-sikkerhet-test", "file_overwrite": False, "querystring_auth": True},
}


@pytest.fixture(params=["filesystem", "bucket"])
def storage(request, settings):
    if request.param == "bucket":
        fake_gcs.BUCKETS.clear()
        settings.STORAGES = {**settings.STORAGES, "default": GCS}
    return request.param


def _save(name: str, text: str = "%PDF brev") -> str:
    return default_storage.save(name, ContentFile(text.encode()))


def test_on_the_filesystem_every_file_under_media_root_is_listed_by_its_storage_name(settings):
    assert list(retention.stored_names()) == []  # MEDIA_ROOT not made yet
    names = {_save("letters/a1/vedtak.pdf"), _save("letters/a1/forhandsvarsel.pdf"), _save("warnings/7/advarsel.pdf"),
             _save("left.pdf")}
    root = Path(settings.MEDIA_ROOT)
    on_disk = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    assert set(retention.stored_names()) == names == on_disk


def test_in_a_bucket_folders_are_prefixes_and_a_folder_placeholder_is_no_file(settings):
    settings.STORAGES = {**settings.STORAGES, "default": GCS}
    fake_gcs.BUCKETS.clear()
    names = {_save("letters/a1/vedtak.pdf"), _save("letters/b2/c3/vedtak.pdf"), _save("left.pdf")}
    default_storage.bucket.put("letters/", b"")  # the console's "create folder"
    folders, files = default_storage.listdir("letters")  # as django-storages reads the bucket
    assert (sorted(folders), files) == (["a1", "b2"], [""])
    assert sorted(retention.stored_names()) == sorted(names)


@pytest.mark.django_db
def test_a_file_no_record_points_to_goes_after_a_day_on_either_storage_and_a_letter_stays(
    storage, leader, unit, django_capture_on_commit_callbacks,
):
    decision = signed_decision(signed_by=leader, unit=unit, created_by=leader)
    kept = _save(f"letters/{decision.public_id}/vedtak.pdf")
    Letter.objects.create(decision=decision, kind=LetterKind.DECISION, language="nb", file=kept,
                          status=LetterStatus.READY, sha256="0" * 64, created_by=leader)
    orphan = _save("letters/left-behind/vedtak.pdf")
    if storage == "bucket":
        default_storage.bucket.put("letters/", b"")
    assert services.retention_run(dry_run=True)["media_files"] == 0  # written just now
    with freeze_time(timezone.now() + 2 * DAY):
        assert services.retention_run(dry_run=True)["media_files"] == 1
        assert default_storage.exists(orphan)  # the dry run changed nothing
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retention_run()["media_files"] == 1
        assert not default_storage.exists(orphan)
        assert default_storage.exists(kept)
        assert default_storage.open(kept).read() == b"%PDF brev"
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retention_run()["media_files"] == 0


@pytest.mark.django_db
def test_a_file_scheduled_for_deletion_in_the_run_is_not_counted_again(storage, django_capture_on_commit_callbacks):
    name = _save("warnings/9/advarsel.pdf")
    with freeze_time(timezone.now() + 2 * DAY), django_capture_on_commit_callbacks(execute=True):
        retention.begin_run()
        retention.delete_files([name])  # as an anonymised warning's letter is, earlier in the same run
        assert retention.KINDS["media_files"].due(timezone.now()).count() == 0
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_file_gone_between_the_listing_and_its_time_is_skipped_not_an_error(storage, monkeypatch):
    first, second = _save("letters/x/a.pdf"), _save("letters/x/b.pdf")
    listed = list(retention.stored_names())
    default_storage.delete(first)  # by another run, or by hand, after the listing
    monkeypatch.setattr(retention, "stored_names", lambda: iter(listed))
    with freeze_time(timezone.now() + 2 * DAY):
        assert retention.KINDS["media_files"].due(timezone.now() - DAY).names() == [second]
