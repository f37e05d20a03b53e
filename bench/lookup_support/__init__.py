"""Settings and URLs for bench/lookup.py: the product plus a trivial JSON view, and quiet logs."""
