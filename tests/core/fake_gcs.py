"""django-storages' Google Cloud backend over an in-memory bucket: the backend's own listdir, get_modified_time,
exists and delete run unchanged, against objects kept in a dict instead of a bucket (no network).

The bucket answers as Google Cloud Storage does: names are flat, a "folder" is a prefix listed with a delimiter,
and an object named like a folder ("letters/", the console's "create folder") is listed as an object."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from google.cloud.exceptions import NotFound
from storages.backends.gcloud import GoogleCloudStorage
from storages.utils import clean_name

# One bucket per name, shared by every storage instance (Django makes a new one when STORAGES changes).
BUCKETS: dict[str, "InMemoryBucket"] = {}


class InMemoryBlob:
    def __init__(self, name: str, data: bytes, updated: datetime.datetime):
        self.name, self.data, self.updated, self.time_created, self.size = name, data, updated, updated, len(data)

    def download_to_file(self, file, checksum=None):
        file.write(self.data)


class _Listing(list):
    """What Bucket.list_blobs returns: the objects, and the folder prefixes under ``prefixes``."""

    prefixes: set[str]


class InMemoryBucket:
    def __init__(self, name: str):
        self.name = name
        self.blobs: dict[str, InMemoryBlob] = {}

    def put(self, name: str, data: bytes, updated: datetime.datetime | None = None) -> None:
        self.blobs[name] = InMemoryBlob(name, data, updated or timezone.now())

    def get_blob(self, name, chunk_size=None, **kwargs):
        return self.blobs.get(name)

    def delete_blob(self, name, retry=None, **kwargs):
        if name not in self.blobs:
            raise NotFound(f"No such object: {self.name}/{name}")
        del self.blobs[name]

    def list_blobs(self, prefix="", delimiter=None, **kwargs):
        listing = _Listing()
        listing.prefixes = set()  # a set, as google-cloud-storage keeps them: in no set order
        for name in sorted(self.blobs):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):]
            if delimiter and delimiter in rest:
                listing.prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
            else:
                listing.append(self.blobs[name])
        return listing


class InMemoryGoogleCloudStorage(GoogleCloudStorage):
    """The Google Cloud backend with its bucket in memory; saving writes the object directly."""

    @property
    def bucket(self):
        return BUCKETS.setdefault(self.bucket_name, InMemoryBucket(self.bucket_name))

    def _save(self, name, content):
        cleaned = clean_name(name)
        content.seek(0)
        self.bucket.put(self._normalize_name(cleaned), content.read())
        return cleaned

    def _open(self, name, mode="rb"):
        blob = self.bucket.get_blob(self._normalize_name(clean_name(name)))
        if blob is None:
            raise FileNotFoundError(name)
        return ContentFile(blob.data, name=name)
