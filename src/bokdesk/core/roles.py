"""Roles and named permissions, checked inside the services (never only hidden in the UI).

Three roles, each including the one below it:

- **agent** works tickets (take, reply, note, status, transfer their own or unassigned work),
  keeps personal canned responses and sets their own presence status;
- **supervisor** also sees the desk's figures (stats screen, ``bokdesk report``), edits shared
  canned responses, moves colleagues' tickets, sets a colleague's presence status, and changes
  SLA policies and desk settings (team assignment modes);
- **admin** also manages agents and teams and the desk's configuration.

A service calls ``require(actor, Permission.X)`` before it reads or changes anything; the refusal is
a ``PermissionDenied`` whose message names what was refused and which role it needs. The system actor
(mail importer, demo builder, imports) has ``id`` None and the admin role.

What this can and cannot enforce on SQLite is written down in ``docs/security.md``: whoever can
write the database file can bypass every check here.
"""

from __future__ import annotations

from enum import StrEnum

from .desk import Actor
from .enums import Role
from .errors import PermissionDenied
from .notices import Notice


class Permission(StrEnum):
    WORK_TICKETS = "work_tickets"
    EDIT_OWN_CANNED = "edit_own_canned"
    SET_OWN_STATUS = "set_own_status"
    VIEW_STATS = "view_stats"
    VIEW_REPORTS = "view_reports"
    EXPORT_DESK = "export_desk"
    EDIT_SHARED_CANNED = "edit_shared_canned"
    REASSIGN_ANY = "reassign_any"
    SET_OTHERS_STATUS = "set_others_status"
    CHANGE_POLICIES = "change_policies"
    CHANGE_DESK_SETTINGS = "change_desk_settings"
    MANAGE_AGENTS = "manage_agents"
    MANAGE_TEAMS = "manage_teams"
    CONFIGURE_DESK = "configure_desk"


# The least role that holds each permission (roles are ordered: agent < supervisor < admin).
MINIMUM_ROLE: dict[Permission, Role] = {
    Permission.WORK_TICKETS: Role.AGENT,
    Permission.EDIT_OWN_CANNED: Role.AGENT,
    Permission.SET_OWN_STATUS: Role.AGENT,
    Permission.VIEW_STATS: Role.SUPERVISOR,
    Permission.VIEW_REPORTS: Role.SUPERVISOR,
    Permission.EXPORT_DESK: Role.SUPERVISOR,
    Permission.EDIT_SHARED_CANNED: Role.SUPERVISOR,
    Permission.REASSIGN_ANY: Role.SUPERVISOR,
    Permission.SET_OTHERS_STATUS: Role.SUPERVISOR,
    Permission.CHANGE_POLICIES: Role.SUPERVISOR,
    Permission.CHANGE_DESK_SETTINGS: Role.SUPERVISOR,
    Permission.MANAGE_AGENTS: Role.ADMIN,
    Permission.MANAGE_TEAMS: Role.ADMIN,
    Permission.CONFIGURE_DESK: Role.ADMIN,
}

# What a refusal says was refused ("Moving a colleague's ticket needs the supervisor role"): the
# code of its words (core/error_messages.py).
DESCRIPTION: dict[Permission, str] = {p: f"action_{p.value}" for p in Permission}


def role_of(actor: Actor) -> Role:
    return Role(actor.role)


def allowed(actor: Actor, permission: Permission) -> bool:
    """Whether the actor holds the permission (the UI uses this to grey out, never to enforce)."""
    return role_of(actor).level >= MINIMUM_ROLE[permission].level


def require(actor: Actor, permission: Permission, action: str | None = None) -> None:
    """Refuse unless the actor holds ``permission``; the refusal says what (``action``, the code
    of its words; the permission's by default) needs which role."""
    if allowed(actor, permission):
        return
    needed = MINIMUM_ROLE[permission]
    raise PermissionDenied(
        "role_needed",
        action=Notice(action or DESCRIPTION[permission]),
        needed=needed.value,
        role=role_of(actor).value,
    )


def permissions_of(role: Role | str) -> frozenset[Permission]:
    """Every permission a role holds."""
    level = Role(role).level
    return frozenset(p for p, r in MINIMUM_ROLE.items() if level >= r.level)


__all__ = ["DESCRIPTION", "MINIMUM_ROLE", "Permission", "allowed", "permissions_of", "require", "role_of"]
