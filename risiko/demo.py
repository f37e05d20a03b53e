"""Demo ROS analyses: the Hordaland/Bergen analysis (2014) as the first template, and as NAV Årstad's approved
analysis, with a few measures so the reminders and the measures list show something."""

import datetime
import json
from pathlib import Path

from django.utils import timezone

from nav_sikkerhet.core.models import Unit, User

from . import services
from .models import Analysis, Event, MatrixDefinition, MeasureKind

HORDALAND = Path(__file__).resolve().parent / "data" / "ros-hordaland-2014.json"
BERGEN_UNIT = "1203"  # NAV Årstad, one of the Bergen offices the report names
# The report's measures for NAV Årstad's red events (its lists of preventive and damage-reducing measures).
RED_MEASURES = {
    "Truslar mot person på kontoret": (MeasureKind.PREVENTIVE,
                                       "Jamnlege øvingar i tråd med kontorets sikkerheits- og beredskapsplan"),
    "Trakassering": (MeasureKind.PREVENTIVE,
                     "Felles forståing av kva som er akseptabel og uakseptabel oppførsel, drøfta på personalmøte"),
    "Trussel ved heimebesøk": (MeasureKind.DAMAGE_REDUCING,
                               "Tryggleiksalarm med i alle møte utanfor kontoret og ved heimevitjingar"),
    "Følgje etter NAV-tilsette utanfor NAV-kontoret": (MeasureKind.PREVENTIVE,
                                                       "Systematisk dialog med politirådet i kommunen"),
    "True med skytevåpen": (MeasureKind.PREVENTIVE,
                            "Betre samhandling med politiet ved akutte situasjonar på kontoret"),
    "Slag, lugging, sparking": (MeasureKind.DAMAGE_REDUCING, "Alarmknapp i mottaket og i alle samtalerom"),
    "Holde igjen tilsett, ta tak i tilsett": (MeasureKind.DAMAGE_REDUCING,
                                              "Samtalerom med rømingsveg for den tilsette"),
    "Bruk av kniv, spisse gjenstandar": (MeasureKind.DAMAGE_REDUCING, "Vurdere stikksikre vestar tilgjengelege"),
    "Bruk av skytevåpen": (MeasureKind.PREVENTIVE,
                           "Risikovurdering av kjende, farlege brukarar før samtale, med informasjonsdeling"),
    "Gisselsituasjon på NAV-kontoret": (MeasureKind.DAMAGE_REDUCING,
                                        "Tydelege rutinar for vald og truslar i beredskapsplanen, med tiltakskort"),
}
# The red events the leader accepts for now, and why.
ACCEPTED = {
    "Bruk av blod": "Det har ikkje skjedd hos oss dei siste åra, og rutinane for alarm og smittevern dekkjer det.",
    "Brannstiftelse": "Brannvernet i bygget er nytt i år, og gardeigaren øver evakuering med oss to gonger i året.",
    "Gisselsituasjon utanfor NAV-kontoret": "Vi har ingen heimevitjingar åleine, og politiet har ansvaret utanfor "
                                            "kontoret; vi vurderer det på nytt ved neste revisjon.",
}


def hordaland() -> dict:
    return json.loads(HORDALAND.read_text(encoding="utf-8"))


def load() -> int:
    """Idempotent: nothing is added once an analysis exists."""
    if Analysis.objects.exists():
        return 0
    data = hordaland()
    services.analysis_import(by=None, data=data, unit=None, as_template=True)
    unit = Unit.objects.filter(number=BERGEN_UNIT).first()
    leader = User.objects.filter(username="leder.bergen").first()
    if unit is None or leader is None:
        return 1
    today = timezone.localdate()
    # Vestland's units use a matrix of their own (the report's, under the region's name), so NAV Årstad's
    # analysis shows the matrix it was made on and the admin shows a matrix in use.
    admin = User.objects.filter(username="admin", is_superuser=True).first()
    if admin is not None:
        default = services.matrix_default()
        vestland = services.matrix_save(by=admin, matrix=MatrixDefinition(
            name="Risikomatrise Vestland (ROS Hordaland 2014)", probability_labels=default.probability_labels,
            consequence_labels=default.consequence_labels, cells=default.cells, zones=default.zones,
            incident_thresholds=default.incident_thresholds))
        services.matrix_use_set(by=admin, matrix=vestland, region=unit.region)
    analysis = services.analysis_import(by=leader, data=data, unit=unit)
    services.analysis_update(by=leader, analysis_id=analysis.pk, owner=leader,
                             participants="Berit Bergsland (enhetsleder), HMS-rådgiver, tillitsvalgt, to veiledere "
                                          "fra mottaket",
                             safety_representative="Vegard Vernø",
                             next_review_on=today + datetime.timedelta(days=20))
    phone = Event.objects.get(analysis=analysis, title="Truslar på telefon")
    services.measure_add(by=leader, event_id=phone.pk, kind=MeasureKind.PREVENTIVE,
                         description="Felles rutine for handtering av truslar på telefon, med opplæring",
                         responsible=leader, due_on=today + datetime.timedelta(days=60))
    services.measure_add(by=leader, event_id=phone.pk, kind=MeasureKind.DAMAGE_REDUCING,
                         description="Vurdere automatisk opptak av innkomne telefonsamtaler",
                         responsible=leader, due_on=today - datetime.timedelta(days=3))
    services.event_update(by=leader, event_id=phone.pk, residual_probability=4, residual_consequence=2)
    # Approval asks each event confirmed and each red event answered: by a measure (the report's own), or by
    # the leader's acceptance with the reason.
    for event in analysis.events.all():
        services.event_confirm(by=leader, event_id=event.pk)
        if event.title in RED_MEASURES:
            kind, description = RED_MEASURES[event.title]
            services.measure_add(by=leader, event_id=event.pk, kind=kind, description=description,
                                 responsible=leader, due_on=today + datetime.timedelta(days=90))
        elif event.title in ACCEPTED:
            services.risk_accept(by=leader, event_id=event.pk, reason=ACCEPTED[event.title])
    services.analysis_approve(by=leader, analysis_id=analysis.pk, replaces_id=None)
    return 2
