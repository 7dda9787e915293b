"""Customers and their contacts: find by e-mail or phone, create, and normalise contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from ..desk import Actor, Desk
from ..enums import ContactKind
from ..errors import NotFound, ValidationError
from ..models import Customer, CustomerContact

_EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def ascii_email(value: str) -> str:
    """The address as it goes on the wire: an international domain in its ASCII (IDNA) form.

    A non-ASCII local part (before the @) needs SMTPUTF8, which the desk's mail does not speak,
    so it is refused here rather than failing later when a reply is sent.
    """
    address = value.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError("email_invalid", value=value)
    if not local.isascii():
        raise ValidationError("email_not_ascii", value=value)
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError("email_invalid", value=value) from None
    address = f"{local}@{domain}"
    if not _EMAIL.match(address) or len(address) > 254 or ".." in address:
        raise ValidationError("email_invalid", value=value)
    return address


def normalize_email(value: str) -> str:
    """Lower-cased ASCII address; raises ValidationError for anything that is not an address."""
    return ascii_email(value).lower()


def normalize_phone(value: str) -> str:
    """Digits only, with the Polish country code added to a 9-digit national number."""
    raw = value.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    if not 6 <= len(digits) <= 15 or re.search(r"[^\d\s+()./-]", raw):
        raise ValidationError("phone_invalid", value=value)
    if len(digits) == 9:
        digits = "48" + digits
    return digits


@dataclass(frozen=True)
class CustomerSpec:
    """How to find (or create) the customer of a new ticket."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    customer_id: int | None = None
    company: str | None = None
    language: str | None = None


def find_by_contact(session: Session, kind: ContactKind, normalized: str) -> Customer | None:
    row = session.exec(
        select(Customer)
        .join(CustomerContact, col(CustomerContact.customer_id) == Customer.id)
        .where(CustomerContact.kind == kind.value, CustomerContact.normalized == normalized)
    ).first()
    return row


def add_contact(
    session: Session, customer: Customer, kind: ContactKind, value: str
) -> CustomerContact | None:
    """Attach a contact unless the customer already has it; refuse one owned by someone else."""
    normalized = normalize_email(value) if kind is ContactKind.EMAIL else normalize_phone(value)
    existing = session.exec(
        select(CustomerContact).where(
            CustomerContact.kind == kind.value, CustomerContact.normalized == normalized
        )
    ).first()
    if existing is not None:
        if existing.customer_id != customer.id:
            raise ValidationError("contact_taken", value=value, customer=existing.customer_id)
        return None
    shown = ascii_email(value) if kind is ContactKind.EMAIL else value.strip()
    assert customer.id is not None  # flushed before its contacts are added
    contact = CustomerContact(customer_id=customer.id, kind=kind.value, value=shown, normalized=normalized)
    session.add(contact)
    return contact


def resolve_customer(session: Session, desk: Desk, spec: CustomerSpec) -> Customer:
    """Find the customer by id, e-mail or phone; create one when nothing matches."""
    if spec.customer_id is not None:
        customer = session.get(Customer, spec.customer_id)
        if customer is None:
            raise NotFound("customer_missing", number=spec.customer_id)
        return customer
    email = normalize_email(spec.email) if spec.email else None
    phone = normalize_phone(spec.phone) if spec.phone else None
    customer = None
    if email:
        customer = find_by_contact(session, ContactKind.EMAIL, email)
    if customer is None and phone:
        customer = find_by_contact(session, ContactKind.PHONE, phone)
    if customer is None and not email and not phone and spec.name:
        matches = session.exec(
            select(Customer).where(func.lower(Customer.name) == spec.name.strip().lower())
        ).all()
        if len(matches) == 1:
            customer = matches[0]
    if customer is None:
        name = (spec.name or "").strip() or (spec.email or spec.phone or "").strip()
        if not name:
            raise ValidationError("customer_needed")
        now = desk.now()
        customer = Customer(
            name=name[:200],
            company=spec.company,
            language=spec.language or "pl",
            created_at=now,
            updated_at=now,
        )
        session.add(customer)
        session.flush()
    if spec.email:
        add_contact(session, customer, ContactKind.EMAIL, spec.email)
    if spec.phone:
        add_contact(session, customer, ContactKind.PHONE, spec.phone)
    return customer


def create_customer(
    desk: Desk, actor: Actor, spec: CustomerSpec, *, vip: bool = False, notes: str = ""
) -> Customer:
    """Create a customer with its contacts (refused when a contact already belongs to someone)."""
    if not (spec.name or "").strip():
        raise ValidationError("customer_needs_name")
    with desk.store.write() as session:
        now = desk.now()
        customer = Customer(
            name=spec.name.strip()[:200],  # type: ignore[union-attr]  # the caller checked a name is given
            company=spec.company,
            language=spec.language or "pl",
            vip=vip,
            notes=notes,
            created_at=now,
            updated_at=now,
        )
        session.add(customer)
        session.flush()
        if spec.email:
            add_contact(session, customer, ContactKind.EMAIL, spec.email)
        if spec.phone:
            add_contact(session, customer, ContactKind.PHONE, spec.phone)
        return customer


def lookup_customers(desk: Desk, text: str, limit: int = 10) -> list[tuple[Customer, list[CustomerContact]]]:
    """Customers whose name, e-mail or phone starts with (or contains) what was typed."""
    needle = text.strip().lower()
    if not needle:
        return []
    digits = re.sub(r"\D", "", needle)
    with desk.store.read() as session:
        conditions = [func.lower(Customer.name).like(f"%{_escape_like(needle)}%", escape="\\")]
        conditions.append(col(CustomerContact.normalized).like(f"{_escape_like(needle)}%", escape="\\"))
        if len(digits) >= 3:
            conditions.append(col(CustomerContact.normalized).like(f"%{digits}%"))
        ids = session.exec(
            select(Customer.id)
            .join(CustomerContact, col(CustomerContact.customer_id) == Customer.id, isouter=True)
            .where(or_(*conditions))
            .distinct()
            .limit(limit)
        ).all()
        result = []
        for customer_id in ids:
            customer = session.get(Customer, customer_id)
            if customer is None:
                continue
            contacts = session.exec(
                select(CustomerContact).where(CustomerContact.customer_id == customer_id)
            ).all()
            result.append((customer, list(contacts)))
        return result


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
