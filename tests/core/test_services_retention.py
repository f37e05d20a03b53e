"""The retention run: with the clock moved past every period, nothing about the expired cases is left in any
table (history included) or file, everything about the held ones is; the numbers stay; a dry run and a second
run change nothing."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from freezegun import freeze_time

from hendelser import counts
from hendelser import selectors as incident_selectors
from hendelser.models import (
    CitizenWarning,
    Incident,
    Perpetrator,
    ReviewMeeting,
    WarningForm,
    WarningLetter,
    WarningLetterStatus,
)
from hendelser.models import Status as IncidentStatus
from hendelser.statistics import statistics_page
from nav_sikkerhet.core import retention, services
from nav_sikkerhet.core.models import AuditLogEntry, Citizen, RetentionHold, Role
from tests.core.retention_search import files_holding as _files_holding
from tests.core.retention_search import identifiers as _identifiers
from tests.core.retention_search import tables_holding as _tables_holding
from tests.factories import CitizenFactory
from tests.hendelser.factories import ExposedPersonFactory, IncidentFactory
from tests.utestenging.factories import ComplaintFactory, FactFactory, RegistrationFactory, signed_decision
from utestenging.models import (
    ContactKind,
    ContactPlace,
    Decision,
    Letter,
    LetterKind,
    LetterStatus,
    Recommendation,
    RegistrationKind,
    RiskCheck,
    Status,
)

DAY = datetime.timedelta(days=1)
LONGEST = max(kind.days for kind in retention.KINDS.values())
HOLD_DAYS = LONGEST + 400


@pytest.fixture
def cases(unit, leader, staff_with_role):
    """Two citizens with an ended measure (letter in the archive, answered complaint), a closed incident with
    exposed staff, reviewed in a meeting and cited by the measure, a warning and audit lines; the second
    citizen's decision is on hold, which keeps the incident it rests on."""
    caseworker = staff_with_role(Role.SAKSBEHANDLER, unit, username="saksbehandler_ret")
    today = timezone.localdate()
    people = []
    for n, address in enumerate(("Sletteveien 11", "Holdeveien 22")):
        citizen = CitizenFactory(name=f"Retensjon Personsen{n}", address=address)
        decision = signed_decision(
            signed_by=leader, unit=unit, citizen=citizen, created_by=caseworker, status=Status.EXPIRED,
            valid_from=today - 60 * DAY, days=28, signed_on=today - 60 * DAY,
            statement=f"Uttalelse fra {citizen.name}, {address}",
        )
        RegistrationFactory(decision=decision, kind=RegistrationKind.ARCHIVE, reference="2026/777", done_by=leader)
        ComplaintFactory(decision=decision, registered_by=caseworker, answered_on=today - 20 * DAY,
                         answered_by=leader, summary=f"Klage fra {citizen.name}", from_whom=citizen.name)
        name = default_storage.save(f"letters/{decision.public_id}/vedtak.pdf",
                                    ContentFile(f"%PDF {citizen.name} {citizen.personident} {address}".encode()))
        Letter.objects.create(decision=decision, kind=LetterKind.DECISION, language="nb", file=name,
                              status=LetterStatus.READY, sha256="0" * 64, created_by=caseworker)
        incident = IncidentFactory(unit=unit, perpetrator=Perpetrator.CITIZEN, citizen=citizen,
                                   description=f"{citizen.name} truet saksbehandler", registered_by=caseworker,
                                   occurred_at=timezone.now() - 30 * DAY)
        ExposedPersonFactory(incident=incident, name="Sara Utsatt", sick_leave=True,
                             follow_up_note="Sykmeldt to uker, henvist til BHT")
        Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.CLOSED, closed_at=timezone.now() - DAY,
                                                       lessons_learned="Alarm testes ukentlig.")
        warning = CitizenWarning.objects.create(
            citizen=citizen, unit=unit, given_on=today - 40 * DAY, form=WarningForm.WRITTEN,
            note=f"Advart {citizen.name}", incident=incident, registered_by=caseworker)
        letter_name = default_storage.save(f"warnings/{warning.pk}/advarsel.pdf",
                                           ContentFile(f"%PDF {citizen.name} {citizen.personident}".encode()))
        WarningLetter.objects.create(warning=warning, language="nb", status=WarningLetterStatus.READY,
                                     file=letter_name, sha256="0" * 64, created_by=caseworker)
        meeting = ReviewMeeting.objects.create(unit=unit, held_on=today - 2 * DAY, attendees="Leder, verneombud",
                                               notes=f"Gjennomgikk hendelsen med {citizen.name}", created_by=leader)
        Incident.objects.filter(pk=incident.pk).update(
            police_reference=f"POL-{citizen.personident[-5:]}", reopened_reason=f"Ny opplysning: {address}",
            review_meeting=meeting)
        # What the advance notice said keeps the facts' text, and a fact cites the incident.
        FactFactory(decision=decision, incident=incident, description=f"{citizen.name} truet saksbehandler")
        Decision.objects.filter(pk=decision.pk).update(
            noticed_content={"facts": [[str(today), f"{citizen.name} truet saksbehandler"]]})
        services.audit_log_record(actor=caseworker, citizen=citizen, action="decision.view", message="Vist vedtak")
        RiskCheck.objects.create(
            citizen=citizen, unit=unit, planned_on=today - 50 * DAY, kind=ContactKind.MEETING, place=ContactPlace.HOME,
            alarm_available=False, police_informed=False, measures_in_force=0, incidents_24_months=1,
            recommendation=Recommendation.TWO_STAFF, reasons=["incident"], created_by=caseworker)
        people.append((citizen, decision, incident))
    # Written directly: the hold runs past the frozen clock below, longer than the service allows.
    RetentionHold.objects.create(record=people[1][1], reason="Saken er hos Sivilombudsmannen", placed_by=leader,
                                 until=today + HOLD_DAYS * DAY)
    return people


def _numbers(user, unit, today):
    since = today - 365 * DAY
    return (
        counts.live(Incident.objects.all()),
        incident_selectors.incident_counts_by_category(unit_ids=[unit.pk], since=since, until=today),
        statistics_page(user=user, params={}, today=today).tables,
        list(Decision.objects.order_by("pk").values_list("unit_id", "kind", "status", "valid_from", "valid_to")),
    )


@pytest.mark.django_db
def test_past_every_period_the_expired_case_is_gone_everywhere_the_held_one_stays_and_the_numbers_too(
    cases, unit, leader, django_capture_on_commit_callbacks,
):
    if connection.vendor != "postgresql":
        pytest.skip("searching every table's rows as text needs PostgreSQL")
    (gone, gone_decision, gone_incident), (held, held_decision, held_incident) = cases
    later = timezone.now() + (LONGEST + 5) * DAY
    with freeze_time(later):
        today = timezone.localdate()
        before = _numbers(leader, unit, today)
        tables_before = {text: _tables_holding(text) for text in _identifiers(gone)}
        assert all(tables_before.values())  # the search finds them to begin with

        dry = services.retention_run(dry_run=True)
        assert dry["decisions"] == 1 and dry["incidents"] == 1 and dry["staff_follow_up"] == 1
        assert {text: _tables_holding(text) for text in _identifiers(gone)} == tables_before
        assert not AuditLogEntry.objects.filter(action__startswith="retention.").exists()

        with django_capture_on_commit_callbacks(execute=True):
            done = services.retention_run()
        # The dry run counts each kind as things stand: the citizen left with nothing only once the run is done.
        assert done == {**dry, "citizens": 1}
        assert services.retention_run() == dict.fromkeys(retention.KINDS, 0)  # the second run is a no-op
        assert _numbers(leader, unit, today) == before

    for text in _identifiers(gone):
        assert _tables_holding(text) == [], text
        assert _files_holding(text) == [], text
    for text in _identifiers(held):
        assert {"core_citizen", "core_historicalcitizen"} <= set(_tables_holding(text)), text
    assert {"utestenging_decision", "utestenging_historicaldecision", "utestenging_servicecomplaint",
            "utestenging_fact", "hendelser_incident", "hendelser_citizenwarning",
            "hendelser_reviewmeeting"} <= set(_tables_holding(held.name))
    assert "core_auditlogentry" in _tables_holding(held.personident)
    assert _files_holding(held.name)
    assert not Citizen.objects.filter(pk=gone.pk).exists()
    gone_decision.refresh_from_db()
    gone_incident.refresh_from_db()
    assert gone_decision.citizen is None and gone_decision.anonymised_at and gone_decision.statement == ""
    assert gone_incident.citizen is None and gone_incident.description == "" and not gone_incident.exposed.exists()
    held_incident.refresh_from_db()
    assert held_incident.citizen == held and held_incident.exposed.count() == 1
    assert _tables_holding(f"POL-{gone.personident[-5:]}") == []
    assert held_incident.police_reference == f"POL-{held.personident[-5:]}"
    assert not WarningLetter.objects.filter(warning__incident=gone_incident).exists()
    assert WarningLetter.objects.filter(warning__citizen=held).exists()
    # A risk check about the held case's citizen waits with the case; the other citizen's went with its period.
    assert list(RiskCheck.objects.values_list("citizen_id", flat=True)) == [held.pk]


@pytest.mark.django_db
def test_each_real_run_writes_one_audit_line_per_kind_with_its_count_and_no_person(cases):
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY):
        counted = services.retention_run()
    lines = AuditLogEntry.objects.filter(action__startswith="retention.")
    assert sorted(lines.values_list("action", flat=True)) == sorted(f"retention.{key}" for key in retention.KINDS)
    assert all(line.personident == "" and line.citizen_id is None for line in lines)
    decisions = lines.get(action="retention.decisions")
    assert f"{counted['decisions']} " in decisions.message
    for citizen, *_ in cases:
        assert not lines.filter(message__contains=citizen.name).exists()


@pytest.mark.django_db
def test_nothing_goes_before_its_period_and_an_unarchived_letter_waits(cases):
    (gone, gone_decision, _), _ = cases
    assert sum(services.retention_run(dry_run=True).values()) == 0
    gone_decision.registrations.all().delete()
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY):
        counted = services.retention_run()
    assert counted["decisions"] == 0
    gone_decision.refresh_from_db()
    assert gone_decision.citizen == gone


@pytest.mark.django_db
def test_the_command_lists_what_would_go_on_a_dry_run_and_changes_nothing(cases):
    out = io.StringIO()
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY):
        call_command("apply_retention", "--dry-run", stdout=out)
    assert "decisions=1 " in out.getvalue() and "dry run: nothing changed" in out.getvalue()
    assert Decision.objects.filter(anonymised_at__isnull=False).count() == 0
    assert not AuditLogEntry.objects.filter(action__startswith="retention.").exists()


@pytest.mark.django_db
def test_a_letters_file_goes_only_when_the_run_commits_and_a_rolled_back_run_keeps_row_and_file(
    cases, django_capture_on_commit_callbacks,
):
    (_, gone_decision, _), _ = cases
    name = gone_decision.letters.get().file.name
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
                transaction.atomic():
            services.retention_run()
            assert default_storage.exists(name)  # emptied in the row, the file still there until commit
            raise RuntimeError("the run failed after the decisions")
        assert callbacks == []
        assert default_storage.exists(name)
        assert gone_decision.letters.get().file.name == name
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retention_run()["decisions"] == 1
    assert not default_storage.exists(name)
    assert not gone_decision.letters.exists()


@pytest.mark.django_db
def test_a_file_no_row_points_to_goes_after_a_day_and_is_counted_once(cases, django_capture_on_commit_callbacks):
    orphan = default_storage.save("letters/left-behind/vedtak.pdf", ContentFile(b"%PDF Retensjon Personsen0"))
    assert services.retention_run(dry_run=True)["media_files"] == 0  # written just now
    with freeze_time(timezone.now() + 2 * DAY):
        assert services.retention_run(dry_run=True)["media_files"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert services.retention_run()["media_files"] == 1
    assert not default_storage.exists(orphan)
    (_, gone_decision, _), (_, held_decision, _) = cases
    assert all(default_storage.exists(d.letters.get().file.name) for d in (gone_decision, held_decision))
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY), django_capture_on_commit_callbacks(execute=True):
        # The letters of the anonymised decision and warning are counted under their own kinds, not again here.
        assert services.retention_run()["media_files"] == 0


def _empty(model, field):
    if field.is_relation:
        return Q(**{f"{field.name}__isnull": True})
    if isinstance(field, models.JSONField):
        return Q(**{field.name: {}}) | Q(**{field.name: []})
    return Q(**{field.name: ""})


@pytest.mark.django_db
def test_an_ended_hold_releases_the_case_at_the_next_run_and_then_every_covered_field_is_empty(
    cases, django_capture_on_commit_callbacks,
):
    (_, _, _), (held, held_decision, held_incident) = cases
    with freeze_time(timezone.now() + (LONGEST + 5) * DAY), django_capture_on_commit_callbacks(execute=True):
        services.retention_run()
    assert Citizen.objects.filter(pk=held.pk).exists()
    with freeze_time(timezone.now() + (HOLD_DAYS + 1) * DAY):
        with django_capture_on_commit_callbacks(execute=True):
            counted = services.retention_run()
        assert counted["decisions"] == 1 and counted["incidents"] == 1 and counted["citizens"] == 1
        assert services.retention_run() == dict.fromkeys(retention.KINDS, 0)
    for text in _identifiers(held):
        assert _tables_holding(text) == [], text
        assert _files_holding(text) == [], text
    # What each kind says it removes is gone from every row; the run's own audit lines and the ended hold (kept a
    # year to explain the late removal) are what is left of the whole-row kinds.
    for entry in {entry for kind in retention.KINDS.values() for entry in kind.covers}:
        app_label, model_name, *field = entry.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            left = model.objects.exclude(_empty(model, model._meta.get_field(field[0])))
            assert not left.exists(), entry
        elif entry not in {"core.AuditLogEntry", "core.RetentionHold"}:
            assert not model.objects.exists(), entry
    assert not AuditLogEntry.objects.exclude(action__startswith="retention.").exists()


@pytest.mark.django_db
def test_a_night_with_nothing_due_still_writes_one_line_per_kind_so_a_missed_night_shows():
    assert services.retention_run() == dict.fromkeys(retention.KINDS, 0)
    lines = AuditLogEntry.objects.filter(action__startswith="retention.")
    assert sorted(lines.values_list("action", flat=True)) == sorted(f"retention.{key}" for key in retention.KINDS)
    assert all(": 0 " in line.message for line in lines)
