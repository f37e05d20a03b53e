"""The look-up selector: what is in force (from the dates alone), what covers the user's unit, what is never read."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from nav_sikkerhet.core import access
from nav_sikkerhet.core.models import AuditLogEntry, Role
from utestenging import lookup
from utestenging.models import ChannelKind, Decision, Status

from ..factories import CitizenFactory, UserFactory
from .factories import ChannelFactory, DecisionFactory, FactFactory
from .lookup_helpers import DAY, contact_centre, measure

pytestmark = pytest.mark.django_db


def _ids(measures):
    return [m.decision_id for m in measures]


# -- in force: status signed or active, today within the period -----------------------------------------------


def test_a_signed_decision_whose_start_has_come_is_in_force_before_the_daily_job_runs(unit, citizen, leader, today):
    lagging = measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.SIGNED, valid_from=today - 3 * DAY)
    assert _ids(lookup.measures_in_force(citizen_id=citizen.pk, today=today)) == [lagging.pk]


def test_an_active_decision_past_its_end_is_not_in_force_before_the_daily_job_runs(unit, citizen, leader, today):
    measure(unit=unit, citizen=citizen, signed_by=leader, status=Status.ACTIVE, valid_from=today - 30 * DAY, days=28)
    assert lookup.measures_in_force(citizen_id=citizen.pk, today=today) == []


@pytest.mark.parametrize("status", [Status.EXPIRED, Status.LIFTED])
def test_ended_decisions_are_not_in_force_even_within_their_dates(unit, citizen, leader, today, status):
    measure(unit=unit, citizen=citizen, signed_by=leader, status=status, valid_from=today - 3 * DAY)
    assert lookup.measures_in_force(citizen_id=citizen.pk, today=today) == []


@pytest.mark.parametrize("status", [Status.DRAFT, Status.NOTICE_SENT, Status.READY, Status.DROPPED])
def test_undecided_cases_are_never_in_force(unit, citizen, caseworker, today, status):
    DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker, status=status,
                    valid_from=today - DAY, valid_to=today + 10 * DAY)
    assert lookup.measures_in_force(citizen_id=citizen.pk, today=today) == []


def test_first_and_last_day_are_in_force_and_the_days_around_are_not(unit, citizen, leader, today):
    decision = measure(unit=unit, citizen=citizen, signed_by=leader, valid_from=today, days=10)
    for day, expected in [(today - DAY, []), (today, [decision.pk]), (decision.valid_to, [decision.pk]),
                          (decision.valid_to + DAY, [])]:
        assert _ids(lookup.measures_in_force(citizen_id=citizen.pk, today=day)) == expected, day


def test_the_query_agrees_with_decision_in_force_on(unit, citizen, leader, caseworker, today):
    """One rule: in_force_q is Decision.in_force_on in SQL, for every status and around the edges."""
    for offset, status in [(-40, Status.ACTIVE), (-5, Status.SIGNED), (0, Status.ACTIVE), (3, Status.SIGNED),
                           (-10, Status.LIFTED), (-10, Status.EXPIRED), (-27, Status.ACTIVE)]:
        measure(unit=unit, citizen=citizen, signed_by=leader, status=status, valid_from=today + offset * DAY)
    DecisionFactory(unit=unit, citizen=citizen, created_by=caseworker, valid_from=today, valid_to=today)
    for day in [today + n * DAY for n in range(-45, 35, 3)]:
        expected = sorted(d.pk for d in Decision.objects.filter(citizen=citizen) if d.in_force_on(day))
        assert sorted(_ids(lookup.measures_in_force(citizen_id=citizen.pk, today=day))) == expected, day


def test_only_the_citizens_own_measures(unit, citizen, leader, today):
    measure(unit=unit, citizen=CitizenFactory(), signed_by=leader)
    assert lookup.measures_in_force(citizen_id=citizen.pk, today=today) == []


# -- what a measure carries ---------------------------------------------------------------------------------


def test_a_measure_carries_period_units_contact_and_channels(unit, other_unit, citizen, leader, today):
    contact = UserFactory(username="kontakt", nav_ident="K123456", first_name="Kari", last_name="Kontakt",
                          phone="55 55 00 00")
    decision = measure(unit=unit, citizen=citizen, signed_by=leader, covered=[unit, other_unit],
                       contact_person=contact)
    ChannelFactory(decision=decision, channel=ChannelKind.WRITTEN, person_name="", phone="", times="",
                   address="Postboks 4, 0130 Oslo")

    [found] = lookup.measures_in_force(citizen_id=citizen.pk, today=today)

    assert (found.kind, found.valid_from, found.valid_to) == ("FYUS", decision.valid_from, decision.valid_to)
    assert found.public_id == decision.public_id and found.case_number == decision.case_number
    assert found.unit.number == unit.number
    assert [u.number for u in found.covered_units] == sorted([unit.number, other_unit.number])
    assert found.contact == lookup.ContactRef(nav_ident="K123456", name="Kari Kontakt", phone="55 55 00 00")
    assert [c.channel for c in found.channels] == [ChannelKind.PHONE, ChannelKind.WRITTEN]
    assert found.channels[1].address == "Postboks 4, 0130 Oslo"


def test_the_responsible_leader_is_the_contact_when_none_is_named(unit, citizen, leader, today):
    measure(unit=unit, citizen=citizen, signed_by=leader)
    [found] = lookup.measures_in_force(citizen_id=citizen.pk, today=today)
    assert found.contact.nav_ident == leader.nav_ident


def test_grounds_facts_and_assessments_are_never_read(unit, citizen, leader, today):
    decision = measure(unit=unit, citizen=citizen, signed_by=leader)
    FactFactory(decision=decision, description="Hemmelig hendelse")
    with CaptureQueriesContext(connection) as queries:
        [found] = lookup.measures_in_force(citizen_id=citizen.pk, today=today)
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    for never in ("grounds", "utestenging_fact", "risk_of_repetition", "case_informed", "statement",
                  "hendelser_citizenwarning", "hendelser_incident"):
        assert never not in sql, never
    fields = {f.name for f in dataclasses.fields(found)}
    assert not fields & {"grounds", "facts", "warnings", "statement", "incidents"}


# -- covering the user's unit -------------------------------------------------------------------------------


def test_a_measure_covering_the_users_unit_alerts_and_others_are_listed_elsewhere(
    unit, other_unit, citizen, leader, reception, other_leader, today
):
    here = measure(unit=unit, citizen=citizen, signed_by=leader)
    there = measure(unit=other_unit, citizen=citizen, signed_by=other_leader, kind="TFUS")

    answer = lookup.lookup_answer(user=reception, citizen=citizen, unit_ids=lookup.lookup_unit_ids(reception))

    assert _ids(answer.here) == [here.pk] and _ids(answer.elsewhere) == [there.pk]
    assert answer.alert and answer.physical_here and not answer.phone_here


def test_a_measure_of_another_unit_that_covers_the_users_unit_alerts(unit, other_unit, citizen, reception,
                                                                     other_leader):
    measure(unit=other_unit, citizen=citizen, signed_by=other_leader, covered=[other_unit, unit])
    answer = lookup.lookup_answer(user=reception, citizen=citizen, unit_ids=lookup.lookup_unit_ids(reception))
    assert len(answer.here) == 1 and answer.elsewhere == []


def test_phone_restriction_covering_the_contact_centre(staff_with_role, citizen, today):
    centre = contact_centre()
    adviser = staff_with_role(Role.KONTAKTSENTER, centre, username="ks_test")
    centre_leader = staff_with_role(Role.ENHETSLEDER, centre, username="ks_leder_test")
    measure(unit=centre, citizen=citizen, signed_by=centre_leader, kind="TFUS")
    answer = lookup.lookup_answer(user=adviser, citizen=citizen, unit_ids=lookup.lookup_unit_ids(adviser))
    assert answer.alert and answer.phone_here and not answer.physical_here


def test_no_measures_gives_an_empty_answer_but_still_one_audit_line(citizen, reception):
    answer = lookup.lookup_answer(user=reception, citizen=citizen, unit_ids=lookup.lookup_unit_ids(reception))
    assert (answer.measures, answer.alert) == ([], False)
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.personident, entry.action) == (reception, citizen.personident, "lookup.view")


@pytest.mark.parametrize("role", [Role.SAKSBEHANDLER, Role.HMS, Role.VERNEOMBUD, Role.SIKKERHETSANSVARLIG,
                                  Role.ADMINISTRATOR])
def test_roles_without_look_up_get_404(staff_with_role, unit, role):
    with pytest.raises(Http404):
        lookup.lookup_unit_ids(staff_with_role(role, unit, username=f"r_{role}"))


@pytest.mark.parametrize("role", [Role.MOTTAK, Role.KONTAKTSENTER, Role.ENHETSLEDER, Role.STEDFORTREDER])
def test_look_up_roles_look_up_in_their_unit(staff_with_role, unit, role):
    assert lookup.lookup_unit_ids(staff_with_role(role, unit, username=f"r_{role}")) == {unit.pk}


# -- queries ------------------------------------------------------------------------------------------------


def test_measures_cost_one_query_however_many_units_channels_and_measures(
    unit, other_unit, citizen, leader, today, django_assert_num_queries
):
    for offset in range(3):
        decision = measure(unit=unit, citizen=citizen, signed_by=leader, covered=[unit, other_unit],
                           valid_from=today - offset * DAY)
        ChannelFactory(decision=decision, channel=ChannelKind.WRITTEN, address="Postboks 1")
    with django_assert_num_queries(1):
        found = lookup.measures_in_force(citizen_id=citizen.pk, today=today)
    assert len(found) == 3 and all(len(m.covered_units) == 2 and len(m.channels) == 2 for m in found)


def test_a_look_up_costs_four_queries_with_the_audit_line(unit, citizen, leader, reception,
                                                           django_assert_num_queries):
    measure(unit=unit, citizen=citizen, signed_by=leader)
    with django_assert_num_queries(4):  # the user's units, the citizen, the measures, the audit-log insert
        unit_ids = lookup.lookup_unit_ids(reception)
        found = lookup.citizen_by_personident(citizen.personident)
        answer = lookup.lookup_answer(user=reception, citizen=found, unit_ids=unit_ids)
    assert len(answer.here) == 1


# -- name search --------------------------------------------------------------------------------------------


def test_name_search_matches_the_words_in_any_order_and_case_on_the_exact_birth_date(db):
    born = datetime.date(1980, 5, 17)
    ola = CitizenFactory(name="Ola Nordmann", birth_date=born)
    CitizenFactory(name="Ola Nordmann", birth_date=born + DAY)
    CitizenFactory(name="Kari Hansen", birth_date=born)
    assert lookup.search_by_name(name="nordmann  OLA", birth_date=born) == [ola]
    assert lookup.search_by_name(name="", birth_date=born) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity needs PostgreSQL (pg_trgm)")
def test_name_search_tolerates_typos_on_postgresql(db):
    born = datetime.date(1975, 1, 2)
    ola = CitizenFactory(name="Ola Jakob Nordmann", birth_date=born)
    CitizenFactory(name="Fatima Khan", birth_date=born)
    assert lookup.search_by_name(name="Ola Nordman", birth_date=born) == [ola]
    assert lookup.search_by_name(name="Nordmand", birth_date=born) == [ola]
    assert lookup.search_by_name(name="Petter Smart", birth_date=born) == []


# -- the look-up's light permission query agrees with guardian ------------------------------------------------


CODENAMES = [value for name, value in vars(access.Perm).items() if not name.startswith("_")]


@pytest.mark.parametrize("role", list(Role))
def test_unit_ids_with_perm_agrees_with_units_with_perm(staff_with_role, unit, other_unit, role):
    user = staff_with_role(role, unit, username=f"agree_{role}")
    for codename in CODENAMES:
        expected = set(access.units_with_perm(user, codename).values_list("pk", flat=True))
        assert access.unit_ids_with_perm(user, codename) == expected, codename


def test_unit_ids_with_perm_for_superusers_groups_and_strangers(superuser, unit, other_unit, db):
    from django.contrib.auth.models import AnonymousUser, Group
    from guardian.shortcuts import assign_perm

    assert access.unit_ids_with_perm(superuser, access.Perm.LOOKUP_MEASURES) == {unit.pk, other_unit.pk}
    member = UserFactory(username="gruppemedlem")
    group = Group.objects.create(name="mottak-gruppe")
    member.groups.add(group)
    assign_perm("core.lookup_measures", group, other_unit)
    assert access.unit_ids_with_perm(member, access.Perm.LOOKUP_MEASURES) == {other_unit.pk} == set(
        access.units_with_perm(member, access.Perm.LOOKUP_MEASURES).values_list("pk", flat=True))
    assert access.unit_ids_with_perm(AnonymousUser(), access.Perm.LOOKUP_MEASURES) == frozenset()
    member.is_active = False
    assert access.unit_ids_with_perm(member, access.Perm.LOOKUP_MEASURES) == frozenset()
