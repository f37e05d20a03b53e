# The OpenID Connect provider fixtures, for the sign-in tests of this directory.
from .oidc_helpers import _fresh_discovery, oidc_settings, provider  # noqa: F401
