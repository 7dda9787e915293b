"""Revision 0001's search on SQLite: the FTS5 table ``ticket_search`` kept current by triggers."""

from __future__ import annotations

from alembic import op

# also as its last nine digits, so a national number typed without +48 matches).
CUSTOMER_SEARCH_VIEW = """
CREATE VIEW customer_search_text AS
SELECT c.id AS customer_id,
       c.name || ' ' || coalesce(c.company, '') || ' ' || coalesce((
           SELECT group_concat(cc.value || ' ' || cc.normalized || ' ' ||
                  CASE WHEN cc.kind = 'phone' AND length(cc.normalized) > 9
                       THEN substr(cc.normalized, -9) ELSE '' END, ' ')
           FROM customercontact cc WHERE cc.customer_id = c.id), '') AS text
FROM customer c
"""

_CUSTOMER_TEXT = "(SELECT text FROM customer_search_text WHERE customer_id = {customer_id})"

SEARCH_TRIGGERS = (
    "ticket_search_ai",
    "ticket_search_au",
    "ticket_search_message_ai",
    "ticket_search_customer_au",
    "ticket_search_contact_ai",
    "ticket_search_contact_ad",
)


def create_sqlite_search() -> None:
    """FTS5 index, one row per ticket (rowid = ticket id), kept current by triggers."""
    op.execute(CUSTOMER_SEARCH_VIEW)
    op.execute(
        "CREATE VIRTUAL TABLE ticket_search USING fts5("
        "subject, body, customer, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    new_customer = _CUSTOMER_TEXT.format(customer_id="new.customer_id")
    op.execute(f"""
        CREATE TRIGGER ticket_search_ai AFTER INSERT ON ticket BEGIN
            INSERT INTO ticket_search(rowid, subject, body, customer)
            VALUES (new.id, new.subject, '', {new_customer});
        END""")
    op.execute(f"""
        CREATE TRIGGER ticket_search_au AFTER UPDATE OF subject, customer_id ON ticket BEGIN
            UPDATE ticket_search SET subject = new.subject, customer = {new_customer}
            WHERE rowid = new.id;
        END""")
    op.execute("""
        CREATE TRIGGER ticket_search_message_ai AFTER INSERT ON message BEGIN
            UPDATE ticket_search SET body = body || char(10) || new.body WHERE rowid = new.ticket_id;
        END""")
    for name, when, ref in (
        ("ticket_search_customer_au", "AFTER UPDATE OF name, company ON customer", "new.id"),
        ("ticket_search_contact_ai", "AFTER INSERT ON customercontact", "new.customer_id"),
        ("ticket_search_contact_ad", "AFTER DELETE ON customercontact", "old.customer_id"),
    ):
        text = _CUSTOMER_TEXT.format(customer_id=ref)
        op.execute(f"""
            CREATE TRIGGER {name} {when} BEGIN
                UPDATE ticket_search SET customer = {text}
                WHERE rowid IN (SELECT id FROM ticket WHERE customer_id = {ref});
            END""")
