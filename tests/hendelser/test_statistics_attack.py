"""The attacker: a head of one unit reads every statistics table she can reach for the units of her region and
another region, over every filter, and solves the relations between them. She must learn no other unit's count.

Her unknowns are the counts she cannot see: per unit and year, the incidents per quarter (Q), per category and
channel (K), the exposed staff per employer (E) and the incidents also involving a category (A). A quarter split
and a category × channel split of the same incidents are linked only through their sum, so these are all the
unknowns any table can be a sum of. Every figure shown gives a known sum of them (exact) or a sum within 4 of it
(rounded to a multiple of 5). She then tries two attacks: linear algebra (numpy least squares: which sums are
fixed by the exact figures, and which the rounded ones pin down to less than ±0.5) and integer bounds (every
unknown is a whole number ≥ 0; each sum narrows the others, repeated until nothing moves).
"""

import datetime
import itertools
import random

import numpy as np
import pytest
from django.http import QueryDict
from django.utils import timezone

from hendelser import counts, statistics
from hendelser.models import Category, Channel, Employer, ExposedPerson, Incident
from nav_sikkerhet.core.models import Role, UnitType

from ..factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# The last day of the year: "the same period last year" is then all of last year, so the change needs no
# unknowns of its own (it is still rounded as a cell of its own).
TODAY = datetime.date(2026, 12, 31)
YEARS = [2025, 2026]
# The data use some categories and channels; the attacker is told that the others are empty everywhere, which only
# helps her (and keeps her equations small enough to solve in a moment).
CATEGORIES, CHANNELS = list(Category.values)[:4], list(Channel.values)[:5]
ALSO = list(Category.values)[5:6]
EMPLOYERS = list(Employer.values)


@pytest.fixture
def world(staff_with_role, settings):
    settings.STATISTICS_ROUNDING_KEY = "attacker-test"
    own = UnitFactory(number="0315", name="NAV Grünerløkka")
    oslo_b = UnitFactory(number="0328", name="NAV Grorud")
    oslo_c = UnitFactory(number="4153", name="NAV Kontaktsenter Oslo", unit_type=UnitType.KONTAKTSENTER)
    bergen = UnitFactory(number="1203", name="NAV Årstad", region="Vestland", municipality_number="4601")
    units = [own, oslo_b, oslo_c, bergen]
    rng = random.Random(20)  # noqa: S311 – test data
    registrant = UserFactory()
    incidents = []
    for unit, (year, per_year) in itertools.product(units, [(2025, 14), (2026, 11)]):
        for _ in range(per_year + rng.randrange(8)):
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(364))
            municipal = rng.random() < .4 and unit.unit_type == UnitType.NAV_KONTOR
            incidents.append(Incident(
                unit=unit, occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
                category=rng.choice(CATEGORIES), channel=rng.choice(CHANNELS),
                other_categories=ALSO if rng.random() < .2 else [], description="Trussel",
                perpetrator="unknown", registered_by=registrant, exposed_state=0 if municipal else 1,
                exposed_municipal=1 if municipal else 0,
            ))
    Incident.objects.bulk_create(incidents)
    ExposedPerson.objects.bulk_create([ExposedPerson(incident=i, name="Veileder", employer="state")
                                       for i in incidents])
    counts.rebuild()
    leader = staff_with_role(Role.ENHETSLEDER, own, username="attacker")
    return {"units": units, "own": own, "leader": leader, "incidents": incidents}


class Unknowns:
    """The attacker's unknowns, and the true values the test keeps to judge her by."""

    def __init__(self, units, incidents):
        self.units = [u.pk for u in units]
        self.index, self.keys = {}, []
        for unit, year in itertools.product(self.units, YEARS):
            for q in range(1, 5):
                self._add(("Q", unit, year, q))
            for cat, ch in itertools.product(CATEGORIES, CHANNELS):
                self._add(("K", unit, year, cat, ch))
            for employer in EMPLOYERS:
                self._add(("E", unit, year, employer))
            for cat in ALSO:
                self._add(("A", unit, year, cat))
        self.truth = np.zeros(len(self.index))
        for i in incidents:
            moment = timezone.localtime(i.occurred_at)
            year, q = moment.year, (moment.month - 1) // 3 + 1
            self.truth[self.index[("Q", i.unit_id, year, q)]] += 1
            self.truth[self.index[("K", i.unit_id, year, i.category, i.channel)]] += 1
            self.truth[self.index[("E", i.unit_id, year, Employer.STATE)]] += i.exposed_state
            self.truth[self.index[("E", i.unit_id, year, Employer.MUNICIPAL)]] += i.exposed_municipal
            for cat in i.other_categories:
                self.truth[self.index[("A", i.unit_id, year, cat)]] += 1

    def _add(self, key):
        self.index[key] = len(self.index)
        self.keys.append(key)

    def select(self, family, units, years, **fixed) -> frozenset:
        """The unknowns of a family for the units and years, with some coordinates fixed."""
        chosen = set()
        for key, position in self.index.items():
            if key[0] != family or key[1] not in units or key[2] not in years:
                continue
            names = {"Q": ("q",), "K": ("category", "channel"), "E": ("employer",), "A": ("category",)}[family]
            coordinates = dict(zip(names, key[3:], strict=True))
            if all(coordinates[name] == value for name, value in fixed.items()):
                chosen.add(position)
        return frozenset(chosen)


def _figures_of_page(page, unknowns: Unknowns, scope: list[int], unit_info: dict):
    """(unknowns summed, figure shown) for every figure on the page, as the attacker reads its meaning."""
    years = page.years
    category_code = {str(label): code for code, label in Category.choices}
    channel_code = {str(label): code for code, label in Channel.choices}
    employer_code = {str(label): code for code, label in Employer.choices}
    type_code = {str(label): code for code, label in UnitType.choices}
    unit_by_label = {str(unit): pk for pk, unit in unit_info.items()}
    found = [(unknowns.select("Q", scope, years), page.total)]
    for table in page.tables:
        for row in table.rows:
            if table.key == "quarter":
                year = int(row.label)
                found += [(unknowns.select("Q", scope, [year], q=q + 1), cell) for q, cell in enumerate(row.cells)]
                found.append((unknowns.select("Q", scope, [year]), row.total))
                if row.previous:
                    found.append((unknowns.select("Q", scope, [year - 1]), row.previous))
                continue
            if table.key == "rate":
                continue  # worked out from the unit table's figures
            if table.key == "cross":
                code, year = category_code[row.label], years[-1]
                found += [(unknowns.select("K", scope, [year], category=code, channel=channel), cell)
                          for channel, cell in zip(Channel.values, row.cells, strict=True)]
                found.append((unknowns.select("K", scope, [year], category=code), row.total))
                continue
            family, units, fixed = {
                "category": lambda label: ("K", scope, {"category": category_code[label]}),
                "channel": lambda label: ("K", scope, {"channel": channel_code[label]}),
                "also": lambda label: ("A", scope, {"category": category_code[label]}),
                "employer": lambda label: ("E", scope, {"employer": employer_code[label]}),
                "unit_type": lambda label: ("Q", [pk for pk in scope if unit_info[pk].unit_type == type_code[label]],
                                            {}),
                "unit": lambda label: ("Q", [unit_by_label[label]], {}),
            }[table.key](row.label)
            found += [(unknowns.select(family, units, [year], **fixed), cell)
                      for year, cell in zip(years, row.cells, strict=True)]
            if row.total is not None:
                found.append((unknowns.select(family, units, years, **fixed), row.total))
            if row.previous is not None and len(years) > 1:
                found.append((unknowns.select(family, units, [years[-2]], **fixed), row.previous))
    return found


def _read_everything(world):
    """Every table the attacker can reach: all, each region, each unit; both years and each year alone."""
    units = world["units"]
    unit_info = {u.pk: u for u in units}
    unknowns = Unknowns(units, world["incidents"])
    scopes = [("region=", [u.pk for u in units])]
    scopes += [(f"region={region}", [u.pk for u in units if u.region == region]) for region in ("Oslo", "Vestland")]
    scopes += [(f"unit={u.number}", [u.pk]) for u in units]
    figures = {}
    for (query, scope), (first, last) in itertools.product(scopes, [(2025, 2026), (2025, 2025), (2026, 2026)]):
        page = statistics.statistics_page(user=world["leader"], today=TODAY,
                                          params=QueryDict(f"{query}&year_from={first}&year_to={last}"))
        assert not page.form.errors
        for sums, figure in _figures_of_page(page, unknowns, scope, unit_info):
            if not sums:  # a category or channel the data do not use, or a unit type not chosen
                assert figure.value == 0
                continue
            # One sum shown in several places is always shown the same (asking again tells nothing new).
            assert figures.setdefault(sums, figure) == figure, "one cell shown two ways"
    return unknowns, figures


def _rows(unknowns, figures):
    """The attacker's equations: each figure's sum within [low, high]; the splits of a unit's year agree."""
    rows, low, high = [], [], []
    for sums, figure in figures.items():
        vector = np.zeros(len(unknowns.index))
        vector[list(sums)] = 1
        slack = 4 if figure.approx else 0
        rows.append(vector)
        low.append(max(0, figure.value - slack))
        high.append(figure.value + slack)
    for unit, year in itertools.product(unknowns.units, YEARS):
        vector = np.zeros(len(unknowns.index))
        vector[list(unknowns.select("Q", [unit], [year]))] = 1
        vector[list(unknowns.select("K", [unit], [year]))] = -1
        rows.append(vector)
        low.append(0)
        high.append(0)
    return np.array(rows), np.array(low, dtype=float), np.array(high, dtype=float)


def _targets(unknowns, own_pk, figures):
    """What the attacker must not learn: every count of another unit, alone and added up as any table shows it."""
    targets = {frozenset([position]) for key, position in unknowns.index.items() if key[1] != own_pk}
    targets |= {sums for sums, figure in figures.items() if figure.approx}
    return [t for t in targets if any(unknowns.keys[p][1] != own_pk for p in t)]


def _linear_attack(matrix, low, high, targets, size):
    """Targets the figures fix to within ±0.5 by least squares: exactly by the exact figures, or nearly."""
    exact = low == high
    recovered = []
    target_matrix = np.zeros((size, len(targets)))
    for column, target in enumerate(targets):
        target_matrix[list(target), column] = 1
    for rows, slack in ((exact, 0.0), (np.ones_like(exact, dtype=bool), 4.0)):
        weights, *_ = np.linalg.lstsq(matrix[rows].T, target_matrix, rcond=None)
        residual = np.abs(matrix[rows].T @ weights - target_matrix).max(axis=0)
        error = slack * (np.abs(weights) * ~exact[rows][:, None]).sum(axis=0)
        recovered += [targets[c] for c in range(len(targets)) if residual[c] < 1e-6 and error[c] < 0.5]
    return recovered


def _bounds_attack(matrix, low, high, size):
    """Whole numbers ≥ 0 within every figure's range: narrow each unknown by the others until nothing moves."""
    lo, hi = np.zeros(size), np.full(size, 1e6)
    members = [np.flatnonzero(row) for row in matrix]
    signs = [row[m] for row, m in zip(matrix, members, strict=True)]
    for _round in range(50):
        moved = False
        for m, sign, row_low, row_high in zip(members, signs, low, high, strict=True):
            least = np.where(sign > 0, lo[m], -hi[m])
            most = np.where(sign > 0, hi[m], -lo[m])
            total_least, total_most = least.sum(), most.sum()
            # For each unknown: the row's range minus what the others can add at most / least.
            new_high = np.floor(row_high - (total_least - least))
            new_low = np.ceil(row_low - (total_most - most))
            positive = sign > 0
            upper = np.where(positive, new_high, -new_low)
            lower = np.where(positive, new_low, -new_high)
            if (upper < hi[m]).any() or (lower > lo[m]).any():
                hi[m], lo[m] = np.minimum(hi[m], upper), np.maximum(lo[m], lower)
                moved = True
        if not moved:
            break
    return lo, hi


def test_the_attacker_recovers_no_count_of_another_unit(world):
    unknowns, figures = _read_everything(world)
    size = len(unknowns.index)
    matrix, low, high = _rows(unknowns, figures)

    # She reads the tables right: every figure is its sum, or within 4 of it where rounded.
    truth = matrix @ unknowns.truth
    assert ((truth >= low) & (truth <= high)).all()
    assert sum(figure.approx for figure in figures.values()) > 300

    targets = _targets(unknowns, world["own"].pk, figures)
    assert len(targets) > 400
    assert not [t for t in _linear_attack(matrix, low, high, targets, size) if unknowns.truth[list(t)].sum()]
    lo, hi = _bounds_attack(matrix, low, high, size)
    assert (lo <= unknowns.truth).all() and (unknowns.truth <= hi).all()
    assert not [t for t in targets if lo[list(t)].sum() == hi[list(t)].sum() and unknowns.truth[list(t)].sum()]

    # The same attacks on the same tables shown exactly (as before the rounding) learn every count: they have teeth.
    assert len(_linear_attack(matrix, truth, truth, targets, size)) >= len(targets)
    lo, hi = _bounds_attack(matrix, truth, truth, size)
    assert all(lo[list(t)].sum() == hi[list(t)].sum() for t in targets)
