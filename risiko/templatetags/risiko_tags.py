"""The matrix' zones and scale labels for the templates."""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from risiko.models import HEX_COLOUR, EventCategory, MeasureKind, MeasureStatus, Zone

register = template.Library()


@register.filter
def zone(zones: dict, code: str | None) -> dict:
    """A zone's definition (name, colours, description) by its code; empty for an event not yet assessed."""
    return zones.get(code, {}) if code else {}


@register.filter
def level_label(labels: list, level: int | None) -> str:
    return labels[level - 1] if level else ""


@register.filter
def acceptance_note(event, zone_code: str) -> str:
    """A red event's risk acceptance: who gave it, whether it still holds, and why (the page and the report)."""
    acceptance = getattr(event, "acceptance", None) if zone_code == Zone.RED else None
    if acceptance is None:  # read with the event (select_related), so asking costs no query
        return ""
    who = acceptance.accepted_by.get_full_name() or acceptance.accepted_by.username
    lapsed = _("the acceptance was given for other levels and no longer holds")
    note = "" if acceptance.holds_for(event) else f" ({esc(lapsed)})"
    accepted = esc(_("Risk accepted by %(name)s") % {"name": who})
    return mark_safe(f"<em>{accepted}{note}:</em> {esc(acceptance.reason)}")  # noqa: S308 (escaped)


@register.filter
def css_colour(value: str) -> str:
    """A #rrggbb colour for a style sheet; anything else (never valid data) becomes a harmless grey."""
    return value if isinstance(value, str) and HEX_COLOUR.match(value) else "#767676"


# The page of an analysis of 300 events repeats these rows hundreds of times: built here with f-strings and
# html.escape (what Django's escape does), they render in a fraction of the template engine's time (bench/ros.py),
# with the same markup. Every value from the database passes through esc().


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _url_pattern(name: str, analysis_id: int) -> str:
    """The URL of name for the analysis with "{}" where the row's id goes: reversed once, not per row."""
    return reverse(name, args=[analysis_id, 987654321]).replace("987654321", "{}")


@register.simple_tag(takes_context=True)
def event_rows(context, page, *, may_edit: bool, may_follow_up: bool, draft: bool, with_incidents: bool,
               may_accept: bool = False):
    """The rows of the events table (risiko/detail.html)."""
    zones, p_labels, c_labels = page.zones, page.probability_labels, page.consequence_labels
    zone_names = {code: esc(zone(zones, code).get("name", "")) for code in zones}
    categories = {value: esc(label) for value, label in EventCategory.choices}
    edit_url = _url_pattern("risiko:event_edit", page.analysis.pk)
    measure_url = _url_pattern("risiko:measure_add", page.analysis.pk)
    as_in_template = f' <span class="tag">{esc(_("as in the template"))}</span>'
    barriers, change, add = esc(_("Barriers")), esc(_("Change the event")), esc(_("Add a measure"))
    not_assessed = esc(_("Not assessed"))
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(context.get("csrf_token", ""))}">'
    confirm_url = _url_pattern("risiko:event_confirm", page.analysis.pk)
    accept_url = _url_pattern("risiko:risk_accept", page.analysis.pk)
    confirm = esc(_("Confirm that it fits the unit"))
    accept = esc(_("Accept the risk"))
    not_mapped = esc(_("Not mapped to ASYS categories"))
    kinds = {value: esc(label) for value, label in MeasureKind.choices}
    template_measures = esc(_("Measures the template proposes"))
    from_template = f' <span class="tag">{esc(_("from the template"))}</span>'
    rows = []
    for row in page.rows:
        e = row.event
        parts = [f"<strong>{esc(e.title)}</strong>"]
        if e.as_in_template and draft:
            parts.append(as_in_template)
            if may_edit:
                parts.append(f' <form method="post" action="{confirm_url.format(e.pk)}" class="inline-form">{csrf}'
                             f'<button type="submit" class="aksel-button aksel-button--small" '
                             f'data-variant="secondary">{confirm}</button></form>')
        if note := acceptance_note(e, row.zone):
            parts.append(f"<br>{note}")
        if e.description:
            parts.append("<br>" + "<br>".join(esc(line) for line in e.description.splitlines()))
        if e.barriers:
            parts.append(f"<br><em>{barriers}:</em> {esc(e.barriers)}")
        proposed = e.template_measures.all()
        if proposed:
            items = "".join(f'<li>{kinds.get(p.kind, "")}: {esc(p.description)}{from_template}</li>' for p in proposed)
            parts.append(f'<br><em>{template_measures}:</em><ul class="template-measures">{items}</ul>')
        if may_edit:
            parts.append(f'<br><a class="aksel-link" href="{edit_url.format(e.pk)}">{change}</a>')
        if may_follow_up:
            parts.append(f'{" · " if may_edit else "<br>"}<a class="aksel-link" '
                         f'href="{measure_url.format(e.pk)}">{add}</a>')
        if may_accept and row.zone == Zone.RED:
            parts.append(f' · <a class="aksel-link" href="{accept_url.format(e.pk)}">{accept}</a>')
        label = level_label(p_labels, e.probability)
        frequency = f" ({esc(e.frequency)})" if e.frequency and e.frequency.lower() != label.lower() else ""
        if row.residual_zone:
            after = (f'{e.residual_probability} × {e.residual_consequence} <span class="zone-tag '
                     f'zone--{esc(row.residual_zone)}">{zone_names.get(row.residual_zone, "")}</span>')
        else:
            after = not_assessed
        incidents = ""
        if with_incidents:
            incidents = f'<td class="incident-counts">{_incident_cell(row, p_labels, not_mapped)}</td>'
        marked = ' data-underestimated="true"' if with_incidents and row.suggestion else ""
        rows.append(
            f'<tr id="hendelse-{e.pk}" data-zone="{esc(row.zone)}"{marked}><td>{"".join(parts)}</td>'
            f"<td>{categories.get(e.category, '')}</td><td>{e.probability} – {esc(label)}{frequency}</td>"
            f"<td>{e.consequence} – {esc(level_label(c_labels, e.consequence))}</td>"
            f'<td><span class="zone-tag zone--{esc(row.zone)}">{zone_names.get(row.zone, "")}</span></td>'
            f"<td>{after}</td>{incidents}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value above went through esc()


def _incident_cell(row, p_labels, not_mapped: str) -> str:
    """The count of the event's incidents, what it counts, and what it suggests about the probability."""
    if row.incident_count is None:
        return f'<span class="aksel-detail">{not_mapped}</span>'
    cell = f'<strong>{row.incident_count}</strong><br><span class="aksel-detail">{esc(row.mapping)}</span>'
    hint = row.suggestion
    if hint:
        cell += (
            '<p class="alert alert--warning incident-suggestion"><strong>'
            + esc(_("The incidents suggest probability %(level)d – %(label)s")
                  % {"level": hint.level, "label": level_label(p_labels, hint.level)})
            + "</strong>: "
            + esc(_("%(count)d in the last 12 months; the matrix puts %(threshold)d or more a year at this level.")
                  % {"count": hint.count, "threshold": hint.threshold})
            + "</p>"
        )
    return cell


@register.simple_tag(takes_context=True)
def measure_lists(context, page, *, may_follow_up: bool):
    """Each event's measures with their follow-up form (risiko/detail.html)."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(context.get("csrf_token", ""))}">'
    status_url = _url_pattern("risiko:measure_status", page.analysis.pk)
    due, status_label, due_label, save = (esc(_("due")), esc(_("Status")), esc(_("Due date")), esc(_("Save")))
    kinds = {value: esc(label) for value, label in MeasureKind.choices}
    statuses = {value: esc(label) for value, label in MeasureStatus.choices}
    options = {current: "".join(f'<option value="{value}"{" selected" if value == current else ""}>{label}</option>'
                                for value, label in statuses.items())
               for current in statuses}
    out = []
    for row in page.rows:
        if not row.measures:
            continue
        items = []
        for m in row.measures:
            who = esc(m.responsible.get_full_name() or m.responsible.username)
            done = f" {_date(m.done_on)}" if m.done_on else ""
            form = ""
            if may_follow_up and m.status != MeasureStatus.DONE:
                form = (
                    f'<form method="post" action="{status_url.format(m.pk)}" class="inline-form">{csrf}'
                    f'<label class="visually-hidden" for="status-{m.pk}">{status_label}</label>'
                    f'<select id="status-{m.pk}" name="status">{options.get(m.status, "")}</select>'
                    f'<label for="due-{m.pk}">{due_label}</label><input type="date" id="due-{m.pk}" name="due_on" '
                    f'value="{m.due_on.isoformat()}"><button type="submit" class="aksel-button aksel-button--small" '
                    f'data-variant="secondary">{save}</button></form>'
                )
            items.append(f'<li id="tiltak-{m.pk}"><strong>{kinds.get(m.kind, "")}</strong>: {esc(m.description)} – '
                         f"{who}, {due} {_date(m.due_on)}, <strong>{statuses.get(m.status, '')}</strong>{done}{form}"
                         "</li>")
        out.append(f'<h3 class="aksel-heading aksel-heading--small">{esc(row.event.title)}</h3>'
                   f'<ul>{"".join(items)}</ul>')
    return mark_safe("\n".join(out))  # noqa: S308 -- every value above went through esc()
