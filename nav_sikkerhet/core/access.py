"""Who may do what: the one module every access check goes through.

Roles are assigned per unit; each role grants django-guardian object permissions on
that unit (the security officer's on every unit in the region, the privacy officer's on
every unit in the country). Anything a user may not see answers 404, so the existence of
a case is never revealed.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from .models import HEAD_ROLES, Role, RoleAssignment, Unit, User


class Perm:
    """Codenames of the object permissions on Unit (core.Unit.Meta.permissions)."""

    VIEW_UNIT = "view_unit"
    PREPARE_DECISION = "prepare_decision"
    SIGN_DECISION = "sign_decision"
    VIEW_DECISIONS = "view_decisions"
    LOOKUP_MEASURES = "lookup_measures"
    REGISTER_INCIDENT = "register_incident"
    VIEW_INCIDENTS = "view_incidents"
    REVIEW_INCIDENTS = "review_incidents"
    VIEW_ROS = "view_ros"
    MANAGE_ROS = "manage_ros"
    VIEW_ACCESS_REPORT = "view_access_report"
    # Right-of-access exports and access reports across every unit, not only the user's own.
    ANSWER_ACCESS_REQUESTS = "answer_access_requests"
    MANAGE_ROLES = "manage_roles"


_LEADER = frozenset(
    {
        Perm.VIEW_UNIT,
        Perm.PREPARE_DECISION,
        Perm.SIGN_DECISION,
        Perm.VIEW_DECISIONS,
        Perm.LOOKUP_MEASURES,
        Perm.REGISTER_INCIDENT,
        Perm.VIEW_INCIDENTS,
        Perm.REVIEW_INCIDENTS,
        Perm.VIEW_ROS,
        Perm.MANAGE_ROS,
        Perm.VIEW_ACCESS_REPORT,
    }
)

# What each role may do in the unit it is assigned to.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ENHETSLEDER: _LEADER,
    Role.STEDFORTREDER: _LEADER,
    Role.SAKSBEHANDLER: frozenset(
        {
            Perm.VIEW_UNIT,
            Perm.PREPARE_DECISION,
            Perm.VIEW_DECISIONS,
            Perm.REGISTER_INCIDENT,
        }
    ),
    Role.MOTTAK: frozenset({Perm.VIEW_UNIT, Perm.LOOKUP_MEASURES, Perm.REGISTER_INCIDENT}),
    Role.KONTAKTSENTER: frozenset({Perm.VIEW_UNIT, Perm.LOOKUP_MEASURES, Perm.REGISTER_INCIDENT}),
    Role.HMS: frozenset(
        {
            Perm.VIEW_UNIT,
            Perm.REGISTER_INCIDENT,
            Perm.VIEW_INCIDENTS,
            Perm.REVIEW_INCIDENTS,
            Perm.VIEW_ROS,
            Perm.MANAGE_ROS,
        }
    ),
    Role.VERNEOMBUD: frozenset(
        {
            Perm.VIEW_UNIT,
            Perm.REGISTER_INCIDENT,
            Perm.VIEW_INCIDENTS,
            Perm.VIEW_ROS,
            Perm.MANAGE_ROS,
        }
    ),
    Role.SIKKERHETSANSVARLIG: frozenset(),
    Role.PERSONVERN: frozenset(),
    Role.ADMINISTRATOR: frozenset({Perm.VIEW_UNIT, Perm.MANAGE_ROLES}),
}

# Read access a role gives on every unit in the assigned unit's region.
REGION_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SIKKERHETSANSVARLIG: frozenset({Perm.VIEW_UNIT, Perm.VIEW_DECISIONS, Perm.VIEW_INCIDENTS, Perm.VIEW_ROS}),
}

# What a role gives on every unit in the country, wherever it is assigned: a citizen's data may be
# spread over units in several regions, and a complete right-of-access answer covers them all.
COUNTRY_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PERSONVERN: frozenset({Perm.VIEW_ACCESS_REPORT, Perm.ANSWER_ACCESS_REQUESTS}),
}

LEADER_ROLES = HEAD_ROLES


def wanted_permissions(assignments: Iterable[RoleAssignment]) -> set[tuple[str, int]]:
    """The (codename, unit id) pairs a user's role assignments should grant."""
    wanted: set[tuple[str, int]] = set()
    regions: dict[str, set[str]] = {}
    country: set[str] = set()
    for assignment in assignments:
        wanted.update((codename, assignment.unit_id) for codename in ROLE_PERMISSIONS[assignment.role])
        if assignment.role in REGION_ROLE_PERMISSIONS:
            regions.setdefault(assignment.unit.region, set()).update(REGION_ROLE_PERMISSIONS[assignment.role])
        country.update(COUNTRY_ROLE_PERMISSIONS.get(assignment.role, ()))
    for region, codenames in regions.items():
        for unit_id in Unit.objects.filter(region=region).values_list("pk", flat=True):
            wanted.update((codename, unit_id) for codename in codenames)
    if country:
        for unit_id in Unit.objects.values_list("pk", flat=True):
            wanted.update((codename, unit_id) for codename in country)
    return wanted


def sync_user_permissions(user: User) -> None:
    """Make the user's unit permissions exactly what their role assignments grant (and restamp the user)."""
    restamp(user)
    unit_type = ContentType.objects.get_for_model(Unit)
    assignments = RoleAssignment.objects.filter(user=user).select_related("unit")
    wanted = wanted_permissions(assignments)
    existing = {
        (codename, int(object_pk)): pk
        for pk, codename, object_pk in UserObjectPermission.objects.filter(
            user=user,
            content_type=unit_type,
        ).values_list("pk", "permission__codename", "object_pk")
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        UserObjectPermission.objects.filter(pk__in=stale).delete()
    missing = wanted - existing.keys()
    if missing:
        permissions = {p.codename: p for p in Permission.objects.filter(content_type=unit_type)}
        UserObjectPermission.objects.bulk_create(
            [
                UserObjectPermission(
                    user=user,
                    permission=permissions[codename],
                    content_type=unit_type,
                    object_pk=str(unit_id),
                )
                for codename, unit_id in sorted(missing)
            ]
        )


def sync_region_permissions(region: str) -> None:
    """Re-grant region-wide roles after a unit joined or left the region."""
    users = User.objects.filter(
        role_assignments__role__in=list(REGION_ROLE_PERMISSIONS),
        role_assignments__unit__region=region,
    ).distinct()
    for user in users:
        sync_user_permissions(user)


def sync_country_permissions() -> None:
    """Re-grant country-wide roles after a unit was created."""
    for user in User.objects.filter(role_assignments__role__in=list(COUNTRY_ROLE_PERMISSIONS)).distinct():
        sync_user_permissions(user)


def has_unit_perm(user, codename: str, unit: Unit) -> bool:
    """True if the user holds the permission on the unit (superusers hold all)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.has_perm(f"core.{codename}", unit)


def holds_role_perm(user, codename: str, unit: Unit) -> bool:
    """Granted by a role in the unit itself; a superuser account alone is not enough.

    Used where the guideline names who may act: only the unit's leader or acting leader decides.
    """
    if not has_unit_perm(user, codename, unit):
        return False
    if not getattr(user, "is_superuser", False):
        return True
    return UserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_type=ContentType.objects.get_for_model(Unit),
        object_pk=str(unit.pk),
    ).exists()


def require_unit_perm(user, codename: str, unit: Unit) -> None:
    """Raise Http404 (never 403) unless the user holds the permission on the unit."""
    if not has_unit_perm(user, codename, unit):
        raise Http404


def units_with_perm(user, codename: str) -> QuerySet[Unit]:
    """The units on which the user holds the permission."""
    if not (user and user.is_authenticated and user.is_active):
        return Unit.objects.none()
    return get_objects_for_user(user, f"core.{codename}", klass=Unit, accept_global_perms=False)


def has_perm_anywhere(user, codename: str) -> bool:
    """True if the user holds the permission on at least one unit (remembered for the request, see below)."""
    return bool(unit_ids_with_perm(user, codename))


def may_view_access_report(user) -> bool:
    return has_perm_anywhere(user, Perm.VIEW_ACCESS_REPORT)


@dataclass(frozen=True)
class InnsynScope:
    """What a right-of-access export or access report may cover for the user asking.

    ``unit_ids`` None means every unit (the privacy officer); otherwise the units where the user answers
    for access. ``user_id`` is the asking user, whose own audit lines are always theirs to see.
    """

    user_id: int
    unit_ids: frozenset[int] | None

    @property
    def complete(self) -> bool:
        return self.unit_ids is None


def innsyn_scope(user) -> InnsynScope:
    """The asking user's scope; 404 for a user who may answer no access request at all."""
    if has_perm_anywhere(user, Perm.ANSWER_ACCESS_REQUESTS):
        return InnsynScope(user_id=user.pk, unit_ids=None)
    unit_ids = unit_ids_with_perm(user, Perm.VIEW_ACCESS_REPORT)
    if not unit_ids:
        raise Http404
    return InnsynScope(user_id=user.pk, unit_ids=unit_ids)


def may_manage_roles(user, unit: Unit) -> bool:
    return bool(user and user.is_superuser) or has_unit_perm(user, Perm.MANAGE_ROLES, unit)


# Django's own backend caches a user's permissions on the user object (_perm_cache); so do these, for the same
# reason: one request asks the same question several times (the start page's panels, the look-up's helpers), and
# request.user lives for one request. sync_user_permissions forgets them when the roles change.
_MEMO = "_nav_unit_ids_with_perm"

# Across requests, each process keeps the answers under the user's access_stamp, read with the user on every
# request: a stamp changes (restamp) whenever the user's permissions may have, so a revoked role is refused at the
# next request in every process. Bounded: it is emptied when it holds this many users.
SHARED_USERS_MAX = 5000
_shared: dict[tuple[int, object], dict[str, frozenset[int]]] = {}


def forget_memoised_permissions(user) -> None:
    """Drop what unit_ids_with_perm remembered on this user object (after its permissions changed)."""
    if getattr(user, _MEMO, None) is not None:
        setattr(user, _MEMO, None)


def restamp(user) -> None:
    """A new access stamp for the user, in the caller's transaction: answers remembered under the old one are
    never used again, here or in another process."""
    forget_memoised_permissions(user)
    if user.pk is None:
        return
    stamp = uuid.uuid4()
    User.objects.filter(pk=user.pk).update(access_stamp=stamp)
    user.access_stamp = stamp


def restamp_users(user_ids) -> None:
    """Restamp several users at once (a group's members, after its permissions or members changed)."""
    # One new stamp serves them all: answers are remembered under (user, stamp), and it differs from every old one.
    User.objects.filter(pk__in=set(user_ids)).update(access_stamp=uuid.uuid4())


def unit_ids_with_perm(user, codename: str) -> frozenset[int]:
    """The ids of the units on which the user holds the permission: units_with_perm as one light query.

    For hot paths (the reception look-up): guardian's general queryset costs more to build and plan
    than the question it answers. Direct and group object permissions, and superusers, as guardian.
    Remembered on the user object for the request, and across requests under the user's access stamp.
    """
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    memo = getattr(user, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(user, _MEMO, memo)
    if codename not in memo:
        memo[codename] = _shared_unit_ids_with_perm(user, codename)
    return memo[codename]


def _shared_unit_ids_with_perm(user, codename: str) -> frozenset[int]:
    stamp = getattr(user, "access_stamp", None)
    if stamp is None or user.is_superuser:  # a superuser's units change with every new unit: always asked
        return _unit_ids_with_perm(user, codename)
    key = (user.pk, stamp)
    answers = _shared.get(key)
    if answers is not None and codename in answers:
        return answers[codename]
    # Read after the stamp: a restamp committed meanwhile has a new key, so this answer is never served for it.
    unit_ids = _unit_ids_with_perm(user, codename)
    if connection.in_atomic_block:
        return unit_ids  # what a transaction sees may still be rolled back: never shared
    if answers is None:
        if len(_shared) >= SHARED_USERS_MAX:
            _shared.clear()
        answers = _shared.setdefault(key, {})
    answers[codename] = unit_ids
    return unit_ids


def _unit_ids_with_perm(user, codename: str) -> frozenset[int]:
    if user.is_superuser:
        return frozenset(Unit.objects.values_list("pk", flat=True))
    unit_type = ContentType.objects.get_for_model(Unit)
    direct = UserObjectPermission.objects.filter(
        user=user, content_type=unit_type, permission__codename=codename
    ).values_list("object_pk", flat=True)
    via_groups = GroupObjectPermission.objects.filter(
        group__user=user, content_type=unit_type, permission__codename=codename
    ).values_list("object_pk", flat=True)
    return frozenset(int(pk) for pk in direct.union(via_groups))


def perms_anywhere(user) -> frozenset[str]:
    """The unit permissions the user holds on at least one unit, in one query (for the menu)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return frozenset(value for name, value in vars(Perm).items() if name.isupper())
    unit_type = ContentType.objects.get_for_model(Unit)
    direct = UserObjectPermission.objects.filter(user=user, content_type=unit_type).values_list(
        "permission__codename", flat=True
    )
    via_groups = GroupObjectPermission.objects.filter(group__user=user, content_type=unit_type).values_list(
        "permission__codename", flat=True
    )
    return frozenset(direct.union(via_groups))


def is_unit_leader(user, unit: Unit) -> bool:
    """The user holds the leader's or acting leader's role in the unit itself (a superuser account alone does
    not): for what the guidelines reserve to the head of the unit, such as approving a ROS analysis."""
    if not (user and user.is_authenticated and user.is_active) or unit is None:
        return False
    return RoleAssignment.objects.filter(user=user, unit=unit, role__in=list(LEADER_ROLES)).exists()


def may_place_retention_hold(user, unit: Unit) -> bool:
    """The unit's leader, or the privacy officer, may keep a case past its retention period."""
    return is_unit_leader(user, unit) or has_perm_anywhere(user, Perm.ANSWER_ACCESS_REQUESTS)


def may_see_retention_plan(user) -> bool:
    return has_perm_anywhere(user, Perm.ANSWER_ACCESS_REQUESTS)


def _restamp_on_permission_change(sender, instance, **_kwargs):
    if isinstance(instance, UserObjectPermission):
        restamp_users([instance.user_id])
    else:
        restamp_users(User.objects.filter(groups__pk=instance.group_id).values_list("pk", flat=True))


def _restamp_on_group_change(sender, instance, action, pk_set=None, **_kwargs):
    if isinstance(instance, User):
        if action.startswith("post_"):
            restamp_users([instance.pk])
    elif action in ("post_add", "post_remove"):
        restamp_users(pk_set or ())
    elif action == "pre_clear":  # from the group's side: its members, before they are gone
        restamp_users(instance.user_set.values_list("pk", flat=True))


def _restamp_group_members(sender, instance, **_kwargs):
    restamp_users(instance.user_set.values_list("pk", flat=True))


def connect_signals() -> None:
    """Permissions written outside sync_user_permissions (the admin, a group) restamp the users they reach."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    for model in (UserObjectPermission, GroupObjectPermission):
        post_save.connect(_restamp_on_permission_change, sender=model, dispatch_uid=f"restamp-{model.__name__}")
        post_delete.connect(_restamp_on_permission_change, sender=model, dispatch_uid=f"restamp-d-{model.__name__}")
    m2m_changed.connect(_restamp_on_group_change, sender=User.groups.through, dispatch_uid="restamp-groups")
    pre_delete.connect(_restamp_group_members, sender=Group, dispatch_uid="restamp-group-deleted")
