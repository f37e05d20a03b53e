"""Administrators read incidents here; every change goes through the services in the app itself."""

import re

from django.contrib import admin

from nav_sikkerhet.core.admin import CitizenAuditMixin, ReadOnlyAdminMixin
from nav_sikkerhet.core.admin_history import HistoryAdmin

from .models import Category, CitizenWarning, ExposedPerson, Incident, Measure, Proposal, ReviewMeeting

REFERENCE = re.compile(r"^\s*HEN-\d{4}-0*(\d+)\s*$", re.IGNORECASE)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ExposedInline(ReadOnlyInline):
    model = ExposedPerson
    fields = ["name", "employer", "debrief_offered_on", "bht", "sick_leave", "follow_up_done_on"]


class MeasureInline(ReadOnlyInline):
    model = Measure
    fields = ["kind", "decided_on", "description", "decided_by"]


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = ["kind", "proposed_on", "proposed_by", "decision", "outcome", "outcome_reason", "outcome_by"]


@admin.register(Incident)
class IncidentAdmin(CitizenAuditMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["reference", "occurred_at", "unit", "category", "channel", "injury", "status"]
    list_filter = ["status", "category", "channel", "injury", "unit__region", "unit"]
    search_fields = ["unit__number", "unit__name", "asys_reference", "municipal_reference"]
    list_select_related = ["unit"]
    date_hierarchy = "occurred_at"
    inlines = [ExposedInline, MeasureInline, ProposalInline]
    audit_action = "admin.incident"
    history_json_choices = {"other_categories": Category.choices}

    def audited_citizen(self, obj):
        return obj.citizen

    def get_search_results(self, request, queryset, search_term):
        # The reference (HEN-2026-00017) is made from the row's id: find it by that.
        match = REFERENCE.match(search_term or "")
        if match:
            return queryset.filter(pk=int(match.group(1))), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(CitizenWarning)
class CitizenWarningAdmin(CitizenAuditMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["given_on", "form", "unit", "citizen"]
    list_filter = ["form", "unit"]
    list_select_related = ["unit", "citizen"]
    audit_action = "admin.warning"

    def audited_citizen(self, obj):
        return obj.citizen


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["held_on", "unit", "created_by"]
    list_filter = ["unit"]
    list_select_related = ["unit", "created_by"]
