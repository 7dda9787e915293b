"""Canned responses: known answers with placeholders, shared by the desk or personal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import col, select

from .. import roles, subjects
from ..desk import Actor, Desk
from ..errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from ..models import CannedResponse, Customer, Ticket
from ..roles import Permission

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
PLACEHOLDERS = (
    "customer_name",
    "customer_first_name",
    "agent_name",
    "ticket_number",
    "ticket_subject",
    "desk_name",
)


@dataclass(frozen=True)
class CannedInput:
    title: str
    shortcut: str
    body: str
    category: str | None = None
    language: str = "pl"
    shared: bool = True


def _validate(data: CannedInput) -> None:
    if not data.title.strip():
        raise ValidationError("canned_needs_title")
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", data.shortcut.strip()):
        raise ValidationError("canned_bad_shortcut")
    if not data.body.strip():
        raise ValidationError("canned_needs_body")
    unknown = {m.group(1) for m in PLACEHOLDER.finditer(data.body)} - set(PLACEHOLDERS)
    if unknown:
        raise ValidationError(
            "canned_unknown_placeholders", unknown=", ".join(sorted(unknown)), known=", ".join(PLACEHOLDERS)
        )


def _may_edit(actor: Actor, row: CannedResponse | None, shared: bool) -> None:
    if shared or (row is not None and row.owner_id is None):
        roles.require(actor, Permission.EDIT_SHARED_CANNED)
    elif row is not None and row.owner_id != actor.id:
        raise PermissionDenied("canned_not_yours")


def create(desk: Desk, actor: Actor, data: CannedInput) -> CannedResponse:
    _validate(data)
    _may_edit(actor, None, data.shared)
    with desk.store.write() as session:
        now = desk.now()
        row = CannedResponse(
            title=data.title.strip(),
            shortcut=data.shortcut.strip(),
            body=data.body,
            category=data.category,
            language=data.language,
            owner_id=None if data.shared else actor.id,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        return row


def update(
    desk: Desk, actor: Actor, canned_id: int, data: CannedInput, *, expected_version: int | None = None
) -> CannedResponse:
    _validate(data)
    with desk.store.write() as session:
        row = session.get(CannedResponse, canned_id)
        if row is None:
            raise NotFound("canned_missing", number=canned_id)
        _may_edit(actor, row, data.shared)
        if expected_version is not None and row.version != expected_version:
            raise StaleWrite(
                canned_id,
                "another agent",
                row.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
                expected_version,
                row.version,
                changed_at=row.updated_at,
                what="Canned response",
            )
        row.title = data.title.strip()
        row.shortcut = data.shortcut.strip()
        row.body = data.body
        row.category = data.category
        row.language = data.language
        row.owner_id = None if data.shared else (row.owner_id or actor.id)
        row.updated_at = desk.now()
        row.version += 1
        return row


def delete(desk: Desk, actor: Actor, canned_id: int) -> None:
    with desk.store.write() as session:
        row = session.get(CannedResponse, canned_id)
        if row is None:
            raise NotFound("canned_missing", number=canned_id)
        _may_edit(actor, row, row.owner_id is None)
        session.delete(row)


def visible(desk: Desk, actor: Actor, language: str | None = None) -> list[CannedResponse]:
    """Shared responses and the actor's own, most used first."""
    with desk.store.read() as session:
        query = select(CannedResponse).where(
            or_(col(CannedResponse.owner_id).is_(None), col(CannedResponse.owner_id) == actor.id)
        )
        if language:
            query = query.where(CannedResponse.language == language)
        query = query.order_by(col(CannedResponse.usage_count).desc(), CannedResponse.title)
        return list(session.exec(query).all())


def render(body: str, values: dict[str, str]) -> str:
    """Fill ``{{placeholders}}``; an unknown or empty one is left visible for the agent to fix."""

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return value if value else match.group(0)

    return PLACEHOLDER.sub(fill, body)


def values_for(desk: Desk, actor: Actor, ticket_id: int | None) -> dict[str, str]:
    """Placeholder values for a ticket and the acting agent."""
    values = {"agent_name": actor.name, "desk_name": desk.settings.desk_name}
    if ticket_id is None:
        return values
    with desk.store.read() as session:
        ticket = session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("ticket_missing", number=ticket_id)
        customer = session.get(Customer, ticket.customer_id)
        # A ticket without a subject (an e-mail that had none) is named by its number.
        values.update(
            ticket_number=str(ticket.id), ticket_subject=subjects.shown(ticket.subject, f"#{ticket.id}")
        )
        if customer is not None:
            values.update(
                customer_name=customer.name,
                customer_first_name=customer.name.split()[0] if customer.name.split() else "",
            )
    return values


def use(desk: Desk, actor: Actor, canned_id: int, ticket_id: int | None) -> str:
    """The filled-in text of a canned response; counts one use."""
    with desk.store.write() as session:
        row = session.get(CannedResponse, canned_id)
        if row is None:
            raise NotFound("canned_missing", number=canned_id)
        row.usage_count += 1
        body = row.body
    return render(body, values_for(desk, actor, ticket_id))
