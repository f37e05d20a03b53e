"""The figures NAV follows (ASYS note, figures 1–7): incidents per year and quarter, by category, by channel,
by unit and unit type, and state vs municipal staff, with the change from the previous year.

Counts only, never a person: no audit line. The part of a figure that comes from units where the user does not
see the incidents is rounded (rules.round_count), the same way wherever that part is shown; the user's own units
count exactly. Shares, rates and changes are worked out from the figures as shown.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.http import Http404
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nav_sikkerhet.core import access
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.forms import LongSelect
from nav_sikkerhet.core.models import Unit, UnitType

from . import charts, counts, rules
from .models import Category, Channel, Employer, Headcount

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


@dataclass(frozen=True)
class Figure:
    """A figure as shown: exact, or rounded (``approx``) because part of it comes from other units."""

    value: int | float
    approx: bool = False

    def __str__(self) -> str:
        return f"≈ {self.value}" if self.approx else str(self.value)


@dataclass
class Row:
    label: str
    cells: list[Figure | None]  # None: not known (a rate without a headcount)
    total: Figure | None = None
    change: float | None = None
    previous: Figure | None = None  # what the change compares with
    shares: list[float | None] | None = None  # per cent of the column (or, in the cross table, of the row)
    unit_id: int | None = None

    @property
    def values(self) -> list:
        return [None if cell is None else cell.value for cell in self.cells]

    @property
    def pairs(self) -> list[tuple[Figure, float | None]]:
        return list(zip(self.cells, self.shares or [None] * len(self.cells), strict=True))


def number_formatter() -> Callable[[int | float], str]:
    """``localize`` for HTML with the active language's separators looked up once, not for each of a page's
    20,000 numbers: the same text, escaped as the template escapes it (digits and signs need no escaping)."""
    language = get_language()
    decimal_sep, grouping, thousand_sep = (get_format(name, language, use_l10n=True) for name in
                                           ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))
    decimal_sep, thousand_sep = conditional_escape(decimal_sep), conditional_escape(thousand_sep)

    def number(value: int | float) -> str:
        return numberformat.format(value, decimal_sep, None, grouping, thousand_sep, use_l10n=True)

    return number


# What each table's rows are, for the header cell above the row labels.
ROW_HEADINGS = {
    "category": _("Category"), "also": _("Category"), "cross": _("Category"), "channel": _("Where or how"),
    "employer": _("Employer of the exposed"), "quarter": _("Year"), "unit_type": _("Unit type"), "unit": _("Unit"),
    "rate": _("Unit"),
}


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    # What the chart shows, and which year(s) it is; by default each row's last year.
    chart_items: list[tuple[str, Figure]] = field(default_factory=list)
    chart_title: str = ""
    has_total: bool = True
    show_change: bool = False  # a column with the change from the year before (statistics_page decides)

    @property
    def row_heading(self) -> str:
        return str(ROW_HEADINGS[self.key])

    @property
    def rows_html(self) -> str:
        """The table's rows as its template wrote them, to the byte: a template node per figure cost a third of the
        ten-year page (27,000 look-ups and as many number formats)."""
        number = number_formatter()

        def figure(cell: Figure | None) -> str:
            return "" if cell is None else f"{'≈ ' if cell.approx else ''}{number(cell.value)}"

        def cell(value: Figure | None, share: float | None) -> str:
            if value is None:
                return "<td>–</td>"
            shown = "" if share is None else f' <span class="stat-share">({number(share)} %)</span>'
            return f"<td>{figure(value)}{shown}</td>"

        def change(row: Row) -> str:
            if not self.show_change:
                return ""
            if row.change is None:
                return "<td>–</td>"
            return f"<td>{'+' if row.change > 0 else ''}{number(row.change)} %</td>"

        return mark_safe("".join(  # noqa: S308 (labels escaped, numbers formatted with escaped separators)
            f'\n        <tr><th scope="row">{conditional_escape(row.label)}</th>'
            f"{''.join(cell(value, share) for value, share in row.pairs)}\n          "
            f"{f'<td>{figure(row.total)}</td>' if self.has_total else ''}\n          {change(row)}</tr>\n      "
            for row in self.rows
        ))

    @property
    def chart(self) -> charts.Chart:
        items = self.chart_items or [(row.label, row.cells[-1]) for row in self.rows]
        return charts.bar_chart([(label, figure.value, figure.approx) for label, figure in items if figure])


@dataclass
class StatisticsPage:
    form: StatisticsForm
    years: list[int]
    rounded: bool
    total: Figure | None = None
    tables: list[Table] = field(default_factory=list)
    partial_year: bool = False
    base: int = rules.ROUNDING_BASE


def _change(current: Figure | None, previous: Figure | None) -> float | None:
    if current is None or previous is None or not previous.value:
        return None
    return round(100 * (current.value - previous.value) / previous.value, 1)


def _share(part: Figure, whole: Figure) -> float | None:
    return round(100 * part.value / whole.value, 1) if whole.value else None


def _same_day_last_year(day: datetime.date) -> datetime.date:
    # 29 February has no twin: the 28th is the same point in the year.
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _fold(counted: counts.Counted, *, by_year: bool) -> dict:
    """Add counted rows up into the page's figures, keyed (year, key), or (key,) for the same period last year."""
    figures = {name: defaultdict(int)
               for name in ("total", "quarter", "category", "channel", "also", "unit", "employer")}
    for row in counted.units:
        year = (row.year,) if by_year else ()
        figures["total"][year] += row.total
        figures["unit"][(*year, row.unit_id)] += row.total
    for (year, kind, code), count in counted.kinds.items():
        figures[kind][(year, code) if by_year else (code,)] += count
    return figures


class Publisher:
    """Turns counts split into the user's own units and the others into figures as shown."""

    def __init__(self, own_ids: list[int], other_ids: list[int]):
        self.own_ids, self.other_ids = own_ids, other_ids
        self._own = set(own_ids)
        self._other_key = rules.units_key(other_ids)  # the same for most cells of the page: worked out once

    def figure(self, own: int, other: int, period: str, what: str, *, other_ids: list[int] | None = None) -> Figure:
        units = self._other_key if other_ids is None else None
        other_ids = self.other_ids if other_ids is None else other_ids
        if not other_ids:
            return Figure(own + other)
        identity = rules.cell_identity(other_ids, period, what, units=units)
        return Figure(own + rules.round_count(other, identity), approx=True)

    def unit_figure(self, unit_id: int, value: int, period: str) -> Figure:
        if unit_id in self._own:
            return Figure(value)
        return Figure(rules.round_count(value, rules.cell_identity([unit_id], period, "total")), approx=True)


def _period(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def statistics_page(*, user, params, today: datetime.date | None = None) -> StatisticsPage:
    """The statistics for leaders, HMS and the regional security officer; 404 for anyone else."""
    own_unit_ids = set(access.units_with_perm(user, Perm.VIEW_INCIDENTS).values_list("pk", flat=True))
    if not own_unit_ids:
        raise Http404
    today = today or timezone.localdate()
    regions = list(Unit.objects.order_by("region").values_list("region", flat=True).distinct())
    units_choice = Unit.objects.order_by("number")
    if params:
        form = StatisticsForm(params, regions=regions, units=units_choice)
        if not form.is_valid():
            return StatisticsPage(form=form, years=[], rounded=True)
        data = form.cleaned_data
    else:
        # Someone who sees the incidents of one unit only starts on that unit, with exact figures.
        data = {"unit": Unit.objects.get(pk=next(iter(own_unit_ids)))} if len(own_unit_ids) == 1 else {}
        form = StatisticsForm(regions=regions, units=units_choice,
                              initial={"unit": data["unit"].number} if data else None)
    year_from, year_to = data.get("years") or (today.year - DEFAULT_YEARS + 1, today.year)
    years = list(range(year_from, year_to + 1))
    period = _period(years)

    units = Unit.objects.all()
    if data.get("region"):
        units = units.filter(region=data["region"])
    if data.get("unit"):
        units = units.filter(pk=data["unit"].pk)
    unit_info = {u.pk: u for u in units.only("pk", "number", "name", "unit_type", "region")}
    own_ids = sorted(pk for pk in unit_info if pk in own_unit_ids)
    other_ids = sorted(pk for pk in unit_info if pk not in own_unit_ids)
    publish = Publisher(own_ids, other_ids)
    # Every unit: no list of ids to send and match when the whole country is chosen.
    selected = None if not (data.get("region") or data.get("unit")) else sorted(unit_info)
    page = StatisticsPage(form=form, years=years, rounded=bool(other_ids), partial_year=year_to == today.year)
    start, end = datetime.date(year_from, 1, 1), datetime.date(year_to + 1, 1, 1)

    def fold(first, until, by_year):
        # Own and other units in one pass; each part is then added up and published on its own.
        own, other = counts.between_split(unit_ids=selected, own_ids=own_ids, start=first, end=until, today=today)
        return {"own": _fold(own, by_year=by_year), "other": _fold(other, by_year=by_year)}

    figures = fold(start, end, True)
    ytd = None
    ytd_period = ""
    if page.partial_year and year_from < year_to:
        # The same period of the previous year, for a year not yet over.
        ytd_end = _same_day_last_year(today) + datetime.timedelta(days=1)
        # On the last day of the year that is all of last year: the same cell as the year, rounded the same.
        ytd_period = (str(year_to - 1) if ytd_end == datetime.date(year_to, 1, 1)
                      else f"{year_to - 1}-01-01..{ytd_end.isoformat()}")
        ytd = fold(datetime.date(year_to - 1, 1, 1), ytd_end, False)

    def fig(kind, key, period_, what, source=None):
        source = source or figures
        return publish.figure(source["own"][kind].get(key, 0), source["other"][kind].get(key, 0), period_, what)

    year_totals = {year: fig("total", (year,), str(year), "total") for year in years}

    def table(key, title, labels: dict, kind: str, *, shares=False) -> Table:
        result = Table(key=key, title=str(title), columns=[str(y) for y in years],
                       chart_title=f"{title}, {years[-1]}")
        for code, label in labels.items():
            what = f"{kind}:{code}"
            cells = [fig(kind, (year, code), str(year), what) for year in years]
            own_sum = sum(figures["own"][kind].get((year, code), 0) for year in years)
            other_sum = sum(figures["other"][kind].get((year, code), 0) for year in years)
            row = Row(label=str(label), cells=cells,
                      total=cells[0] if len(years) == 1 else publish.figure(own_sum, other_sum, period, what))
            if shares:
                row.shares = [_share(cell, year_totals[year]) for cell, year in zip(cells, years, strict=True)]
            if len(years) > 1:
                before = fig(kind, (code,), ytd_period, what, ytd) if ytd is not None else cells[-2]
                row.change, row.previous = _change(cells[-1], before), before
            result.rows.append(row)
        return result

    quarters = Table(key="quarter", title=str(_("Incidents per year and quarter")),
                     columns=[_("Q1"), _("Q2"), _("Q3"), _("Q4")],
                     chart_title=str(_("Incidents per quarter, %(years)s") % {"years": period}))
    for year in years:
        cells = [fig("quarter", (year, q), f"{year}Q{q}", "total") for q in range(1, 5)]
        quarters.rows.append(Row(label=str(year), cells=cells, total=year_totals[year]))
    for index in range(1, len(quarters.rows)):
        previous = quarters.rows[index - 1].total
        if page.partial_year and index == len(quarters.rows) - 1 and ytd is not None:
            previous = publish.figure(ytd["own"]["total"].get((), 0), ytd["other"]["total"].get((), 0),
                                      ytd_period, "total")
        quarters.rows[index].change = _change(quarters.rows[index].total, previous)
        quarters.rows[index].previous = previous
    quarters.chart_items = [
        (f"{row.label} {quarters.columns[q]}", value) for row in quarters.rows for q, value in enumerate(row.cells)
    ]
    page.tables.append(quarters)
    page.tables.append(table("category", _("By category (ASYS)"), dict(Category.choices), "category", shares=True))
    page.tables.append(_also_involved(publish, figures, years))
    page.tables.append(table("channel", _("Where or how it happened"), dict(Channel.choices), "channel",
                             shares=True))
    page.tables.append(_cross(publish, selected, year_to, today))
    page.tables.append(_unit_types(publish, figures, ytd, unit_info, years, period, ytd_period))
    page.tables.append(table("employer", _("Exposed staff: state and municipal employees"), dict(Employer.choices),
                             "employer"))
    units_table = _units(publish, figures, ytd, unit_info, years, period, ytd_period)
    page.tables.append(units_table)
    rates = _rates(units_table, unit_info, years)
    if rates.rows:
        page.tables.append(rates)
    for each in page.tables:
        # The change from the year before, where there is one: not in the one-year cross table, nor without totals.
        each.show_change = len(years) > 1 and each.key != "cross" and each.has_total
    own_total = sum(figures["own"]["total"].values())
    other_total = sum(figures["other"]["total"].values())
    page.total = year_totals[years[0]] if len(years) == 1 else publish.figure(own_total, other_total, period, "total")
    return page


def _also_involved(publish: Publisher, figures: dict, years: list[int]) -> Table:
    """Incidents where a category was chosen beside the main one, per year: counted as «also involved»."""
    found = {name: figures[name]["also"] for name in ("own", "other")}
    title = _("Also involved: chosen as another category")
    result = Table(key="also", title=str(title), columns=[str(y) for y in years], has_total=False,
                   chart_title=f"{title}, {years[-1]}")
    for code, label in Category.choices:
        cells = [publish.figure(found["own"].get((year, code), 0), found["other"].get((year, code), 0), str(year),
                                f"also:{code}") for year in years]
        result.rows.append(Row(label=str(label), cells=cells))
    return result


def _cross(publish: Publisher, selected: list[int] | None, year: int, today: datetime.date) -> Table:
    """Category × channel in one year, each cell with its share of the category (the note's «43 % by phone»)."""
    own, other = counts.by_category_and_channel(unit_ids=selected, own_ids=publish.own_ids, year=year, today=today)
    found = {"own": own, "other": other}
    title = _("Category by where or how it happened, %(year)d") % {"year": year}
    result = Table(key="cross", title=str(title), columns=[str(label) for label in Channel.labels])
    for code, label in Category.choices:
        cells = [publish.figure(found["own"].get((code, channel), 0),
                                found["other"].get((code, channel), 0), str(year), f"cross:{code}:{channel}")
                 for channel in Channel.values]
        total = publish.figure(sum(n for (c, _ch), n in found["own"].items() if c == code),
                               sum(n for (c, _ch), n in found["other"].items() if c == code),
                               str(year), f"category:{code}")
        result.rows.append(Row(label=str(label), cells=cells, total=total,
                               shares=[_share(cell, total) for cell in cells]))
    threats = result.rows[list(Category.values).index(Category.THREAT)]
    result.chart_items = list(zip(result.columns, threats.cells, strict=True))
    result.chart_title = str(_("Threats by where or how, %(year)d") % {"year": year})
    return result


def _unit_types(publish, figures, ytd, unit_info, years, period, ytd_period) -> Table:
    title = _("By unit type")
    result = Table(key="unit_type", title=str(title), columns=[str(y) for y in years],
                   chart_title=f"{title}, {years[-1]}")
    for code, label in UnitType.choices:
        ids = [pk for pk, unit in unit_info.items() if unit.unit_type == code]
        own = [pk for pk in ids if pk in publish.own_ids]
        other = [pk for pk in ids if pk not in publish.own_ids]

        def figure(source, key_of, period_, own=own, other=other):
            return publish.figure(sum(source["own"]["unit"].get(key_of(pk), 0) for pk in own),
                                  sum(source["other"]["unit"].get(key_of(pk), 0) for pk in other),
                                  period_, "total", other_ids=other)

        cells = [figure(figures, lambda pk, y=year: (y, pk), str(year)) for year in years]
        total = cells[0] if len(years) == 1 else figure(
            {g: {"unit": {(pk,): sum(figures[g]["unit"].get((y, pk), 0) for y in years) for pk in ids}}
             for g in ("own", "other")}, lambda pk: (pk,), period)
        row = Row(label=str(label), cells=cells, total=total)
        if len(years) > 1:
            before = figure(ytd, lambda pk: (pk,), ytd_period) if ytd is not None else cells[-2]
            row.change, row.previous = _change(cells[-1], before), before
        result.rows.append(row)
    return result


def _units(publish, figures, ytd, unit_info, years, period, ytd_period) -> Table:
    title = _("By unit")
    result = Table(key="unit", title=str(title), columns=[str(y) for y in years],
                   chart_title=str(_("Units with most incidents, %(year)d") % {"year": years[-1]}))
    seen = {pk for group in ("own", "other") for (_year, pk) in figures[group]["unit"]}
    for pk in sorted(seen, key=lambda pk: unit_info[pk].number):
        group = "own" if pk in publish.own_ids else "other"
        values = [figures[group]["unit"].get((year, pk), 0) for year in years]
        cells = [publish.unit_figure(pk, value, str(year)) for value, year in zip(values, years, strict=True)]
        row = Row(label=str(unit_info[pk]), cells=cells, unit_id=pk,
                  total=cells[0] if len(years) == 1 else publish.unit_figure(pk, sum(values), period))
        if len(years) > 1:
            before = (publish.unit_figure(pk, ytd[group]["unit"].get((pk,), 0), ytd_period) if ytd is not None
                      else cells[-2])
            row.change, row.previous = _change(cells[-1], before), before
        result.rows.append(row)
    # The chart shows the units with most incidents the last year; the table has them all.
    result.chart_items = sorted(((row.label, row.cells[-1]) for row in result.rows),
                                key=lambda item: -item[1].value)[:UNIT_CHART_LIMIT]
    return result


def _rates(units_table: Table, unit_info: dict, years: list[int]) -> Table:
    """Incidents per 100 employees, for the units whose headcount the administrator has entered for the year."""
    heads = {(h.unit_id, h.year): h.employees
             for h in Headcount.objects.filter(unit_id__in=list(unit_info), year__in=years)}
    title = _("Incidents per 100 employees")
    result = Table(key="rate", title=str(title), columns=[str(y) for y in years], has_total=False,
                   chart_title=f"{title}, {years[-1]}")
    for row in units_table.rows:
        if not any((row.unit_id, year) in heads for year in years):
            continue
        cells = [Figure(round(100 * cell.value / heads[(row.unit_id, year)], 1), cell.approx)
                 if (row.unit_id, year) in heads else None
                 for cell, year in zip(row.cells, years, strict=True)]
        result.rows.append(Row(label=row.label, cells=cells, unit_id=row.unit_id))
    return result
