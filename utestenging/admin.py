"""Administrators read decisions here; every change goes through the services (the only actions offered)."""

import datetime
import re

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nav_sikkerhet.core.admin import CitizenAuditMixin, ReadOnlyAdminMixin
from nav_sikkerhet.core.admin_history import HistoryAdmin

from . import rules, services
from .models import (
    AlternativeAssessment,
    AlternativeChannel,
    Decision,
    DecisionEvent,
    DigitalChannel,
    Fact,
    Ground,
    Letter,
    Registration,
    RiskCheck,
    ServiceComplaint,
)

# The case number (US-2026-00017) is made from the year created and the row's id: an admin searches by it.
CASE_NUMBER = re.compile(r"^\s*US-(\d{4})-0*(\d+)\s*$", re.IGNORECASE)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class FactInline(ReadOnlyInline):
    model = Fact
    fields = ["occurred_on", "description"]


class ChannelInline(ReadOnlyInline):
    model = AlternativeChannel
    fields = ["channel", "person_name", "phone", "times", "unit", "address", "place", "note"]


class AlternativeAssessmentInline(ReadOnlyInline):
    model = AlternativeAssessment
    fk_name = "decision"
    fields = ["alternative", "outcome", "tried_on", "warning", "measure", "reason"]


class RegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ["kind", "done_on", "reference", "done_by"]


class ComplaintInline(ReadOnlyInline):
    model = ServiceComplaint
    fields = ["received_on", "from_whom", "summary", "answered_on", "answer_summary", "answered_by"]


class LetterInline(ReadOnlyInline):
    """The archived letters: read-only, as the files and their SHA-256 never change."""

    model = Letter
    fields = ["kind", "language", "status", "sha256", "created_at", "created_by", "generated_at", "error"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = DecisionEvent
    fields = ["at", "kind", "actor", "text"]


@admin.action(description=_("Bring status in line with the dates (activate or expire)"))
def refresh_status(modeladmin, request, queryset):
    changed = 0
    # Plain values: .only() on the changelist's queryset, which follows list_select_related, raised a FieldError.
    for decision_id, before in queryset.values_list("pk", "status"):
        try:
            after = services.decision_refresh_status(decision_id=decision_id, by=request.user).status
        except ValidationError as error:
            modeladmin.message_user(request, "; ".join(error.messages), level=messages.ERROR)
            continue
        changed += after != before
    modeladmin.message_user(
        request,
        ngettext("%(count)d decision changed status.", "%(count)d decisions changed status.", changed)
        % {"count": changed},
    )


# The transition table and the guideline's rules live in the services; the admin never edits a decision, its
# facts, channels or letters (not even by "reverting" to an old version): corrections go through the app's
# own actions, which keep the history.
@admin.register(Decision)
class DecisionAdmin(CitizenAuditMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["case_number", "kind", "status", "unit", "citizen", "valid_from", "valid_to", "signed_by"]
    list_filter = ["status", "kind", "scope", "unit__region", "unit"]
    search_fields = ["citizen__name", "unit__number", "unit__name"]
    list_select_related = ["unit", "citizen", "signed_by"]
    date_hierarchy = "valid_from"
    actions = [refresh_status]
    inlines = [FactInline, AlternativeAssessmentInline, ChannelInline, RegistrationInline, ComplaintInline,
               LetterInline, EventInline]
    audit_action = "admin.decision"
    history_json_choices = {"grounds": Ground.choices, "digital_channels": DigitalChannel.choices}

    def audited_citizen(self, obj):
        return obj.citizen

    def get_search_results(self, request, queryset, search_term):
        match = CASE_NUMBER.match(search_term or "")
        if match:
            year, pk = (int(group) for group in match.groups())
            # The number shows the year in UTC (created_at as stored), so compare in UTC too.
            start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
            return queryset.filter(pk=pk, created_at__gte=start, created_at__lt=start.replace(year=year + 1)), False
        return super().get_search_results(request, queryset, search_term)


# A risk check is a record of what was known and recommended on the day: it is read, never edited or removed here
# (retention removes it with the rest of the citizen's data).
@admin.register(RiskCheck)
class RiskCheckAdmin(CitizenAuditMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["planned_on", "kind", "place", "recommendation", "unit", "created_by", "created_at"]
    list_filter = ["recommendation", "kind", "place", "unit"]
    list_select_related = ["unit", "created_by"]
    date_hierarchy = "planned_on"
    fields = ["citizen", "unit", "planned_on", "kind", "place", "companions", "alarm_available", "police_informed",
              "measures_in_force", "incidents_24_months", "recommendation", "reasons_given", "created_by",
              "created_at"]
    readonly_fields = fields
    audit_action = "admin.risk_check"

    @admin.display(description=_("reasons"))
    def reasons_given(self, obj):
        # The stored keys in the words the risk check page uses, not as raw JSON.
        return "; ".join(str(rules.RISK_REASONS.get(key, key)) for key in obj.reasons or [])

    def audited_citizen(self, obj):
        return obj.citizen
