"""The security-measure API for integrating systems, in the shape of PDL's ``Sikkerhetstiltak``.

``POST /api/v1/sikkerhetstiltak`` with ``{"personident": "<11 digits>"}`` and ``Authorization: Bearer
<key>`` answers the measures in force today. The identity number travels in the body, never in the
URL. Errors are RFC 7807 problem documents: 400 naming the field, 401 without a valid key, 403 for
a key without the scope. The rule of what is in force is :func:`utestenging.lookup.measures_in_force`,
the same the reception look-up uses.
"""

import datetime
import logging
import re
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field, StrictStr, field_validator

from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.identity import MESSAGES, parse_personident
from nav_sikkerhet.core.models import ApiKey, ApiScope

from . import lookup

logger = logging.getLogger(__name__)

SCOPE = ApiScope.SIKKERHETSTILTAK_READ
PROBLEM_TYPE = "https://nav-sikkerhet/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# PDL's descriptions of the type codes (bokmål, as PDL sends them), whatever language the caller uses.
BESKRIVELSE = {
    "FYUS": "Fysisk utestengelse",
    "TFUS": "Telefonisk utestengelse",
    "FTUS": "Fysisk/telefonisk utestengelse",
}
_ELEVEN_DIGITS = re.compile(r"\d{11}")


# -- schemas -----------------------------------------------------------------------------------------------


class SikkerhetstiltakRequest(Schema):
    """Whose measures: the citizen's fødselsnummer or D-number, 11 digits."""

    model_config = ConfigDict(json_schema_extra={"example": {"personident": "12345678901"}})

    personident: StrictStr = Field(description="Fødselsnummer or D-number: 11 digits, no spaces.")

    @field_validator("personident")
    @classmethod
    def _valid_personident(cls, value: str) -> str:
        # Exactly 11 digits: an integrating system sends the number as PDL does, without spaces.
        # The API answers in English, whatever the default language of the web pages.
        with translation.override("en"):
            if not _ELEVEN_DIGITS.fullmatch(value):
                raise ValueError(str(MESSAGES["format" if not value.isdigit() else "length"]))
            try:
                return parse_personident(value).number
            except DjangoValidationError as error:
                raise ValueError(" ".join(error.messages)) from None


class Kontaktperson(Schema):
    personident: str = Field(description="The contact person's NAV ident, e.g. A123456.")
    enhet: str = Field(description="The 4-digit number of the unit that decided.")


class Sikkerhetstiltak(Schema):
    """One measure in force, as PDL's Sikkerhetstiltak."""

    tiltakstype: Literal["FYUS", "TFUS", "FTUS"] = Field(
        description="FYUS physical exclusion, TFUS phone restriction, FTUS both."
    )
    beskrivelse: str = Field(description="PDL's description of the type code, e.g. «Fysisk utestengelse».")
    kontaktperson: Kontaktperson | None = Field(
        description="The contact person for the citizen (the responsible leader when none is named)."
    )
    gyldigFraOgMed: datetime.date = Field(description="First day in force.")  # noqa: N815 – PDL's field names
    gyldigTilOgMed: datetime.date = Field(description="Last day in force.")  # noqa: N815


class SikkerhetstiltakResponse(Schema):
    personident: str
    sikkerhetstiltak: list[Sikkerhetstiltak]


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []


# -- authentication ----------------------------------------------------------------------------------------


class MissingScope(Exception):
    pass


class ApiKeyAuth(HttpBearer):
    """A bearer key of an integrating system; the key must also hold the operation's scope (else 403)."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request):
        # Ninja's own parsing logs a malformed header in DEBUG, and the header holds the key: never log it.
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token) -> ApiKey | None:
        api_key = core_services.api_key_authenticate(key=token)
        if api_key is not None and not api_key.has_scope(self.scope):
            raise MissingScope
        return api_key


# -- the API -----------------------------------------------------------------------------------------------

api = NinjaAPI(
    title="NAV sikkerhetstiltak",
    version="1",
    description=(
        "Security measures (exclusion and phone restriction) in force today, in the shape of PDL's "
        "Sikkerhetstiltak. One key per integrating system, sent as `Authorization: Bearer <key>`."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)


def _problem(request, status: int, title: str, detail: str, errors: list[dict] | None = None, headers=None):
    body = {
        "type": PROBLEM_TYPE + {400: "invalid-request", 401: "unauthorized", 403: "forbidden"}.get(status, "error"),
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_problem(error: dict) -> dict:
    """One pydantic error as {"field", "message"}: the field is the body key, never the input value."""
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
    field = ".".join(location) or "body"
    kind = error.get("type", "")
    if kind == "missing":
        message = _("This field is required.")
    elif kind == "string_type":
        message = _("Must be a string of 11 digits.")
    elif kind == "value_error":
        message = str(error.get("ctx", {}).get("error", "")) or _("Invalid value.")
    elif field == "body":
        message = _("The request body must be a JSON object.")
    else:
        message = _("Invalid value.")
    return {"field": field, "message": message}


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    with translation.override("en"):
        errors = [_field_problem(error) for error in exc.errors]
        return _problem(
            request, 400, _("Invalid request"), "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors
        )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    with translation.override("en"):
        return _problem(
            request,
            401,
            _("Unauthorized"),
            _("Send a valid API key as «Authorization: Bearer <key>»."),
            headers={"WWW-Authenticate": 'Bearer realm="nav-sikkerhet"'},
        )


@api.exception_handler(MissingScope)
def _forbidden(request, exc):
    with translation.override("en"):
        return _problem(request, 403, _("Forbidden"), _("The API key lacks the scope %(scope)s.") % {"scope": SCOPE})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    with translation.override("en"):
        if exc.status_code == 400:
            # Ninja's only 400 of its own: a body that is not JSON.
            errors = [{"field": "body", "message": _("The request body is not valid JSON.")}]
            return _problem(request, 400, _("Invalid request"), errors[0]["message"], errors)
        return _problem(request, exc.status_code, _("Error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    with translation.override("en"):
        return _problem(request, 404, _("Not found"), _("No such resource."))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    # Logged without the request body: it holds an identity number.
    logger.exception("Unexpected error in the API (%s)", type(exc).__name__)
    with translation.override("en"):
        return _problem(request, 500, _("Internal error"), _("Something went wrong; try again later."))


def _pdl_shape(measure: lookup.Measure) -> dict:
    return {
        "tiltakstype": measure.kind,
        "beskrivelse": BESKRIVELSE[measure.kind],
        "kontaktperson": (
            {"personident": measure.contact.nav_ident, "enhet": measure.unit.number} if measure.contact else None
        ),
        "gyldigFraOgMed": measure.valid_from,
        "gyldigTilOgMed": measure.valid_to,
    }


@api.post(
    "/sikkerhetstiltak",
    url_name="sikkerhetstiltak",
    auth=ApiKeyAuth(SCOPE),
    response={200: SikkerhetstiltakResponse, 400: Problem, 401: Problem, 403: Problem},
    summary="Security measures in force today for one person",
    description=(
        "Decisions signed or active whose period includes today. A valid identity number that is not "
        f"registered gives an empty list. Needs the scope `{SCOPE}`. Every answer about a registered person "
        "is written to the audit log with the calling system as the actor."
    ),
    tags=["sikkerhetstiltak"],
)
def sikkerhetstiltak(request, payload: SikkerhetstiltakRequest):
    api_key: ApiKey = request.auth
    citizen = lookup.citizen_by_personident(payload.personident)
    if citizen is None:
        return {"personident": payload.personident, "sikkerhetstiltak": []}
    measures = lookup.measures_in_force(citizen_id=citizen.pk)
    core_services.audit_log_record(
        actor=None,
        system=api_key.system,
        citizen=citizen,
        action="api.sikkerhetstiltak",
        message=gettext_lazy("Security measures sent to %(system)s"),
        message_args={"system": api_key.system},
        request=request,
    )
    return {"personident": citizen.personident, "sikkerhetstiltak": [_pdl_shape(m) for m in measures]}
