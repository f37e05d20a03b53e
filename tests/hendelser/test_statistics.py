"""The statistics page's figures against hand-counted fixtures, shares, rates, and rounding beyond the own units."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from hendelser import charts, counts, statistics
from hendelser.models import Category, Channel, Employer, Headcount, Incident
from nav_sikkerhet.core.models import UnitType

from ..factories import UnitFactory, UserFactory
from .factories import ExposedPersonFactory, IncidentFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def incidents(unit):
    """Hand-counted: 2025 has 5 incidents in the unit, 2026 has 7 (up to 2 December)."""
    made = []

    def add(day, category=Category.THREAT, channel=Channel.PHONE, employer=Employer.STATE, where=unit):
        incident = IncidentFactory(unit=where, occurred_at=_at(day), category=category, channel=channel)
        ExposedPersonFactory(incident=incident, employer=employer)
        made.append(incident)

    # 2025: Q1 2, Q2 1, Q4 2 (one of them after 2 December, so not in "the same period last year")
    add(datetime.date(2025, 1, 10))
    add(datetime.date(2025, 3, 5), Category.VERBAL)
    add(datetime.date(2025, 5, 1), channel=Channel.RECEPTION)
    add(datetime.date(2025, 11, 1), employer=Employer.MUNICIPAL)
    add(datetime.date(2025, 12, 20), Category.ASSAULT, Channel.RECEPTION)
    # 2026: Q1 3, Q3 1, Q4 3
    for day in (datetime.date(2026, 1, 2), datetime.date(2026, 2, 2), datetime.date(2026, 3, 3)):
        add(day)
    add(datetime.date(2026, 8, 8), Category.VERBAL, Channel.EMAIL)
    for day in (datetime.date(2026, 10, 1), datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)):
        add(day, Category.HATE_SPEECH, Channel.SOCIAL_MEDIA, Employer.MUNICIPAL)
    add(datetime.date(2024, 6, 6))  # outside the default two years
    counts.rebuild()  # the factory writes rows directly, past the services that count each month
    return made


def _table(page, key):
    return next(t for t in page.tables if t.key == key)


def _row(table, label):
    return next(r for r in table.rows if r.label == label)


def test_figures_per_year_quarter_category_channel_and_employer(incidents, hms):
    page = statistics.statistics_page(user=hms, params=QueryDict(), today=TODAY)

    assert page.years == [2025, 2026] and page.total.value == 12 and not page.rounded
    quarters = _table(page, "quarter")
    assert [(r.label, r.values, r.total.value) for r in quarters.rows] == [
        ("2025", [2, 1, 0, 2], 5), ("2026", [3, 0, 1, 3], 7),
    ]
    # 2026 so far (7) against 2025 up to 2 December (4): +75 %.
    assert quarters.rows[1].change == 75.0
    category = _table(page, "category")
    assert _row(category, str(Category.THREAT.label)).values == [3, 3]
    assert _row(category, str(Category.HATE_SPEECH.label)).values == [0, 3]
    assert _row(category, str(Category.VERBAL.label)).values == [1, 1]
    assert _row(category, str(Category.ASSAULT.label)).values == [1, 0]
    # Threats: 3 this year against 3 by 2 December last year.
    assert _row(category, str(Category.THREAT.label)).change == 0.0
    channel = _table(page, "channel")
    assert _row(channel, str(Channel.PHONE.label)).values == [3, 3]
    assert _row(channel, str(Channel.RECEPTION.label)).values == [2, 0]
    employer = _table(page, "employer")
    assert _row(employer, str(Employer.STATE.label)).values == [4, 4]
    assert _row(employer, str(Employer.MUNICIPAL.label)).values == [1, 3]
    unit_type = _table(page, "unit_type")
    assert _row(unit_type, str(UnitType.NAV_KONTOR.label)).values == [5, 7]


def test_a_leader_looking_beyond_their_unit_sees_the_other_units_rounded(unit, leader, incidents):
    centre = UnitFactory(number="4153", name="NAV Kontaktsenter Oslo", unit_type=UnitType.KONTAKTSENTER)
    IncidentFactory(unit=centre, occurred_at=_at(datetime.date(2026, 4, 4)), channel=Channel.PHONE)
    counts.rebuild()

    # A leader of one unit opens on that unit, with exact figures.
    own = statistics.statistics_page(user=leader, params=QueryDict(), today=TODAY)
    assert not own.rounded and own.form.initial == {"unit": unit.number}
    assert _row(_table(own, "channel"), str(Channel.EMAIL.label)).values == [0, 1]
    assert own.total.value == 12 and not own.total.approx

    region = statistics.statistics_page(user=leader, params=QueryDict("region="), today=TODAY)
    assert region.rounded
    units = _table(region, "unit")
    # The contact centre's single incident is rounded to 0 or 5; the leader's own unit is exact.
    centre_row = _row(units, str(centre))
    assert centre_row.values[0] == 0 and centre_row.values[1] in (0, 5) and all(c.approx for c in centre_row.cells)
    assert _row(units, str(unit)).values == [5, 7] and not any(c.approx for c in _row(units, str(unit)).cells)
    # Mixed figures: the own part exact, the rest rounded to a multiple of 5.
    quarters = _table(region, "quarter")
    assert quarters.rows[1].cells[1].value in (0, 5) and quarters.rows[1].cells[1].approx
    assert quarters.rows[1].total.value in (7, 12)
    # The centre's part reached through another table rounds the same way.
    centre_type = _row(_table(region, "unit_type"), str(UnitType.KONTAKTSENTER.label))
    assert centre_type.values[1] == centre_row.values[1]


def test_shares_also_involved_and_the_category_by_channel_table(incidents, hms):
    incidents[-2].other_categories = [Category.THREAT, Category.HARASSMENT]
    incidents[-2].save()
    page = statistics.statistics_page(user=hms, params=QueryDict(), today=TODAY)
    # 2026: 3 of 7 by phone, 3 of 7 hate speech.
    assert _row(_table(page, "channel"), str(Channel.PHONE.label)).shares == [60.0, 42.9]
    assert _row(_table(page, "category"), str(Category.HATE_SPEECH.label)).shares == [0.0, 42.9]
    also = _table(page, "also")
    assert _row(also, str(Category.THREAT.label)).values == [0, 1]
    assert _row(also, str(Category.HARASSMENT.label)).values == [0, 1]
    cross = _table(page, "cross")
    assert cross.title.endswith("2026") and "2026" in cross.chart_title
    threats = _row(cross, str(Category.THREAT.label))
    phone = list(Channel.values).index(Channel.PHONE)
    assert threats.values[phone] == 3 and threats.shares[phone] == 100.0 and threats.total.value == 3
    assert all(str(page.years[-1]) in table.chart_title for table in page.tables if table.key != "quarter")
    assert "2025-2026" in _table(page, "quarter").chart_title


def test_rates_per_100_employees_where_the_headcount_is_known(incidents, hms, unit):
    Headcount.objects.create(unit=unit, year=2026, employees=50)
    page = statistics.statistics_page(user=hms, params=QueryDict(), today=TODAY)
    rates = _table(page, "rate")
    assert _row(rates, str(unit)).values == [None, 14.0]  # 7 incidents among 50 employees


def test_a_headcount_is_a_positive_number_in_a_sensible_year(unit):
    with pytest.raises(ValidationError) as caught:
        Headcount(unit=unit, year=1990, employees=0).full_clean()
    assert set(caught.value.message_dict) == {"year", "employees"}


def test_the_statistics_page_renders_charts_and_tables(client, hms, incidents):
    client.force_login(hms)
    response = client.get(reverse("hendelser:statistics"))
    body = response.content.decode()
    assert response.status_code == 200
    tables = response.context["page"].tables
    assert body.count('<figure class="chart">') == body.count("<figcaption") == len(tables)
    assert body.count('class="chart__row"') == sum(len(table.chart.bars) for table in tables)
    assert "<table" in body
    # Every column has a header with text; the row labels' column says what the rows are.
    assert not re.search(r"<th[^>]*>\s*</th>", body)
    assert f'<th scope="col">{gettext("Category")}</th>' in body


# A table's rows as the page's template wrote them, a node per figure, before statistics.Table.rows_html took over
# (a backslash at a line's end only splits a long line).
TEMPLATE_ROWS = """{% for row in table.rows %}
        <tr><th scope="row">{{ row.label }}</th>{% for cell, share in row.pairs %}<td>{% if cell is None %}–{% else %}\
{% if cell.approx %}≈ {% endif %}{{ cell.value }}{% if share is not None %} \
<span class="stat-share">({{ share }} %)</span>{% endif %}{% endif %}</td>{% endfor %}
          {% if table.has_total %}<td>{% if row.total.approx %}≈ {% endif %}{{ row.total.value }}</td>{% endif %}
          {% if table.show_change %}<td>{% if row.change is None %}–{% else %}{% if row.change > 0 %}+{% endif %}\
{{ row.change }} %{% endif %}</td>{% endif %}</tr>
      {% endfor %}"""


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_rows_are_written_as_the_template_wrote_them(unit, leader, incidents, language):
    """Every figure formatted for the reader's language (decimal comma or point), rounded ones marked, labels
    escaped, changes signed: byte for byte what a template node per figure wrote."""
    centre = UnitFactory(number="4153", name="NAV Kontaktsenter <Øst & Vest>", unit_type=UnitType.KONTAKTSENTER)
    for day in (datetime.date(2025, 4, 4), datetime.date(2025, 6, 6), datetime.date(2026, 4, 4)):
        IncidentFactory(unit=centre, occurred_at=_at(day), channel=Channel.PHONE)
    counts.rebuild()
    Headcount.objects.create(unit=unit, year=2026, employees=30)  # 2025 without one: a cell "–"
    template = Engine.get_default().from_string(TEMPLATE_ROWS)
    with translation.override(language):
        page = statistics.statistics_page(user=leader, params=QueryDict("region="), today=TODAY)
        written = {table.key: str(table.rows_html) for table in page.tables}
        assert written == {table.key: template.render(Context({"table": table})) for table in page.tables}
    decimal = "," if language != "en" else "."
    assert f"23{decimal}3</td>" in written["rate"] and "<td>–</td>" in written["rate"]  # 7 per 30 employees
    assert "&lt;Øst &amp; Vest&gt;" in written["unit"] and "≈ " in written["unit"]
    # The own unit, exact: 5 and 7, 12 in all, +75 % against 4 by 2 December last year; in reception 0 against 1.
    assert f"<td>5</td><td>7</td>\n          <td>12</td>\n          <td>+75{decimal}0 %</td>" in written["unit"]
    assert f"<td>-100{decimal}0 %</td>" in written["channel"]


def test_a_bar_is_a_share_of_the_longest_and_a_small_value_still_shows():
    chart = charts.bar_chart([("a", 200, False), ("b", 1, True), ("c", 0, False), ("d", 50, False)])
    assert [bar.length for bar in chart.bars] == [100, 1, 0, 25]
    assert chart.bars[1].approx and not chart.bars[0].approx
    assert charts.bar_chart([]).bars == []


def test_bad_filters_get_a_clear_error(client, hms):
    client.force_login(hms)
    response = client.get(reverse("hendelser:statistics"), {"year_from": "2030", "year_to": "2020"})
    assert response.status_code == 200
    assert response.context["page"].form.errors
    response = client.get(reverse("hendelser:statistics"), {"year_from": "abc"})
    assert response.status_code == 200


def test_no_statistics_for_those_who_see_no_incidents(caseworker):
    with pytest.raises(Http404):
        statistics.statistics_page(user=caseworker, params=QueryDict())


def _load(unit, registrant, year: int, spread: dict) -> list[Incident]:
    """Incidents of one year, as many per (category, channel) as given, spread over the year."""
    made = []
    for (category, channel), n in spread.items():
        for i in range(n):
            day = datetime.date(year, 1 + i % 12, 1 + i % 28)
            made.append(Incident(unit=unit, occurred_at=_at(day), category=category, channel=channel,
                                 description="Hendelse", perpetrator="unknown", registered_by=registrant,
                                 exposed_state=1))
    return made


def test_the_asys_notes_channel_shares_from_loaded_data(unit, hms):
    """The note: 37 % of incidents in reception in 2016, 18 % in 2020; 43 % of threats in 2021 by phone."""
    registrant = UserFactory()
    verbal, threat = Category.VERBAL, Category.THREAT
    rows = _load(unit, registrant, 2016, {(verbal, Channel.RECEPTION): 37, (verbal, Channel.PHONE): 40,
                                          (threat, Channel.INTERVIEW_ROOM): 11, (threat, Channel.EMAIL): 12})
    rows += _load(unit, registrant, 2020, {(verbal, Channel.RECEPTION): 18, (verbal, Channel.PHONE): 55,
                                           (threat, Channel.INTERVIEW_ROOM): 5, (threat, Channel.DIGITAL): 22})
    rows += _load(unit, registrant, 2021, {(threat, Channel.PHONE): 43, (threat, Channel.DIGITAL): 14,
                                           (threat, Channel.EMAIL): 7, (threat, Channel.SMS): 3,
                                           (threat, Channel.RECEPTION): 33, (verbal, Channel.PHONE): 20})
    Incident.objects.bulk_create(rows)
    counts.rebuild()

    page = statistics.statistics_page(user=hms, params=QueryDict("year_from=2016&year_to=2021"), today=TODAY)
    reception = _row(_table(page, "channel"), str(Channel.RECEPTION.label))
    shares = dict(zip(page.years, reception.shares, strict=True))
    assert shares[2016] == 37.0 and shares[2020] == 18.0
    assert dict(zip(page.years, _row(_table(page, "channel"), str(Channel.INTERVIEW_ROOM.label)).shares,
                    strict=True))[2020] == 5.0
    cross = _table(page, "cross")
    threats = _row(cross, str(Category.THREAT.label))
    assert threats.shares[list(Channel.values).index(Channel.PHONE)] == 43.0
    # Digital, e-mail and SMS together: the note's 24 %.
    digital = sum(threats.shares[list(Channel.values).index(c)] for c in (Channel.DIGITAL, Channel.EMAIL, Channel.SMS))
    assert digital == 24.0


def test_the_admin_keeps_headcounts_and_refuses_a_second_for_the_same_year(client, superuser, unit):
    client.force_login(superuser)
    add = reverse("admin:hendelser_headcount_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"unit": unit.pk, "year": 2026, "employees": 40})
    assert response.status_code == 302 and Headcount.objects.get(unit=unit, year=2026).employees == 40
    again = client.post(add, {"unit": unit.pk, "year": 2026, "employees": 41})
    assert again.status_code == 200 and again.context["adminform"].form.errors
    assert client.get(reverse("admin:hendelser_headcount_changelist"), {"q": unit.number}).status_code == 200


def test_the_statistics_page_reads_a_fixed_number_of_queries(client, leader, incidents, django_assert_max_num_queries):
    # Own and other units are counted apart (stored months, this month live, last year's same period, the
    # category × channel and "also involved" counts): a fixed number of queries, however many units.
    for number in ("0401", "0402", "0403", "0404", "0405"):
        IncidentFactory(unit=UnitFactory(number=number), occurred_at=_at(datetime.date(2026, 5, 5)))
    counts.rebuild()
    client.force_login(leader)
    with django_assert_max_num_queries(32):
        assert client.get(reverse("hendelser:statistics"), {"region": "", "year_from": 2025}).status_code == 200
