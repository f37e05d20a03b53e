"""Administrators change the risk matrix in the admin: each save a new version, approved analyses untouched."""

import re

import pytest
from django.urls import reverse

from risiko import selectors, services
from risiko.models import LEVELS, MatrixDefinition, MatrixUse

from .conftest import make_ready

pytestmark = pytest.mark.django_db


def _form_data(matrix):
    data = {"name": matrix.name, "is_default": "on"}
    for level in LEVELS:
        data[f"probability_{level}"] = matrix.probability_labels[level - 1]
        data[f"consequence_{level}"] = matrix.consequence_labels[level - 1]
    for p in LEVELS:
        for c in LEVELS:
            data[f"cell_p{p}_c{c}"] = matrix.cells[p - 1][c - 1]
    for level in LEVELS:
        data[f"threshold_{level}"] = matrix.incident_thresholds[level - 1]
    for code, zone in matrix.zones.items():
        for key, value in zone.items():
            data[f"{code}_{key}"] = value
    return data


def test_a_cell_changed_in_the_admin_is_a_new_version(client, superuser, leader, unit, hordaland_data):
    approved = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    make_ready(leader, approved, next_review_on=approved.analysis_date.replace(year=approved.analysis_date.year + 1))
    services.analysis_approve(by=leader, analysis_id=approved.pk)
    matrix = MatrixDefinition.objects.get()
    client.force_login(superuser)
    data = _form_data(matrix) | {"cell_p4_c2": "red"}
    response = client.post(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk]), data)
    assert response.status_code == 302
    matrix.refresh_from_db()
    assert matrix.cells[3][1] == "red" and matrix.history.count() == 2
    approved.refresh_from_db()
    assert "Skriftlige truslar" not in selectors.red_events(approved)
    newer = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    assert "Skriftlige truslar" in selectors.red_events(newer)


def test_an_unreadable_zone_colour_is_refused_in_the_admin(client, superuser):
    matrix = services.matrix_default()
    client.force_login(superuser)
    data = _form_data(matrix) | {"green_text_colour": "#eeeeee"}
    response = client.post(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk]), data)
    assert response.status_code == 200
    assert "minst 4,5:1" in str(response.context["adminform"].form.non_field_errors())  # the admin speaks bokmål
    assert matrix.history.count() == 1


def test_the_matrix_is_not_deleted(client, superuser):
    matrix = services.matrix_default()
    client.force_login(superuser)
    assert client.get(reverse("admin:risiko_matrixdefinition_delete", args=[matrix.pk])).status_code == 403


def test_the_admin_sets_the_incident_thresholds_as_a_new_version(client, superuser):
    matrix = services.matrix_default()
    client.force_login(superuser)
    data = _form_data(matrix) | {"threshold_4": "40"}
    response = client.post(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk]), data)
    assert response.status_code == 302
    matrix.refresh_from_db()
    assert matrix.incident_thresholds == [0, 1, 12, 40, 250] and matrix.history.count() == 2


@pytest.mark.parametrize("bad", [{"threshold_1": "1"}, {"threshold_3": "60"}, {"threshold_5": "x"},
                                 {"threshold_2": "-1"}, {"threshold_4": ""}])
def test_thresholds_that_do_not_rise_from_0_are_refused_in_the_admin(client, superuser, bad):
    matrix = services.matrix_default()
    client.force_login(superuser)
    response = client.post(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk]),
                           _form_data(matrix) | bad)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    matrix.refresh_from_db()
    assert matrix.incident_thresholds == [0, 1, 12, 52, 250] and matrix.history.count() == 1


def test_the_admin_sets_a_regions_matrix_and_refuses_a_region_no_unit_is_in(client, superuser, unit):
    matrix = services.matrix_default()
    client.force_login(superuser)
    add = reverse("admin:risiko_matrixuse_add")
    for bad in ({"region": "Atlantis"}, {"region": "Oslo", "unit": unit.pk}, {"region": ""}, {"region": "x"}):
        response = client.post(add, {"matrix": matrix.pk, "unit": "", "region": ""} | bad)
        assert response.status_code == 200 and response.context["adminform"].form.errors, bad
    assert not MatrixUse.objects.exists()
    response = client.post(add, {"matrix": matrix.pk, "unit": "", "region": "Oslo"})
    assert response.status_code == 302
    assert MatrixUse.objects.get().region == "Oslo"
    assert services.matrix_for_unit(unit) == matrix


def test_an_analysis_matrix_is_not_changed_in_the_admin(client, superuser, leader, unit, hordaland_data):
    analysis = services.analysis_import(by=leader, data=hordaland_data, unit=unit)
    client.force_login(superuser)
    url = reverse("admin:risiko_analysis_change", args=[analysis.pk])
    client.post(url, {"matrix": analysis.matrix_id + 1, "title": "x"})
    analysis.refresh_from_db()
    assert analysis.title != "x" and analysis.matrix.history_id == analysis.matrix_id


def test_the_matrix_is_edited_as_a_five_by_five_grid_with_probability_five_at_the_top(client, superuser):
    matrix = services.matrix_default()
    client.force_login(superuser)
    html = client.get(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk])).content.decode()
    grid = html[html.index('<table class="matrix-grid">'):]
    grid = grid[:grid.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", grid, re.S)
    assert len(rows) == 6  # the consequences' header row and five probabilities
    assert re.findall(r'<th scope="col">(\d)', rows[0]) == ["1", "2", "3", "4", "5"]
    assert [re.search(r'<th scope="row">(\d)', row).group(1) for row in rows[1:]] == ["5", "4", "3", "2", "1"]
    # Each cell is a choice of zone named as the POST expects, showing the zone the matrix has there.
    top_left = re.search(r'<select name="cell_p5_c1"[^>]*>(.*?)</select>', rows[1], re.S).group(1)
    assert f'value="{matrix.cells[4][0]}" selected' in top_left
    assert len(re.findall(r"<select ", grid)) == 25


def test_a_grid_with_a_cell_left_empty_is_refused_and_changes_nothing(client, superuser):
    matrix = services.matrix_default()
    client.force_login(superuser)
    data = _form_data(matrix) | {"cell_p1_c1": ""}
    response = client.post(reverse("admin:risiko_matrixdefinition_change", args=[matrix.pk]), data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert matrix.history.count() == 1
