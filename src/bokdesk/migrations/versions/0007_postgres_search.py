"""postgres search: full-text search on PostgreSQL, as FTS5 gives it on SQLite

SQLite has had its FTS5 table ``ticket_search`` since 0001; this revision changes nothing there.
On PostgreSQL it creates the same thing in the server's own terms: a table ``ticket_search``
(one row per ticket: subject, bodies, customer text) kept current by triggers like FTS5's, whose
generated ``document`` is a weighted ``tsvector`` (subject A, customer B, bodies D) over the
``simple`` configuration (no stemming, no stop words: names, numbers and Polish words are kept as
typed) with a GIN index. ``bokdesk_fold`` makes it accent-blind as FTS5's ``remove_diacritics``
is (and folds ``ł`` too), and turns punctuation into spaces as FTS5's tokenizer does, so
``kowalski`` finds ``jan.kowalski@example.pl``. It is IMMUTABLE (a plain ``translate`` table, no
extension needed), so the generated column may use it. Only the first 250,000 characters of a
ticket's bodies are indexed: a tsvector is limited to 1 MB.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The letters folded to ASCII; core/search.py folds what is typed with the same table (a test
# checks the two agree).
FOLD_FROM = (
    "ąćęłńóśźżàáâãäåāăèéêëēėěìíîïīįòôõöøōőùúûüūůűýÿçčďğľĺňřšşťžđ"
    "ĄĆĘŁŃÓŚŹŻÀÁÂÃÄÅĀĂÈÉÊËĒĖĚÌÍÎÏĪĮÒÔÕÖØŌŐÙÚÛÜŪŮŰÝŸÇČĎĞĽĹŇŘŠŞŤŽĐ"
)
FOLD_TO = (
    "acelnoszzaaaaaaaaeeeeeeeiiiiiiooooooouuuuuuuyyccdgllnrsstzd"
    "acelnoszzaaaaaaaaeeeeeeeiiiiiiooooooouuuuuuuyyccdgllnrsstzd"
)
BODY_LIMIT = 250_000

STATEMENTS = (
    f"""CREATE FUNCTION bokdesk_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT regexp_replace(lower(translate(value, '{FOLD_FROM}', '{FOLD_TO}')),
                                    '[[:punct:][:space:]]+', ' ', 'g') $$""",
    # The customer's part, as SQLite's customer_search_text view has it (0001).
    """CREATE FUNCTION bokdesk_customer_text(wanted integer) RETURNS text
        LANGUAGE sql STABLE
        AS $$ SELECT c.name || ' ' || coalesce(c.company, '') || ' ' || coalesce((
                  SELECT string_agg(cc.value || ' ' || cc.normalized || ' ' ||
                         CASE WHEN cc.kind = 'phone' AND length(cc.normalized) > 9
                              THEN right(cc.normalized, 9) ELSE '' END, ' ' ORDER BY cc.id)
                  FROM customercontact cc WHERE cc.customer_id = c.id), '')
              FROM customer c WHERE c.id = wanted $$""",
    f"""CREATE TABLE ticket_search (
        ticket_id integer PRIMARY KEY REFERENCES ticket (id) ON DELETE CASCADE,
        subject text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        customer text NOT NULL DEFAULT '',
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, bokdesk_fold(subject)), 'A') ||
            setweight(to_tsvector('simple'::regconfig, bokdesk_fold(customer)), 'B') ||
            setweight(to_tsvector('simple'::regconfig, bokdesk_fold(left(body, {BODY_LIMIT}))), 'D')
        ) STORED)""",
    "CREATE INDEX ix_ticket_search_document ON ticket_search USING gin (document)",
    """CREATE FUNCTION bokdesk_search_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO ticket_search (ticket_id, subject, customer)
                VALUES (NEW.id, coalesce(NEW.subject, ''), coalesce(bokdesk_customer_text(NEW.customer_id), ''));
            ELSE
                UPDATE ticket_search
                SET subject = coalesce(NEW.subject, ''), customer = coalesce(bokdesk_customer_text(NEW.customer_id), '')
                WHERE ticket_id = NEW.id;
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER ticket_search_ai AFTER INSERT ON ticket
        FOR EACH ROW EXECUTE FUNCTION bokdesk_search_ticket()""",
    """CREATE TRIGGER ticket_search_au AFTER UPDATE OF subject, customer_id ON ticket
        FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD.customer_id IS DISTINCT FROM NEW.customer_id)
        EXECUTE FUNCTION bokdesk_search_ticket()""",
    # Once per statement, not per row: a bulk insert of many messages (an import) rewrites each
    # ticket's document once, not once per message.
    """CREATE FUNCTION bokdesk_search_message() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE ticket_search s SET body = s.body || chr(10) || added.bodies
            FROM (SELECT ticket_id, string_agg(body, chr(10) ORDER BY id) AS bodies
                  FROM new_messages GROUP BY ticket_id) added
            WHERE s.ticket_id = added.ticket_id;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER ticket_search_message_ai AFTER INSERT ON message
        REFERENCING NEW TABLE AS new_messages
        FOR EACH STATEMENT EXECUTE FUNCTION bokdesk_search_message()""",
    """CREATE FUNCTION bokdesk_search_refresh_customer(wanted integer) RETURNS void LANGUAGE sql
        AS $$ UPDATE ticket_search s SET customer = coalesce(bokdesk_customer_text(wanted), '')
              FROM ticket t WHERE t.customer_id = wanted AND s.ticket_id = t.id $$""",
    """CREATE FUNCTION bokdesk_search_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bokdesk_search_refresh_customer(NEW.id);
            RETURN NULL;
        END $$""",
    """CREATE FUNCTION bokdesk_search_contact() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM bokdesk_search_refresh_customer(OLD.customer_id);
            ELSE
                PERFORM bokdesk_search_refresh_customer(NEW.customer_id);
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER ticket_search_customer_au AFTER UPDATE OF name, company ON customer
        FOR EACH ROW EXECUTE FUNCTION bokdesk_search_customer()""",
    """CREATE TRIGGER ticket_search_contact_ai AFTER INSERT ON customercontact
        FOR EACH ROW EXECUTE FUNCTION bokdesk_search_contact()""",
    """CREATE TRIGGER ticket_search_contact_ad AFTER DELETE ON customercontact
        FOR EACH ROW EXECUTE FUNCTION bokdesk_search_contact()""",
    # Tickets written before this revision.
    """INSERT INTO ticket_search (ticket_id, subject, body, customer)
       SELECT t.id, coalesce(t.subject, ''),
              coalesce((SELECT string_agg(m.body, chr(10) ORDER BY m.id) FROM message m WHERE m.ticket_id = t.id), ''),
              coalesce(bokdesk_customer_text(t.customer_id), '')
       FROM ticket t""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite searches with FTS5 (0001)
    for statement in STATEMENTS:
        op.get_bind().exec_driver_sql(statement)  # verbatim: no bind-parameter parsing of ":punct:"


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS ticket_search")
    for trigger, table in (
        ("ticket_search_ai", "ticket"),
        ("ticket_search_au", "ticket"),
        ("ticket_search_message_ai", "message"),
        ("ticket_search_customer_au", "customer"),
        ("ticket_search_contact_ai", "customercontact"),
        ("ticket_search_contact_ad", "customercontact"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for function in (
        "bokdesk_search_ticket()",
        "bokdesk_search_message()",
        "bokdesk_search_customer()",
        "bokdesk_search_contact()",
        "bokdesk_search_refresh_customer(integer)",
        "bokdesk_customer_text(integer)",
        "bokdesk_fold(text)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {function}")
