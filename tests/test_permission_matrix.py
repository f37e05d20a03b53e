"""Every URL pattern against every role: a new view without an access rule fails here."""

import datetime
import hashlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nav_sikkerhet.core.models import Role

from .factories import CitizenFactory, UnitFactory, UserFactory, assign_role

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ALL_ROLES = [role.value for role in Role]
LEADERS = {Role.ENHETSLEDER.value, Role.STEDFORTREDER.value}
ACTORS = [ANONYMOUS, SUPERUSER, *ALL_ROLES]


def expect(default: int, anonymous: int = 302, superuser: int = 200, **roles: int) -> dict[str, int]:
    answers = {role: roles.get(role, default) for role in ALL_ROLES}
    answers[ANONYMOUS] = anonymous
    answers[SUPERUSER] = superuser
    return answers


DECISION_VIEWERS = LEADERS | {Role.SAKSBEHANDLER.value, Role.SIKKERHETSANSVARLIG.value}
DECISION_PREPARERS = LEADERS | {Role.SAKSBEHANDLER.value}
RECEPTION_LIST_VIEWERS = DECISION_VIEWERS | {Role.MOTTAK.value, Role.KONTAKTSENTER.value}
LOOKUP_ROLES = LEADERS | {Role.MOTTAK.value, Role.KONTAKTSENTER.value}
BREACH_REGISTRARS = LOOKUP_ROLES | DECISION_PREPARERS  # look-up in a covered unit, or preparing in the deciding one
INCIDENT_REGISTRARS = LEADERS | {Role.SAKSBEHANDLER.value, Role.MOTTAK.value, Role.KONTAKTSENTER.value,
                                 Role.HMS.value, Role.VERNEOMBUD.value}
INCIDENT_VIEWERS = LEADERS | {Role.HMS.value, Role.VERNEOMBUD.value, Role.SIKKERHETSANSVARLIG.value}
INCIDENT_REVIEWERS = LEADERS | {Role.HMS.value}
ROS_VIEWERS = LEADERS | {Role.HMS.value, Role.VERNEOMBUD.value, Role.SIKKERHETSANSVARLIG.value}
ROS_MAINTAINERS = LEADERS | {Role.HMS.value, Role.VERNEOMBUD.value}
# Exposed staff's sick leave, BHT and debrief: the unit's head, acting head and HMS (and the person themself).
HEALTH_READERS = LEADERS | {Role.HMS.value}
# A written warning's archived letter: those who record warnings, and those who see the unit's incidents or decisions.
WARNING_LETTER_READERS = INCIDENT_REVIEWERS | DECISION_PREPARERS | INCIDENT_VIEWERS | DECISION_VIEWERS
# Right of access: the leaders for their own units, the privacy officer for every unit.
INNSYN_ROLES = LEADERS | {Role.PERSONVERN.value}


def only(roles, ok: int = 200) -> dict[str, int]:
    return expect(404, **dict.fromkeys(roles, ok))


# GET answers per URL name. 302 for anonymous means "sent to the login page".
MATRIX: dict[str, dict[str, int]] = {
    "healthz": expect(200, anonymous=200),
    "login": expect(302, anonymous=200, superuser=302),  # logged-in users are sent on to the start page
    "logout": expect(405, anonymous=405, superuser=405),  # POST only
    "set_language": expect(302, anonymous=302, superuser=302),  # POST-only view redirects a GET back
    "core:start": expect(200),
    # Sign-in with NAV's Entra ID: 404 while OIDC is not configured, as here; tests/core/test_oidc_*.py drive
    # both with a provider. The no-role page sends everyone who holds a role (or is superuser) to the start page.
    "oidc_authentication_init": expect(404, anonymous=404, superuser=404),
    "oidc_authentication_callback": expect(404, anonymous=404, superuser=404),
    "core:no_role": expect(302, superuser=302),
    "core:access_report": only(INNSYN_ROLES),
    "core:citizen_export": only(INNSYN_ROLES),
    "core:reminder_done": expect(405, superuser=405),  # POST only; a stranger's reminder answers 404
    # Retention: the privacy officer's upcoming removals; a hold placed by the unit's leader or the privacy officer.
    "core:retention_upcoming": only({Role.PERSONVERN.value}),
    "core:retention_hold": only(LEADERS | {Role.PERSONVERN.value}),
    "utestenging:overview": only(DECISION_VIEWERS),
    "utestenging:create": only(DECISION_PREPARERS),
    "utestenging:risk_check": only(INCIDENT_REGISTRARS),  # everyone who meets citizens, before a meeting
    "utestenging:detail": only(DECISION_VIEWERS),
    "utestenging:edit": only(DECISION_PREPARERS),
    "utestenging:notice": only(DECISION_PREPARERS),
    "utestenging:sign": only(LEADERS) | {SUPERUSER: 404},  # the guideline names the leader, not an admin
    "utestenging:sign_preview": only(LEADERS) | {SUPERUSER: 404},  # what the leader is about to sign
    "utestenging:lift": only(LEADERS) | {SUPERUSER: 404},  # the guideline names the leader, not an admin
    "utestenging:drop": only(LEADERS) | {SUPERUSER: 404},  # the guideline names the leader, not an admin
    "utestenging:registration": only(DECISION_PREPARERS),
    "utestenging:delivery": only(DECISION_PREPARERS),
    "utestenging:complaint": only(DECISION_PREPARERS),
    "utestenging:complaint_answer": only(LEADERS) | {SUPERUSER: 404},  # the guideline names the leader, not an admin
    # POST-only actions: a GET is refused as a method for everyone logged in.
    "utestenging:mark_ready": expect(405, superuser=405),
    "utestenging:reopen": expect(405, superuser=405),
    "utestenging:extend": expect(405, superuser=405),
    # Letters: the status page and the archived file follow the decision; a retry is a POST.
    "utestenging:letter_status": only(DECISION_VIEWERS),
    "utestenging:letter_download": only(DECISION_VIEWERS),
    "utestenging:letter_retry": expect(405, superuser=405),
    # The reception list of a unit: reception (look-up) and everyone who sees the unit's decisions.
    "utestenging:reception_list": only(RECEPTION_LIST_VIEWERS),
    "utestenging:reception_list_pdf": only(RECEPTION_LIST_VIEWERS),
    # The reception look-up; a breach is registered on an active decision covering the unit.
    "mottak:search": only(LOOKUP_ROLES),
    "mottak:person": only(LOOKUP_ROLES),
    "mottak:breach": only(BREACH_REGISTRARS),
    "mottak:breach_done": only(BREACH_REGISTRARS),
    "mottak:breach_incident": expect(405, superuser=405),  # POST only: opens the incident form pre-filled
    # Incidents: everyone who registers sees the list (their own registrations at least); details, the review,
    # statistics and the export for the unit's leaders, HMS, the safety representative and the security officer.
    "hendelser:list": only(INCIDENT_REGISTRARS | INCIDENT_VIEWERS),
    "hendelser:create": only(INCIDENT_REGISTRARS),
    "hendelser:export": only(INCIDENT_VIEWERS),
    "hendelser:statistics": only(INCIDENT_VIEWERS),
    "hendelser:review_index": only(INCIDENT_VIEWERS, ok=302) | {SUPERUSER: 302},  # one unit: straight to its review
    "hendelser:review": only(INCIDENT_VIEWERS),
    "hendelser:detail": only(INCIDENT_VIEWERS),
    "hendelser:edit": only(INCIDENT_REVIEWERS),  # the reporter too, until it is reviewed (tests/hendelser)
    "hendelser:measure": only(INCIDENT_REVIEWERS),
    "hendelser:close": only(INCIDENT_REVIEWERS),
    "hendelser:follow_up": only(INCIDENT_REVIEWERS),
    "hendelser:reopen": only(INCIDENT_REVIEWERS),  # the form asks why; the service refuses an open incident
    "hendelser:propose": only(INCIDENT_REVIEWERS),
    "hendelser:proposal_outcome": only(LEADERS),  # the head of unit rejects or records the outcome
    # A proposed warning is registered by those who record warnings and see the incident.
    "hendelser:proposal_warning": only(INCIDENT_REVIEWERS),
    # The outcome with the police of a reported incident, also once it is closed.
    "hendelser:police_outcome": only(INCIDENT_REVIEWERS),
    "hendelser:police": only(INCIDENT_VIEWERS),
    "hendelser:warning_letter": only(WARNING_LETTER_READERS),
    "hendelser:warning_letter_download": only(WARNING_LETTER_READERS),
    "hendelser:warning_letter_retry": expect(405, superuser=405),  # POST only
    # ROS analyses: read by the unit's leaders, HMS, the safety representative and the region's security officer;
    # maintained by all of them but the security officer; approved by the leader.
    "risiko:index": only(ROS_VIEWERS),
    "risiko:create": only(ROS_MAINTAINERS),
    "risiko:import": only(ROS_MAINTAINERS),
    "risiko:detail": only(ROS_VIEWERS),
    "risiko:pdf": only(ROS_VIEWERS),
    "risiko:zones_css": only(ROS_VIEWERS),
    "risiko:export_json": only(ROS_VIEWERS),
    "risiko:measures_csv": only(ROS_VIEWERS),
    "risiko:edit": only(ROS_MAINTAINERS),
    "risiko:event_add": only(ROS_MAINTAINERS),
    "risiko:event_edit": only(ROS_MAINTAINERS),
    "risiko:measure_add": only(ROS_MAINTAINERS),
    # The confirmation page and the acceptance of a risk are the leader's (a superuser account alone is not enough).
    "risiko:approve": expect(404, superuser=404, **dict.fromkeys(LEADERS, 200)),
    "risiko:risk_accept": expect(404, superuser=404, **dict.fromkeys(LEADERS, 200)),
    "risiko:event_confirm": expect(405, superuser=405),
    "risiko:revise": expect(405, superuser=405),
    "risiko:move_matrix": expect(405, superuser=405),  # POST only: tests/risiko/test_views.py tries it per role
    "risiko:cause_add": expect(405, superuser=405),
    "risiko:event_delete": expect(405, superuser=405),
    "risiko:measure_status": expect(405, superuser=405),
    # The API is not session-based: the schema is public, and the one operation is POST with a key.
    "api:openapi-json": expect(200, anonymous=200),
    "api:api-root": expect(404, anonymous=404, superuser=404),  # django-ninja's base path, needed to reverse it
    "api:sikkerhetstiltak": expect(405, anonymous=405, superuser=405),
}
# The risk check is about a person, like the look-up's person page: not tied to one unit's object.
OBJECT_URLS = sorted(name for name in MATRIX if name.startswith("utestenging:")
                     and name not in ("utestenging:overview", "utestenging:create", "utestenging:risk_check")) + [
                         "mottak:breach",
                                                                                      "mottak:breach_done"]
INCIDENT_OBJECT_URLS = ["hendelser:review", "hendelser:detail", "hendelser:edit", "hendelser:measure",
                        "hendelser:close", "hendelser:follow_up", "hendelser:reopen", "hendelser:propose",
                        "hendelser:proposal_outcome", "hendelser:proposal_warning", "hendelser:police_outcome"]
OBJECT_URLS += INCIDENT_OBJECT_URLS
ROS_OBJECT_URLS = sorted(name for name in MATRIX if name.startswith("risiko:")
                         and name not in ("risiko:index", "risiko:create", "risiko:import"))
OBJECT_URLS += ROS_OBJECT_URLS


def url_kwargs(name: str, objects: dict) -> dict:
    """The arguments each URL needs, from objects made in the actor's unit."""
    if name == "core:reminder_done":
        return {"reminder_id": 1}
    if name == "core:retention_hold":
        return {"model_name": "decision", "public_id": objects["decision"].public_id}
    if name in ("mottak:person", "utestenging:risk_check"):
        return {"public_id": objects["decision"].citizen.public_id}
    if name in ("mottak:breach", "mottak:breach_done", "mottak:breach_incident"):
        return {"public_id": objects["active" if name == "mottak:breach" else "breach"].public_id}
    if name.startswith("hendelser:warning_letter"):
        return {"letter_id": objects["warning_letter"].pk}
    if name not in OBJECT_URLS:
        return {}
    if name == "hendelser:review":
        return {"unit_number": objects["unit"].number}
    if name in ROS_OBJECT_URLS:
        kwargs = {"analysis_id": objects["analysis"].pk}
        if name in ("risiko:event_edit", "risiko:event_delete", "risiko:measure_add", "risiko:event_confirm",
                    "risiko:risk_accept"):
            kwargs["event_id"] = objects["ros_event"].pk
        if name == "risiko:measure_status":
            kwargs["measure_id"] = objects["ros_measure"].pk
        return kwargs
    if name in INCIDENT_OBJECT_URLS:
        kwargs = {"public_id": objects["incident"].public_id}
        if name == "hendelser:follow_up":
            kwargs["exposed_id"] = objects["exposed"].pk
        if name == "hendelser:proposal_outcome":
            kwargs["proposal_id"] = objects["proposal"].pk
        if name == "hendelser:proposal_warning":
            kwargs["proposal_id"] = objects["warning_proposal"].pk
        return kwargs
    if name.startswith("utestenging:reception_list"):
        return {"unit_number": objects["unit"].number}
    kwargs = {"public_id": objects["decision"].public_id}
    if name.startswith("utestenging:letter_"):
        kwargs["letter_id"] = objects["letter"].pk
    if name == "utestenging:edit":
        kwargs["step"] = "grunnlag"
    if name == "utestenging:complaint_answer":
        kwargs["complaint_id"] = objects["complaint"].pk
    return kwargs
# The admin is one rule: only staff accounts get in; everyone else is sent to its login.
ADMIN_NAMESPACE = "admin"
ADMIN_EXPECT = expect(302, anonymous=302, superuser=200)


def _named_patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield pattern, namespace, name


def test_every_url_pattern_has_an_access_rule():
    missing = []
    for pattern, namespace, name in _named_patterns(get_resolver().url_patterns):
        if namespace == ADMIN_NAMESPACE:
            continue
        if name not in MATRIX:
            missing.append(name or str(pattern.pattern))
    assert not missing, f"URL patterns without an entry in the permission matrix: {missing}"


def test_matrix_names_all_resolve():
    known = {name for _, _, name in _named_patterns(get_resolver().url_patterns)}
    assert set(MATRIX) <= known


@pytest.fixture
def unit_objects(db):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from utestenging.models import Breach, Decision, Letter, ServiceComplaint

    unit = UnitFactory(number="0315", name="NAV Grünerløkka")
    creator = UserFactory(username="matrix_creator")
    decision = Decision.objects.create(citizen=CitizenFactory(), unit=unit, kind="FYUS", created_by=creator)
    complaint = ServiceComplaint.objects.create(decision=decision, received_on=datetime.date.today(),
                                                from_whom="Bruker", summary="Klage", registered_by=creator)
    pdf = b"%PDF-1.7 matrix"
    letter = Letter.objects.create(
        decision=decision, kind="decision", language="nb", status="ready", created_by=creator,
        file=default_storage.save(f"letters/{decision.public_id}/decision.pdf", ContentFile(pdf)),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    active = Decision.objects.create(
        citizen=CitizenFactory(), unit=unit, kind="FYUS", created_by=creator, status="active", signed_by=creator,
        signed_at=timezone.now(), valid_from=timezone.localdate(), valid_to=timezone.localdate(),
    )
    active.covered_units.add(unit)
    breach = Breach.objects.create(decision=active, occurred_at=timezone.now(), channel="in_person",
                                   description="Kom likevel", asked_to_leave=True, police_called=False,
                                   registered_by=creator, unit=unit)
    from hendelser.models import ExposedPerson, Incident

    incident = Incident.objects.create(unit=unit, occurred_at=timezone.now(), channel="phone", category="threat",
                                       description="Trussel", perpetrator="citizen", citizen=active.citizen,
                                       # As in the demo data: other categories, which once broke the export.
                                       other_categories=["verbal", "harassment"], registered_by=creator,
                                       police_reported=True, police_reported_on=timezone.localdate(),
                                       police_reference="12345678")
    exposed = ExposedPerson.objects.create(incident=incident, name="Ansatt", employer="state")
    from hendelser.models import Proposal

    proposal = Proposal.objects.create(incident=incident, kind="two_in_meeting", proposed_on=datetime.date.today(),
                                       proposed_by=creator)
    from hendelser.models import CitizenWarning, WarningLetter

    warning = CitizenWarning.objects.create(citizen=active.citizen, unit=unit, given_on=datetime.date.today(),
                                            form="written", registered_by=creator)
    warning_letter = WarningLetter.objects.create(
        warning=warning, language="nb", status="ready", created_by=creator,
        file=default_storage.save(f"letters/warnings/{active.citizen.public_id}/1.pdf", ContentFile(pdf)),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    warning_proposal = Proposal.objects.create(incident=incident, kind="warning_oral",
                                               proposed_on=datetime.date.today(), proposed_by=creator)
    from risiko import services as ros_services
    from risiko.models import Analysis, Event
    from risiko.models import Measure as RosMeasure

    analysis = Analysis.objects.create(unit=unit, title="ROS", analysis_date=datetime.date.today(),
                                       matrix=ros_services.matrix_current_version(ros_services.matrix_default()))
    ros_event = Event.objects.create(analysis=analysis, category="threats", title="Trusler", probability=3,
                                     consequence=3)
    ros_measure = RosMeasure.objects.create(event=ros_event, kind="preventive", description="Rutine",
                                            responsible=creator, due_on=datetime.date.today())
    return {"unit": unit, "decision": decision, "complaint": complaint, "letter": letter, "active": active,
            "breach": breach, "incident": incident, "exposed": exposed, "proposal": proposal, "analysis": analysis,
            "warning_proposal": warning_proposal,
            "ros_event": ros_event, "ros_measure": ros_measure, "warning_letter": warning_letter}


@pytest.fixture
def actor_client(client, unit_objects):
    unit = unit_objects["unit"]

    def login_as(actor: str):
        if actor == ANONYMOUS:
            return client
        if actor == SUPERUSER:
            user = UserFactory(username="matrix_super", is_staff=True, is_superuser=True)
        else:
            user = UserFactory(username=f"matrix_{actor}")
            assign_role(user, unit, actor)
        client.force_login(user)
        return client

    return login_as


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_expected(actor_client, unit_objects, name, actor):
    response = actor_client(actor).get(reverse(name, kwargs=url_kwargs(name, unit_objects)))
    assert response.status_code == MATRIX[name][actor], f"{name} as {actor}"
    # Nothing the app answers may be kept by a browser or proxy: pages, files and errors alike.
    assert "no-store" in response.get("Cache-Control", ""), f"{name} as {actor} may be cached"


# Every file the app exports by GET, in each of its formats.
EXPORTS = [("hendelser:export", {"format": "csv"}), ("hendelser:export", {"format": "xlsx"}),
           ("hendelser:export", {"format": "xlsx", "category": "threat", "status": "registered"}),
           ("risiko:export_json", {}), ("risiko:measures_csv", {}), ("utestenging:reception_list_pdf", {}),
           ("utestenging:letter_download", {})]


@pytest.mark.parametrize("actor", ACTORS)
def test_every_export_answers_each_role_without_an_error(actor_client, unit_objects, actor):
    client = actor_client(actor)
    for name, params in EXPORTS:
        response = client.get(reverse(name, kwargs=url_kwargs(name, unit_objects)), params)
        assert response.status_code == MATRIX[name][actor], f"{name} {params} as {actor}"
        if response.status_code == 200:
            assert b"".join(response) if response.streaming else response.content, f"{name} as {actor} is empty"


FOREIGN_METHODS = ["put", "patch", "delete", "options", "trace"]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_methods_no_view_handles_answer_405_and_write_no_audit_line(actor_client, unit_objects, name):
    from nav_sikkerhet.core.models import AuditLogEntry

    client = actor_client(Role.ENHETSLEDER.value)
    url = reverse(name, kwargs=url_kwargs(name, unit_objects))
    for method in FOREIGN_METHODS:
        response = getattr(client, method)(url)
        assert response.status_code == 405, f"{method.upper()} {name}"
        assert "no-store" in response.get("Cache-Control", "")
    assert not AuditLogEntry.objects.exists()


@pytest.mark.parametrize("actor", [a for a in ACTORS if a not in (ANONYMOUS, SUPERUSER)])
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_objects_of_another_unit_answer_404(client, unit_objects, name, actor):
    other_unit = UnitFactory(number="1203", name="NAV Årstad", region="Vestland", municipality_number="4601")
    user = UserFactory(username=f"other_{actor}")
    assign_role(user, other_unit, actor)
    client.force_login(user)
    response = client.get(reverse(name, kwargs=url_kwargs(name, unit_objects)))
    assert response.status_code == (405 if MATRIX[name][actor] == 405 else 404)


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_only_for_staff_accounts(actor_client, actor):
    response = actor_client(actor).get(reverse("admin:index"))
    assert response.status_code == ADMIN_EXPECT[actor]
    if response.status_code == 302:
        assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("actor", [ANONYMOUS, Role.ENHETSLEDER.value])
def test_head_is_answered_wherever_get_is(actor_client, unit_objects, actor):
    """HEAD gets GET's status and headers, without the body, on every URL (healthz included)."""
    client = actor_client(actor)
    differ = {}
    for name in sorted(MATRIX):
        url = reverse(name, kwargs=url_kwargs(name, unit_objects))
        get, head = client.get(url), client.head(url)
        body = b"".join(head.streaming_content) if head.streaming else head.content
        if get.streaming:
            b"".join(get.streaming_content)
        if (head.status_code, head.get("Content-Type")) != (get.status_code, get.get("Content-Type")) or body:
            differ[name] = (get.status_code, head.status_code)
    assert differ == {}


def test_head_writes_its_audit_line_as_head(actor_client, unit_objects):
    from nav_sikkerhet.core.models import AuditLogEntry

    client = actor_client(Role.ENHETSLEDER.value)
    response = client.head(reverse("hendelser:detail", kwargs=url_kwargs("hendelser:detail", unit_objects)))
    assert response.status_code == 200 and response.content == b""
    [line] = AuditLogEntry.objects.all()
    assert (line.action, line.request_method) == ("incident.view", "HEAD")


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != ANONYMOUS])
def test_exposed_staff_health_data_only_on_need_to_know(actor_client, unit_objects, actor):
    from django.utils import translation

    from hendelser.models import Bht

    exposed = unit_objects["exposed"]
    exposed.bht = Bht.REFERRED
    exposed.save()
    url = reverse("hendelser:detail", kwargs=url_kwargs("hendelser:detail", unit_objects))
    response = actor_client(actor).get(url)
    if MATRIX["hendelser:detail"][actor] != 200:
        assert response.status_code == 404
        return
    shown = [health for _person, health in response.context["exposed"]]
    assert shown == [actor in HEALTH_READERS | {SUPERUSER}], actor
    with translation.override("nb"):  # the page's language
        label = str(Bht.REFERRED.label)
    assert (label in response.content.decode()) == (actor in HEALTH_READERS | {SUPERUSER})
