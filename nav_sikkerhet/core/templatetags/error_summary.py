"""Aksel's ErrorSummary for every page: each error on the page's forms as a link to its field."""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()


def _form_errors(form: forms.BaseForm) -> list[dict]:
    if not form.is_bound or not form.errors:
        return []
    visible = list(form.visible_fields())
    first = f"#{visible[0].id_for_label}" if visible and visible[0].id_for_label else ""
    items = []
    for name, messages in form.errors.items():
        if name in form.fields:
            bound = form[name]
            href, label = (f"#{bound.id_for_label}" if bound.id_for_label else first), bound.label
        else:  # the form as a whole: its first field is where it is put right
            href, label = first, ""
        items += [{"href": href, "label": label, "message": message} for message in messages]
    return items


def _errors(value) -> list[dict]:
    if isinstance(value, BaseFormSet):
        if not value.is_bound:
            return []
        items = [{"href": "", "label": "", "message": message} for message in value.non_form_errors()]
        for form in value.forms:
            items += _form_errors(form)
        return items
    if isinstance(value, forms.BaseForm):
        return _form_errors(value)
    return []


@register.inclusion_tag("core/_error_summary.html", takes_context=True)
def error_summary(context):
    """The errors of every bound form or formset the view put on the page, in the order it put them."""
    seen, items = set(), []
    for value in context.flatten().values():
        if id(value) in seen:
            continue
        seen.add(id(value))
        items += _errors(value)
    return {"errors": items}
