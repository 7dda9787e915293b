"""Who works the desk and whom it serves: teams, agents, customers and their contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Team(SQLModel, table=True):
    """An office ("BOK Warszawa") or a department ("developers") that owns work."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    kind: str = Field(default="office", max_length=20)
    assignment_mode: str = Field(default="manual", max_length=20)
    created_at: datetime


class Agent(SQLModel, table=True):
    """A person working the desk; ``login`` is the Unix user name."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=64)
    name: str = Field(max_length=120)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(default="agent", max_length=20)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = True
    status: str = Field(default="available", max_length=20)
    language: str | None = Field(default=None, max_length=10)
    last_seen_at: datetime | None = None
    last_assigned_at: datetime | None = None
    created_at: datetime


class Customer(SQLModel, table=True):
    """Someone the desk serves; contacts live in ``CustomerContact``."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    company: str | None = Field(default=None, max_length=200)
    language: str = Field(default="pl", max_length=10)
    vip: bool = False
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime
    updated_at: datetime
    version: int = 1


class CustomerContact(SQLModel, table=True):
    """One e-mail address or phone number of a customer; ``normalized`` is unique per kind."""

    __table_args__ = (UniqueConstraint("kind", "normalized", name="uq_contact_kind_normalized"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=10)
    value: str = Field(max_length=254)
    normalized: str = Field(max_length=254)
