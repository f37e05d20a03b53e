import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risiko import rules, selectors, services
from risiko.models import Zone

from .conftest import make_ready

pytestmark = pytest.mark.django_db


def _set_cell(matrix, p, c, zone):
    cells = [list(row) for row in matrix.cells]
    cells[p - 1][c - 1] = zone
    matrix.cells = cells


def test_editing_a_cell_changes_new_analyses_but_not_approved_ones(leader, unit, hordaland_data, superuser):
    approved = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    make_ready(leader, approved, next_review_on=approved.analysis_date.replace(year=approved.analysis_date.year + 1))
    services.analysis_approve(by=leader, analysis_id=approved.pk)

    matrix = services.matrix_default()
    _set_cell(matrix, 4, 2, Zone.RED)  # weekly, injury without sick leave
    services.matrix_save(by=superuser, matrix=matrix)

    newer = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    approved.refresh_from_db()
    assert "Skriftlige truslar" not in selectors.red_events(approved)
    assert "Skriftlige truslar" in selectors.red_events(newer)
    assert approved.matrix.history_id != newer.matrix.history_id
    assert selectors.matrix_version_number(newer.matrix) == selectors.matrix_version_number(approved.matrix) + 1


def test_only_administrators_change_the_matrix(leader):
    matrix = services.matrix_default()
    with pytest.raises(PermissionDenied):
        services.matrix_save(by=leader, matrix=matrix)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("cells", [["red"] * 5] * 4, "25 cells"),
    ("cells", [["red"] * 5] * 4 + [["red"] * 4 + ["blue"]], "25 cells"),
    ("probability_labels", ["a", "b", "c", "d"], "five labels"),
    ("consequence_labels", ["a", "b", "c", "d", " "], "five labels"),
])
def test_a_matrix_must_be_complete(superuser, field, value, message):
    matrix = services.matrix_default()
    setattr(matrix, field, value)
    with pytest.raises(ValidationError, match=message):
        services.matrix_save(by=superuser, matrix=matrix)


def test_a_zones_text_must_be_readable_on_its_colour(superuser):
    matrix = services.matrix_default()
    matrix.zones = {**matrix.zones, "yellow": {**matrix.zones["yellow"], "text_colour": "#ffffff"}}
    with pytest.raises(ValidationError, match="at least 4.5:1"):
        services.matrix_save(by=superuser, matrix=matrix)


def test_the_default_matrix_is_made_once_from_the_default_cells():
    first, second = services.matrix_default(), services.matrix_default()
    assert first.pk == second.pk and first.cells == rules.default_cells()
