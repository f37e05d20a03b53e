"""System checks for the sign-in: `manage.py check` finds an incomplete OIDC setup, `check --deploy` warns
when production runs without OIDC or with the test logins on."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import signin


@register(Tags.security)
def oidc_configuration(app_configs, **kwargs):
    if not signin.oidc_enabled() or settings.OIDC_DISCOVERY_URL:
        return []
    missing = [name for name in ("OIDC_OP_ISSUER", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
                                 "OIDC_OP_JWKS_ENDPOINT") if not getattr(settings, name)]
    if not missing:
        return []
    return [Error(
        f"OIDC_RP_CLIENT_ID is set, but neither OIDC_DISCOVERY_URL nor {', '.join(missing)}.",
        hint="Set OIDC_DISCOVERY_URL to the provider's .well-known/openid-configuration (docs/deployment.md, Sign-in).",
        id="nav_sikkerhet.E001",
    )]


@register(Tags.security, deploy=True)
def production_sign_in(app_configs, **kwargs):
    if settings.ENVIRONMENT == "development":
        return []
    warnings = []
    if not signin.oidc_enabled():
        warnings.append(Warning(
            "Production runs without OpenID Connect: staff sign in with passwords kept in this application.",
            hint="Set OIDC_RP_CLIENT_ID, OIDC_RP_CLIENT_SECRET and OIDC_DISCOVERY_URL for NAV's Entra ID "
                 "(docs/deployment.md, Sign-in).",
            id="nav_sikkerhet.W001",
        ))
    if settings.ALLOW_TEST_IDENTS:
        warnings.append(Warning(
            "ALLOW_TEST_IDENTS is on in production: synthetic identity numbers and password sign-in are accepted.",
            hint="Unset ALLOW_TEST_IDENTS outside test and demo environments.",
            id="nav_sikkerhet.W002",
        ))
    return warnings
