"""The figures NAV follows (ASYS note, figures 1–7): incidents per year and quarter, by category, by channel,
by unit and unit type, and state vs municipal staff, with the change from the previous year.

Counts only, never a person: no audit line. Figures that reach beyond the units where the user sees the
incidents hide small cells (rules.suppress).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import LongSelect
from nav_sikkerhet.core.models import Unit, UnitType

from . import charts, counts, rules
from .models import Category, Channel, Employer

# By default the current year and the one before: enough for the change in percent.
DEFAULT_YEARS = 2
MAX_YEARS = 15
UNIT_CHART_LIMIT = 20


class StatisticsForm(forms.Form):
    year_from = forms.IntegerField(label=_("From year"), min_value=2000, required=False)
    year_to = forms.IntegerField(label=_("To year"), min_value=2000, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False, widget=LongSelect)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), required=False,
                                  to_field_name="number", empty_label=_("All units"), widget=LongSelect)

    def __init__(self, *args, regions, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *((r, r) for r in regions)]
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        this_year = timezone.localdate().year
        year_to = cleaned.get("year_to") or this_year
        year_from = cleaned.get("year_from") or year_to - DEFAULT_YEARS + 1
        if year_to > this_year:
            self.add_error("year_to", _("Choose this year or an earlier one."))
        elif year_from > year_to:
            self.add_error("year_from", _("The first year cannot be after the last."))
        elif year_to - year_from >= MAX_YEARS:
            self.add_error("year_from", _("Choose at most %(n)d years.") % {"n": MAX_YEARS})
        unit, region = cleaned.get("unit"), cleaned.get("region")
        if unit and region and unit.region != region:
            self.add_error("unit", _("The unit is not in the chosen region."))
        cleaned["years"] = (year_from, year_to)
        return cleaned


@dataclass
class Row:
    label: str
    values: list[int | None]
    total: int | None
    change: float | None = None

    @property
    def hidden_any(self) -> bool:
        return any(v is None for v in self.values)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    # What the chart shows; by default each row's last year.
    chart_items: list[tuple[str, int | None]] = field(default_factory=list)
    chart_title: str = ""

    @property
    def chart(self) -> charts.Chart:
        return charts.bar_chart(self.chart_items or [(row.label, row.values[-1]) for row in self.rows])


@dataclass
class StatisticsPage:
    form: StatisticsForm
    years: list[int]
    suppressed: bool
    total: int | None = 0
    tables: list[Table] = field(default_factory=list)
    partial_year: bool = False


def _change(current: int | None, previous: int | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return round(100 * (current - previous) / previous, 1)


def _same_day_last_year(day: datetime.date) -> datetime.date:
    # 29 February has no twin: the 28th is the same point in the year.
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _fold(counted: counts.Counted, *, by_year: bool) -> dict:
    """Add counted rows up into the page's figures, keyed (year, key), or (key,) for the same period last year."""
    figures = {name: defaultdict(int) for name in ("quarter", "category", "channel", "unit", "employer")}
    for row in counted.units:
        year = (row.year,) if by_year else ()
        figures["quarter"][(*year, row.quarter)] += row.total
        figures["unit"][(*year, row.unit_id)] += row.total
        figures["employer"][(*year, Employer.STATE)] += row.exposed_state
        figures["employer"][(*year, Employer.MUNICIPAL)] += row.exposed_municipal
    for (year, kind, code), count in counted.kinds.items():
        figures[kind][(year, code) if by_year else (code,)] += count
    return figures


def statistics_page(*, user, params, today: datetime.date | None = None) -> StatisticsPage:
    """The statistics for leaders, HMS and the regional security officer; 404 for anyone else."""
    own_unit_ids = set(access.units_with_perm(user, Perm.VIEW_INCIDENTS).values_list("pk", flat=True))
    if not own_unit_ids:
        raise Http404
    today = today or timezone.localdate()
    regions = list(Unit.objects.order_by("region").values_list("region", flat=True).distinct())
    form = StatisticsForm(params or None, regions=regions, units=Unit.objects.order_by("number"))
    if params and not form.is_valid():
        return StatisticsPage(form=form, years=[], suppressed=True, total=None)
    data = form.cleaned_data if params else {}
    year_from, year_to = data.get("years") or (today.year - DEFAULT_YEARS + 1, today.year)
    years = list(range(year_from, year_to + 1))

    units = Unit.objects.all()
    if data.get("region"):
        units = units.filter(region=data["region"])
    if data.get("unit"):
        units = units.filter(pk=data["unit"].pk)
    unit_info = {u.pk: u for u in units.only("pk", "number", "name", "unit_type", "region")}
    suppressed = rules.needs_suppression(unit_info, own_unit_ids)

    unit_ids = list(unit_info) if data.get("region") or data.get("unit") else None
    page = StatisticsPage(form=form, years=years, suppressed=suppressed, partial_year=year_to == today.year)
    figures = _fold(counts.between(unit_ids=unit_ids, start=datetime.date(year_from, 1, 1),
                                   end=datetime.date(year_to + 1, 1, 1), today=today), by_year=True)
    ytd = None
    if page.partial_year and year_from < year_to:
        # The same period of the previous year, for a year not yet over.
        ytd = _fold(counts.between(unit_ids=unit_ids, start=datetime.date(year_to - 1, 1, 1),
                                   end=_same_day_last_year(today) + datetime.timedelta(days=1), today=today),
                    by_year=False)
    by_quarter, by_category, by_channel = figures["quarter"], figures["category"], figures["channel"]
    by_unit, by_employer = figures["unit"], figures["employer"]

    def table(key, title, labels: dict, counts: dict, ytd: dict | None) -> Table:
        result = Table(key=key, title=str(title), columns=[str(y) for y in years])
        raw_rows = []
        for code, label in labels.items():
            values = [counts.get((year, code), 0) for year in years]
            raw_rows.append((label, values, (ytd or {}).get((code,)) if ytd is not None else None))
        # Suppress along each year (column), so a hidden cell cannot be worked out from the column's total.
        columns = list(zip(*[values for _l, values, _p in raw_rows], strict=True)) if raw_rows else []
        shown_columns = [rules.suppress(list(col)) if suppressed else list(col) for col in columns]
        for index, (label, values, previous) in enumerate(raw_rows):
            shown = [col[index] for col in shown_columns]
            total = sum(values)
            row = Row(label=str(label), values=shown, total=rules.suppress_total(total) if suppressed else total)
            if len(years) > 1:
                current = shown[-1]
                before = previous if page.partial_year else shown[-2]
                if suppressed and before is not None:
                    before = rules.suppress_total(before)
                row.change = _change(current, before)
            result.rows.append(row)
        return result

    quarters = Table(key="quarter", title=str(_("Incidents per year and quarter")),
                     columns=[_("Q1"), _("Q2"), _("Q3"), _("Q4")])
    for year in years:
        values = [by_quarter.get((year, q), 0) for q in range(1, 5)]
        shown = rules.suppress(values) if suppressed else values
        total = sum(values)
        quarters.rows.append(Row(label=str(year), values=shown,
                                 total=rules.suppress_total(total) if suppressed else total))
    for index in range(1, len(quarters.rows)):
        previous = quarters.rows[index - 1].total
        if page.partial_year and index == len(quarters.rows) - 1 and ytd is not None:
            previous = sum(ytd["quarter"].values())
            previous = rules.suppress_total(previous) if suppressed else previous
        quarters.rows[index].change = _change(quarters.rows[index].total, previous)
    quarters.chart_items = [
        (f"{row.label} {quarters.columns[q]}", value) for row in quarters.rows for q, value in enumerate(row.values)
    ]
    page.tables.append(quarters)
    page.tables.append(table("category", _("By category (ASYS)"), dict(Category.choices), by_category,
                             ytd and ytd["category"]))
    page.tables.append(table("channel", _("Where or how it happened"), dict(Channel.choices), by_channel,
                             ytd and ytd["channel"]))
    types = defaultdict(int)
    type_ytd = defaultdict(int)
    for (year, unit_id), n in by_unit.items():
        types[(year, unit_info[unit_id].unit_type if unit_id in unit_info else UnitType.OTHER)] += n
    for (unit_id,), n in (ytd["unit"] if ytd else {}).items():
        type_ytd[(unit_info[unit_id].unit_type if unit_id in unit_info else UnitType.OTHER,)] += n
    page.tables.append(table("unit_type", _("By unit type"), dict(UnitType.choices), types,
                             dict(type_ytd) if ytd else None))
    page.tables.append(table("employer", _("Exposed staff: state and municipal employees"), dict(Employer.choices),
                             by_employer, ytd and ytd["employer"]))
    seen_units = sorted({unit_id for (_year, unit_id) in by_unit}, key=lambda pk: unit_info[pk].number)
    units_table = table("unit", _("By unit"), {pk: str(unit_info[pk]) for pk in seen_units}, by_unit,
                        ytd and ytd["unit"])
    # The chart shows the units with most incidents the last year; the table has them all.
    units_table.chart_items = sorted(((row.label, row.values[-1]) for row in units_table.rows),
                                     key=lambda item: -(item[1] or 0))[:UNIT_CHART_LIMIT]
    page.tables.append(units_table)
    total = sum(by_quarter.values())
    page.total = rules.suppress_total(total) if suppressed else total
    return page
