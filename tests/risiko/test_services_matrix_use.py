"""services.matrix_use_set and analysis_move_matrix: a matrix per unit or region, each analysis on the version it
was made on, and a draft moved to a newer version told which events changed zone."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risiko import rules, services
from risiko.models import MatrixDefinition, MatrixUse, Zone

from ..factories import UnitFactory
from .conftest import make_ready

pytestmark = pytest.mark.django_db


def _matrix(superuser, name, **cells):
    """A new matrix like the default, with cells={"p5_c2": "yellow"} changed."""
    default = services.matrix_default()
    grid = [list(row) for row in default.cells]
    for key, zone in cells.items():
        p, c = (int(part[1:]) for part in key.split("_"))
        grid[p - 1][c - 1] = zone
    return services.matrix_save(by=superuser, matrix=MatrixDefinition(
        name=name, probability_labels=default.probability_labels, consequence_labels=default.consequence_labels,
        cells=grid, zones=default.zones))


def _draft(leader, unit, today):
    analysis = services.analysis_create(by=leader, unit=unit, title="ROS", analysis_date=today,
                                        next_review_on=today + datetime.timedelta(days=300))
    services.event_add(by=leader, analysis_id=analysis.pk, category="threats", title="Trusler på telefon",
                       probability=5, consequence=2)
    services.event_add(by=leader, analysis_id=analysis.pk, category="threats", title="Trakassering",
                       probability=2, consequence=2)
    return analysis


def test_a_units_matrix_wins_over_its_regions_and_the_regions_over_the_default(superuser, leader, unit, today):
    neighbour = UnitFactory(number="0315", region=unit.region)
    far = UnitFactory(number="4613", region="Vestland")
    regional, own = _matrix(superuser, "Region"), _matrix(superuser, "Sagene")
    services.matrix_use_set(by=superuser, matrix=regional, region=unit.region)
    assert services.matrix_for_unit(unit) == regional and services.matrix_for_unit(neighbour) == regional
    services.matrix_use_set(by=superuser, matrix=own, unit=unit)
    assert services.matrix_for_unit(unit) == own and services.matrix_for_unit(neighbour) == regional
    assert services.matrix_for_unit(far) == services.matrix_default() == services.matrix_for_unit(None)
    analysis = services.analysis_create(by=leader, unit=unit, title="ROS", analysis_date=today)
    assert analysis.matrix.id == own.pk


def test_setting_a_units_matrix_again_replaces_it(superuser, unit):
    first, second = _matrix(superuser, "A"), _matrix(superuser, "B")
    services.matrix_use_set(by=superuser, matrix=first, unit=unit)
    services.matrix_use_set(by=superuser, matrix=second, unit=unit)
    assert MatrixUse.objects.get().matrix == second


def test_each_analysis_keeps_the_version_it_was_made_on(superuser, leader, unit, hordaland_data, today):
    regional = _matrix(superuser, "Region")
    services.matrix_use_set(by=superuser, matrix=regional, region=unit.region)
    before = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    regional.cells = [[Zone.RED] * 5 for _ in range(5)]
    services.matrix_save(by=superuser, matrix=regional)
    after = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    before.refresh_from_db()
    assert before.matrix.id == after.matrix.id == regional.pk
    assert before.matrix.history_id < after.matrix.history_id
    assert before.matrix.cells[0][0] == Zone.GREEN and after.matrix.cells[0][0] == Zone.RED


def test_a_draft_moved_to_the_units_new_matrix_says_which_events_changed_zone(superuser, leader, unit, today):
    draft = _draft(leader, unit, today)
    services.event_update(by=leader, event_id=draft.events.get(title="Trusler på telefon").pk,
                          residual_probability=5, residual_consequence=2)
    softer = _matrix(superuser, "Mildere", p5_c2=Zone.YELLOW)
    services.matrix_use_set(by=superuser, matrix=softer, unit=unit)
    changes = services.analysis_move_matrix(by=leader, analysis_id=draft.pk)
    assert changes == [rules.ZoneChange("Trusler på telefon", (Zone.RED, Zone.YELLOW), (Zone.RED, Zone.YELLOW))]
    draft.refresh_from_db()
    assert draft.matrix.id == softer.pk
    with pytest.raises(ValidationError) as error:
        services.analysis_move_matrix(by=leader, analysis_id=draft.pk)
    assert error.value.code == "same_matrix"


def test_no_change_of_zone_is_an_empty_list(superuser, leader, unit, today):
    draft = _draft(leader, unit, today)
    services.matrix_use_set(by=superuser, matrix=_matrix(superuser, "Lik"), unit=unit)
    assert services.analysis_move_matrix(by=leader, analysis_id=draft.pk) == []


def test_an_approved_analysis_is_not_moved(superuser, leader, unit, today):
    analysis = _draft(leader, unit, today)
    make_ready(leader, analysis)
    services.analysis_approve(by=leader, analysis_id=analysis.pk)
    made_on = analysis.matrix_id
    services.matrix_use_set(by=superuser, matrix=_matrix(superuser, "Ny", p5_c2=Zone.YELLOW), unit=unit)
    with pytest.raises(ValidationError):
        services.analysis_move_matrix(by=leader, analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.matrix_id == made_on


def test_another_units_leader_may_not_move_it(superuser, leader, other_leader, unit, today):
    draft = _draft(leader, unit, today)
    services.matrix_use_set(by=superuser, matrix=_matrix(superuser, "Ny"), unit=unit)
    with pytest.raises(PermissionDenied):
        services.analysis_move_matrix(by=other_leader, analysis_id=draft.pk)


def test_only_administrators_set_a_units_matrix(superuser, leader, unit):
    matrix = _matrix(superuser, "Ny")
    with pytest.raises(PermissionDenied):
        services.matrix_use_set(by=leader, matrix=matrix, unit=unit)
    with pytest.raises(PermissionDenied):
        services.matrix_use_remove(by=leader, use_id=services.matrix_use_set(by=superuser, matrix=matrix,
                                                                             unit=unit).pk)
    assert MatrixUse.objects.count() == 1


@pytest.mark.parametrize(("unit_set", "region", "field"), [
    (False, "Atlantis", "region"),  # no unit is there: it would apply to nobody
    (True, "Oslo", "__all__"),  # both
    (False, "", "__all__"),  # neither
    (False, "   ", "__all__"),  # a placeholder of spaces is neither
])
def test_a_matrix_use_for_nobody_or_for_both_is_refused(superuser, unit, unit_set, region, field):
    with pytest.raises(ValidationError) as error:
        services.matrix_use_set(by=superuser, matrix=_matrix(superuser, "Ny"), unit=unit if unit_set else None,
                                region=region)
    assert field in error.value.message_dict
    assert not MatrixUse.objects.exists()


def test_removing_a_units_matrix_goes_back_to_the_regions(superuser, unit):
    regional, own = _matrix(superuser, "Region"), _matrix(superuser, "Sagene")
    services.matrix_use_set(by=superuser, matrix=regional, region=unit.region)
    use = services.matrix_use_set(by=superuser, matrix=own, unit=unit)
    services.matrix_use_remove(by=superuser, use_id=use.pk)
    assert services.matrix_for_unit(unit) == regional
