"""Static-file storages that remember each file's URL: every page links the same stylesheets and scripts, and a
file's URL (its hashed name, from the manifest) does not change while the process runs."""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _RememberedURLs:
    def url(self, name, force=False):
        if force:
            return super().url(name, force=force)
        urls = self.__dict__.setdefault("_remembered_urls", {})
        try:
            return urls[name]
        except KeyError:
            url = urls[name] = super().url(name)
            return url


class RememberingStaticFilesStorage(_RememberedURLs, StaticFilesStorage):
    """Development: files found where they lie."""


class RememberingManifestStaticFilesStorage(_RememberedURLs, CompressedManifestStaticFilesStorage):
    """Production: hashed, compressed files from collectstatic's manifest."""
