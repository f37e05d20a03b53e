"""The security-measure API for integrating systems, in the shape of PDL's ``Sikkerhetstiltak``.

``POST /api/v1/sikkerhetstiltak`` with ``{"personident": "<11 digits>"}`` and ``Authorization: Bearer
<key>`` answers the measures in force today. The identity number travels in the body, never in the
URL. Errors are RFC 7807 problem documents (``application/problem+json``): 400 naming the field, 401
without a valid (or with an expired) key, 403 for a key without the scope, 405 for another method, 413
for a body over API_MAX_BODY_BYTES, 415 for a body that is not ``application/json``, 429 with
``Retry-After`` over the key's rate. Nothing a client sends answers 5xx. The rule of what is in force is
:func:`utestenging.lookup.measures_in_force`, the same the reception look-up uses.
"""

import datetime
import json
import logging
import re
from typing import Literal

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field, StrictStr, field_validator

from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core import throttle
from nav_sikkerhet.core.identity import MESSAGES, parse_personident
from nav_sikkerhet.core.models import ApiKey, ApiScope

from . import lookup
from .models import KIND_RULES

logger = logging.getLogger(__name__)

SCOPE = ApiScope.SIKKERHETSTILTAK_READ
PROBLEM_TYPE = "https://nav-sikkerhet/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"
# PDL's descriptions of the type codes (bokmål, as PDL sends them), whatever language the caller uses. Measures
# PDL has no code for stay internal and are never sent.
BESKRIVELSE = {rules.pdl_code: rules.pdl_description for rules in KIND_RULES.values() if rules.pdl_code}
# Eleven ASCII digits: \d would let fullwidth or Arabic-Indic digits through. Stated in the schema too.
PERSONIDENT_PATTERN = r"^[0-9]{11}$"
_ELEVEN_DIGITS = re.compile(PERSONIDENT_PATTERN)
# A fødselsnummer valid in production (born 1 January 1900), for the schema's example.
EXAMPLE_PERSONIDENT = "01010000110"
# The request is one short JSON object; anything much larger is not a look-up.
API_MAX_BODY_BYTES = 16 * 1024
JSON_CONTENT_TYPE = "application/json"


# -- schemas -----------------------------------------------------------------------------------------------


class SikkerhetstiltakRequest(Schema):
    """Whose measures: the citizen's fødselsnummer or D-number, 11 digits."""

    model_config = ConfigDict(json_schema_extra={"example": {"personident": EXAMPLE_PERSONIDENT}})

    personident: StrictStr = Field(
        description="Fødselsnummer or D-number: 11 ASCII digits, no spaces, with valid control digits.",
        json_schema_extra={"pattern": PERSONIDENT_PATTERN, "example": EXAMPLE_PERSONIDENT},
    )

    @field_validator("personident")
    @classmethod
    def _valid_personident(cls, value: str) -> str:
        # Exactly 11 digits: an integrating system sends the number as PDL does, without spaces.
        # The API answers in English, whatever the default language of the web pages.
        with translation.override("en"):
            if not _ELEVEN_DIGITS.fullmatch(value):
                ascii_digits = value.isascii() and value.isdigit()
                raise ValueError(str(MESSAGES["length" if ascii_digits else "format"]))
            try:
                return parse_personident(value).number
            except DjangoValidationError as error:
                raise ValueError(" ".join(error.messages)) from None


class Kontaktperson(Schema):
    personident: str = Field(description="The contact person's NAV ident, e.g. A123456.")
    enhet: str = Field(description="The 4-digit number of the unit that decided.")


class Sikkerhetstiltak(Schema):
    """One measure in force, as PDL's Sikkerhetstiltak."""

    tiltakstype: Literal["FYUS", "TFUS", "FTUS", "TOAN", "DIUS"] = Field(
        description="FYUS physical exclusion, TFUS phone restriction, FTUS both, TOAN two staff in every meeting, "
        "DIUS digital restriction. Measures PDL has no code for are not sent."
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


# -- the body --------------------------------------------------------------------------------------------


class UnsupportedMediaType(Exception):
    pass


class PayloadTooLarge(Exception):
    pass


class NotUTF8(Exception):
    pass


class DuplicateKey(Exception):
    pass


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    # json.loads keeps the last of two equal keys; which one a client meant is not ours to guess.
    data = {}
    for key, value in pairs:
        if key in data:
            raise DuplicateKey(key)
        data[key] = value
    return data


class StrictJSONParser(Parser):
    """UTF-8 JSON sent as application/json, at most API_MAX_BODY_BYTES; anything else is refused by name."""

    def parse_body(self, request):
        if request.content_type != JSON_CONTENT_TYPE or request.encoding not in (None, "utf-8", "UTF-8"):
            raise UnsupportedMediaType
        if len(request.body) > API_MAX_BODY_BYTES:
            raise PayloadTooLarge
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotUTF8 from error
        return json.loads(text, object_pairs_hook=_refuse_duplicate_keys)


# -- authentication ----------------------------------------------------------------------------------------


class MissingScope(Exception):
    pass


class Throttled(Exception):
    def __init__(self, throttled: throttle.Throttled):
        super().__init__()
        self.throttled = throttled


def _personident_sent(request) -> str | None:
    """The body's identity number when the body is what a look-up sends (a JSON object with 11 ASCII digits under
    "personident"), else None. Only a hint for reading ahead: the parser and the schema still judge the body."""
    # The declared length first: reading an oversized body here would answer 413 before the key's 401.
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if request.content_type != JSON_CONTENT_TYPE or declared > API_MAX_BODY_BYTES:
            return None
        data = json.loads(request.body)
    except (ValueError, RequestDataTooBig):
        return None
    value = data.get("personident") if isinstance(data, dict) else None
    return value if isinstance(value, str) and _ELEVEN_DIGITS.fullmatch(value) else None


_READ_AHEAD = "_sikkerhetstiltak_read_ahead"


def _reader(request):
    """For a look-up, read the key, the citizen and the measures in one query (lookup.key_and_citizen); the view
    takes the citizen only once the key has passed. Anything else reads the key alone."""
    personident = _personident_sent(request)
    if personident is None:
        return None

    def read(prefix: str) -> ApiKey | None:
        found = lookup.key_and_citizen(prefix=prefix, personident=personident)
        setattr(request, _READ_AHEAD, found)
        return found.api_key

    return read


def _citizen_with_measures(request, personident: str):
    found = getattr(request, _READ_AHEAD, None)
    if found is not None and found.personident == personident:
        return found.citizen, found.measures
    return lookup.citizen_with_measures(personident=personident)


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
        api_key = core_services.api_key_authenticate(key=token, read=_reader(request))
        if api_key is None:
            return None
        if not api_key.has_scope(self.scope):
            raise MissingScope
        # Counted per key once it is known: an unknown key costs no counter.
        if throttled := throttle.api_hit(request, api_key_id=api_key.pk):
            raise Throttled(throttled)
        return api_key


# -- the API -----------------------------------------------------------------------------------------------

class ProblemAPI(NinjaAPI):
    """The schema states what the API answers: errors as application/problem+json, and their headers."""

    HEADERS = {
        "401": {"WWW-Authenticate": {"description": "Bearer realm.", "schema": {"type": "string"}}},
        "405": {"Allow": {"description": "The methods the path takes.", "schema": {"type": "string"}}},
        "429": {"Retry-After": {"description": "Seconds until the key may call again.",
                                "schema": {"type": "integer", "minimum": 1}}},
    }

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
                    if str(status) in self.HEADERS:
                        response["headers"] = self.HEADERS[str(status)]
        return schema


api = ProblemAPI(
    title="NAV sikkerhetstiltak",
    version="1",
    description=(
        "Security measures (exclusion and phone restriction) in force today, in the shape of PDL's "
        "Sikkerhetstiltak. One key per integrating system, sent as `Authorization: Bearer <key>`."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
    parser=StrictJSONParser(),
)

PROBLEM_TYPES = {
    400: "invalid-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    413: "payload-too-large", 415: "unsupported-media-type", 429: "too-many-requests",
}


def _problem(request, status: int, title: str, detail: str, errors: list[dict] | None = None, headers=None):
    body = {
        "type": PROBLEM_TYPE + PROBLEM_TYPES.get(status, "error"),
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


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    with translation.override("en"):
        return _problem(
            request, 429, _("Too many requests"),
            _("The key has made more than %(limit)s calls in the current window; retry after %(seconds)s seconds.")
            % {"limit": exc.throttled.limit, "seconds": exc.throttled.retry_after},
            headers={"Retry-After": str(exc.throttled.retry_after)},
        )


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _payload_too_large(request)


def _payload_too_large(request):
    with translation.override("en"):
        return _problem(request, 413, _("Payload too large"),
                        _("The request body may be at most %(bytes)s bytes.") % {"bytes": API_MAX_BODY_BYTES})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Ninja wraps what the parser raises in a 400; the cause says what was wrong.
    cause = exc.__cause__
    with translation.override("en"):
        if isinstance(cause, UnsupportedMediaType):
            return _problem(request, 415, _("Unsupported media type"),
                            _("Send the body as application/json in UTF-8."))
        if isinstance(cause, PayloadTooLarge | RequestDataTooBig):
            return _payload_too_large(request)
        if isinstance(cause, DuplicateKey):
            errors = [{"field": str(cause.args[0])[:100],
                       "message": _("The request body names the same key more than once.")}]
            return _problem(request, 400, _("Invalid request"), errors[0]["message"], errors)
        if isinstance(cause, NotUTF8):
            errors = [{"field": "body", "message": _("The request body is not valid UTF-8.")}]
            return _problem(request, 400, _("Invalid request"), errors[0]["message"], errors)
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
        "tiltakstype": measure.pdl_code,
        "beskrivelse": BESKRIVELSE[measure.pdl_code],
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
    response={200: SikkerhetstiltakResponse, 400: Problem, 401: Problem, 403: Problem, 405: Problem, 413: Problem,
              415: Problem, 429: Problem},
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
    citizen, measures = _citizen_with_measures(request, payload.personident)
    if citizen is None:
        return {"personident": payload.personident, "sikkerhetstiltak": []}
    core_services.audit_log_record(
        actor=None,
        system=api_key.system,
        citizen=citizen,
        action="api.sikkerhetstiltak",
        message=gettext_lazy("Security measures sent to %(system)s"),
        message_args={"system": api_key.system},
        request=request,
    )
    return {"personident": citizen.personident, "sikkerhetstiltak": [_pdl_shape(m) for m in measures if m.pdl_code]}
