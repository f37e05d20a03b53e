"""The product's settings for the look-up benchmark: its own URLconf, debug off, audit lines to /dev/null."""

import os

from nav_sikkerhet.settings import *  # noqa: F403
from nav_sikkerhet.settings import LOGGING

ROOT_URLCONF = "bench.lookup_support.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The CEF line is still formatted and written for every look-up, as in production; only not to the terminal.
LOGGING["handlers"]["audit"] = {"class": "logging.FileHandler", "filename": os.devnull, "formatter": "cef"}
LOGGING["root"]["level"] = "WARNING"
