from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import access, retention, services, signin
from .admin_history import HistoryAdmin
from .models import (
    ApiKey,
    ApiScope,
    AuditLogEntry,
    Citizen,
    RetentionHold,
    RoleAssignment,
    SignInLogEntry,
    Unit,
    User,
)


class CitizenAuditMixin:
    """Writes one audit-log line each time an admin page shows a citizen's data."""

    audit_action = "admin.view"

    def audited_citizen(self, obj):
        return obj

    def _audit(self, request, object_id, message):
        obj = self.get_object(request, object_id) if object_id else None
        citizen = self.audited_citizen(obj) if obj is not None else None
        if citizen is not None and self.has_view_or_change_permission(request, obj):
            services.audit_log_record(
                actor=request.user,
                citizen=citizen,
                action=self.audit_action,
                message=message,
                request=request,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._audit(request, object_id, _("Shown in administration"))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._audit(request, object_id, _("History shown in administration"))
        return super().history_view(request, object_id, extra_context)


class ReadOnlyAdminMixin:
    """For records changed only through services, or never: the admin may look, not touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history's page for an old version saves ("reverts") on POST with only the view permission:
        # here it may be looked at, never posted.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def delete_model(self, request, obj):
        raise PermissionDenied


class ServiceErrorsMixin:
    """Turns a refused service call into a message instead of a server error."""

    def _call_service(self, request, fn, **kwargs):
        try:
            return fn(**kwargs)
        except (PermissionDenied, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, level=messages.ERROR)
            return None


@admin.register(Unit)
class UnitAdmin(ServiceErrorsMixin, HistoryAdmin):
    list_display = [
        "number",
        "name",
        "unit_type",
        "municipality_number",
        "municipality_name",
        "result_area",
        "region",
        "is_active",
    ]
    list_filter = ["unit_type", "region", "result_area", "is_active"]
    search_fields = ["number", "name", "municipality_name", "municipality_number"]

    def save_model(self, request, obj, form, change):
        self._call_service(request, services.unit_save, by=request.user, unit=obj)

    def has_delete_permission(self, request, obj=None):
        # Units are deactivated, never deleted: decisions and the audit log refer to them.
        return False


@admin.register(Citizen)
class CitizenAdmin(CitizenAuditMixin, ServiceErrorsMixin, HistoryAdmin):
    # The list shows no identity number, and search is by name only: search terms travel in the URL.
    list_display = ["name", "birth_date", "postal_city", "preferred_language"]
    list_filter = ["preferred_language", "ident_kind"]
    search_fields = ["name"]
    readonly_fields = ["public_id", "ident_kind", "birth_date"]
    fields = [
        "public_id",
        "personident",
        "ident_kind",
        "birth_date",
        "name",
        "address",
        "postal_code",
        "postal_city",
        "country",
        "preferred_language",
    ]
    audit_action = "admin.citizen"

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            saved = self._call_service(request, services.citizen_update, by=request.user, citizen_id=obj.pk, **data)
        else:
            data.setdefault("name", obj.name)
            data.setdefault("personident", obj.personident)
            saved = self._call_service(request, services.citizen_create, by=request.user, **data)
        if saved is not None:
            obj.pk, obj.public_id = saved.pk, saved.public_id

    def has_delete_permission(self, request, obj=None):
        return False


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fields = ["unit", "role", "employer", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Assignments go through RoleAssignmentAdmin so permissions are granted by the service.
        return False


class StaffWithoutPasswordForm(forms.ModelForm):
    """A new staff account that signs in with the NAV account only."""

    class Meta:
        model = User
        fields = ["username", "nav_ident", "first_name", "last_name", "email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


# Django names the permissions it makes in English when the tables are created ("Can view citizen"); the staff
# page shows them in the user's language, and a history table's as the history of its model.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"), "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"), "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    base = getattr(model, "instance_type", None)  # simple_history's historical model points at its model
    name = (_("history of %(model)s") % {"model": base._meta.verbose_name} if base is not None
            else model._meta.verbose_name)
    text = (PERMISSION_ACTIONS[action] % {"model": name}
            if action in PERMISSION_ACTIONS and model_name == model._meta.model_name else permission.name)
    return f"{model._meta.app_config.verbose_name} | {text}"


admin.site.unregister(Group)


@admin.register(Group)
class NavGroupAdmin(GroupAdmin):
    """Django's groups, with the permissions named as on the staff page."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "nav_ident", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "role_assignments__role"]
    search_fields = ["username", "nav_ident", "first_name", "last_name", "email"]
    inlines = [RoleAssignmentInline]
    fieldsets = [
        *UserAdmin.fieldsets[:1],
        (_("NAV"), {"fields": ["nav_ident", "title", "phone", "language"]}),
        *UserAdmin.fieldsets[1:],
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "nav_ident", "email", "password1", "password2"]}),
    ]
    # With OIDC as the only way in, staff are added without a password and no password is set or shown.
    oidc_add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "nav_ident", "first_name", "last_name", "email"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if signin.password_login_allowed():
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.oidc_add_fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "password"]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "user_permissions":
            field.label_from_instance = permission_label
        return field

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not signin.password_login_allowed():
            kwargs["form"] = StaffWithoutPasswordForm
        return super().get_form(request, obj, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        if not signin.password_login_allowed():
            raise Http404
        return super().user_change_password(request, id, form_url)


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "unit", "role", "employer"]

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        # Asked here too so the admin shows the refusal on the form instead of after a failed save.
        if not access.may_manage_roles(self.acting_user, unit):
            raise ValidationError(_("You may not manage roles in this unit."), code="permission")
        return unit


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceErrorsMixin, HistoryAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "unit", "role", "employer", "created_at"]
    list_filter = ["role", "employer", "unit__region", "unit__unit_type"]
    search_fields = ["user__username", "user__nav_ident", "user__last_name", "unit__number", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            self._call_service(
                request, services.role_change, by=request.user, assignment_id=obj.pk, unit=obj.unit, role=obj.role,
                employer=obj.employer,
            )
        else:
            saved = self._call_service(
                request, services.role_assign, by=request.user, user=obj.user, unit=obj.unit, role=obj.role,
                employer=obj.employer,
            )
            if saved is not None:
                obj.pk = saved.pk

    def delete_model(self, request, obj):
        self._call_service(request, services.role_revoke, by=request.user, assignment_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for assignment_id in queryset.values_list("pk", flat=True):
            self._call_service(request, services.role_revoke, by=request.user, assignment_id=assignment_id)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(CitizenAuditMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["created_at", "actor_ident", "event", "action", "message"]
    list_filter = ["event", "action", "created_at"]
    search_fields = ["actor_ident", "action"]
    date_hierarchy = "created_at"
    audit_action = "admin.audit_log"

    def audited_citizen(self, obj):
        return obj.citizen


@admin.register(SignInLogEntry)
class SignInLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the sign-in log is append-only."""

    list_display = ["created_at", "event", "method", "nav_ident", "reason", "source_ip"]
    list_filter = ["event", "method", "reason", "created_at"]
    search_fields = ["nav_ident"]
    date_hierarchy = "created_at"


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ApiKey
        fields = ["scopes"]


@admin.register(ApiKey)
class ApiKeyAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    """Keys are made with `manage.py create_api_key`, which prints the key once; here they are changed and revoked."""

    form = ApiKeyForm
    list_display = ["system", "prefix", "scope_list", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["system", "prefix"]
    readonly_fields = ["system", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    fields = ["system", "prefix", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        self._call_service(
            request, services.api_key_set_scopes, by=request.user, api_key_id=obj.pk, scopes=form.cleaned_data["scopes"]
        )

    @admin.action(description=_("Revoke the selected API keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for api_key_id in queryset.values_list("pk", flat=True):
            self._call_service(request, services.api_key_revoke, by=request.user, api_key_id=api_key_id)
        self.message_user(request, _("The selected API keys are revoked."), level=messages.SUCCESS)


@admin.register(RetentionHold)
class RetentionHoldAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The holds, placed from the decision's or incident's page, under the retention schedule (read-only:
    the schedule is set in settings)."""

    change_list_template = "admin/core/retentionhold/change_list.html"
    list_display = ["record_label", "until", "placed_by", "placed_at"]
    list_filter = ["content_type"]

    @admin.display(description=_("record"))
    def record_label(self, obj):
        return str(obj.record) if obj.record is not None else "–"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "schedule": retention.schedule()}
        return super().changelist_view(request, extra_context=extra_context)
