"""What each error code says: English templates, the ``msgid``s of the catalog.

``core/errors.py`` fills them for ``str(err)``; the console says them from the catalog
(``ui/errors.py``). Fields are ``str.format`` fields; ``!r`` shows a value quoted, as typed.
Values named ``current``/``target`` (statuses) and ``needed``/``role`` (roles) are named in the
agent's language by the console; ``action`` is itself a code (what was refused).
"""

from __future__ import annotations

from ..i18n import N_

MESSAGES: dict[str, str] = {
    # Tickets
    "ticket_missing": N_("Ticket #{number} does not exist."),
    "ticket_closed": N_("Ticket #{number} is closed."),
    "ticket_closed_follow_up": N_("Ticket #{number} is closed; open a follow-up instead."),
    "ticket_closed_final": N_("Ticket #{number} is closed; closed is final."),
    "ticket_closed_merge": N_("Ticket #{number} is closed; merge into an open ticket."),
    "status_not_allowed": N_("Ticket #{number} cannot go from {current} to {target}."),
    "not_a_complaint": N_("Ticket #{number} is not a complaint."),
    "already_taken": N_("Ticket #{number} is already taken by {name}."),
    "stale_ticket": N_(
        "Ticket #{number} was changed by {name} at {at} after you opened it; reload it and try again."
    ),
    "stale_canned": N_(
        "Canned response #{number} was changed by {name} at {at} after you opened it; "
        "reload it and try again."
    ),
    "subject_empty": N_("The subject must not be empty."),
    "message_empty": N_("The message must not be empty."),
    "reply_empty": N_("The reply must not be empty."),
    "call_empty": N_("The call log must not be empty."),
    "note_empty": N_("The note must not be empty."),
    "message_too_long": N_("The message is longer than {limit:,} characters."),
    "reply_too_long": N_("The reply is longer than {limit:,} characters."),
    "call_too_long": N_("The call log is longer than {limit:,} characters."),
    "note_too_long": N_("The note is longer than {limit:,} characters."),
    "unknown_channel": N_("Unknown channel {value!r}; use one of: {allowed}."),
    "unknown_category": N_("Unknown category {value!r}; use one of: {allowed}."),
    "unknown_priority": N_("Unknown priority {value!r}; use one of: {allowed}."),
    "unknown_direction": N_("Unknown direction {value!r}; use one of: {allowed}."),
    "unknown_status": N_("Unknown status {value!r}; use one of: {allowed}."),
    "unknown_decision": N_("Unknown decision {value!r}; use one of: {allowed}."),
    "first_contact_needs_agent": N_("Only an agent can solve a ticket on first contact."),
    "created_in_future": N_("A ticket cannot be created in the future."),
    "assign_to_whom": N_("Choose an agent or a team to assign the ticket to."),
    "transfer_needs_note": N_("A transfer needs a handover note, so nobody asks the customer again."),
    "rejection_needs_reason": N_("A rejected complaint needs the reason in the decision."),
    "tag_too_long": N_("Tag {tag!r} is longer than 60 characters."),
    "merge_into_itself": N_("A ticket cannot be merged into itself."),
    "merge_other_customer": N_("Only tickets of the same customer can be merged."),
    "not_your_ticket": N_("Ticket #{number} is {name}'s; ask them or a supervisor to move it to you first."),
    "needs_agent": N_("This action needs an agent; run it as a known agent."),
    # Customers
    "customer_missing": N_("Customer #{number} does not exist."),
    "customer_needed": N_("A ticket needs a customer: give a name, an e-mail address or a phone number."),
    "customer_needs_name": N_("A customer needs a name."),
    "email_invalid": N_("{value!r} is not a valid e-mail address."),
    "email_not_ascii": N_("{value!r}: addresses with non-ASCII letters before the @ are not supported."),
    "phone_invalid": N_("{value!r} is not a valid phone number."),
    "contact_taken": N_("{value} already belongs to another customer (#{customer})."),
    # Canned responses
    "canned_missing": N_("Canned response #{number} does not exist."),
    "canned_needs_title": N_("A canned response needs a title."),
    "canned_needs_body": N_("A canned response needs a body."),
    "canned_bad_shortcut": N_("The shortcut must be 1-40 characters of a-z, 0-9, - or _."),
    "canned_unknown_placeholders": N_("Unknown placeholder(s): {unknown}; use {known}."),
    "canned_not_yours": N_("This personal canned response belongs to another agent."),
    # Survey answers
    "survey_needs_score": N_("A survey answer needs an NPS score (0-10) or a CSAT score (1-5)."),
    "nps_range": N_("NPS must be 0-10, not {value}."),
    "csat_range": N_("CSAT must be 1-5, not {value}."),
    # Agents, teams and roles
    "role_needed": N_("{action} needs the {needed} role; you are {role}."),
    "admin_needed": N_("{action} needs an administrator of this desk."),
    "not_an_agent": N_(
        "{login!r} is not an agent of this desk. Ask an administrator to run: "
        'bokdesk agent add {login} --name "Your Name"'
    ),
    "agent_left": N_("{login!r} is no longer an active agent of this desk; ask an administrator."),
    "you_are_not_an_agent": N_("You are not an agent of this desk."),
    "agent_missing": N_("Agent #{number} does not exist."),
    "agent_login_missing": N_("Agent {login!r} does not exist."),
    "agent_exists": N_("Agent {login!r} already exists."),
    "agent_inactive": N_("{name} is not an active agent."),
    "login_inactive": N_("{login!r} is not an active agent."),
    "login_invalid": N_("{login!r} is not a valid login (lower-case Unix user name)."),
    "agent_needs_name": N_("An agent needs a display name."),
    "unknown_role": N_("Unknown role {value!r}; use agent, supervisor or admin."),
    "last_admin": N_("{name} is the desk's last active admin; make someone else admin first."),
    "team_missing": N_("Team #{number} does not exist."),
    "team_name_missing": N_("Team {name!r} does not exist."),
    "team_needs_name": N_("A team needs a name."),
    # What a refusal names (the subject of "... needs the supervisor role")
    "action_work_tickets": N_("Working tickets"),
    "action_edit_own_canned": N_("Keeping personal canned responses"),
    "action_set_own_status": N_("Setting your status"),
    "action_view_stats": N_("The stats screen"),
    "action_view_reports": N_("Reports"),
    "action_export_desk": N_("Exporting the desk"),
    "action_edit_shared_canned": N_("Editing shared canned responses"),
    "action_reassign_any": N_("Moving a colleague's ticket"),
    "action_set_others_status": N_("Setting a colleague's status"),
    "action_change_policies": N_("Changing SLA policies"),
    "action_change_desk_settings": N_("Changing desk settings"),
    "action_manage_agents": N_("Managing agents"),
    "action_manage_teams": N_("Managing teams"),
    "action_configure_desk": N_("Configuring the desk"),
    "action_add_agent": N_("Adding an agent"),
    "action_change_agent": N_("Changing an agent"),
    "action_change_role": N_("Changing an agent's role"),
    "action_change_rota": N_("Changing the rota"),
    "action_read_audit": N_("Reading the audit"),
    "action_import_surveys": N_("Importing survey answers"),
    "action_resend_mail": N_("Sending an e-mail again"),
    "action_quarantine": N_("The mail quarantine"),
    # SLA policies and desk settings
    "first_response_target": N_(
        "The first-response target must be a whole number of minutes from 1 to {limit}."
    ),
    "resolution_target": N_("The resolution target must be a whole number of minutes from 1 to {limit}."),
    "policy_unknown_priority": N_("Unknown priority {value!r}; use low, normal, high or urgent."),
    "policy_missing": N_("There is no SLA policy for {policy}."),
    "unknown_assignment_mode": N_("Unknown assignment mode {value!r}; use one of: {allowed}."),
    "setting_key": N_("A setting needs a key of 1-80 characters."),
    # Presence, and what changed under a refused write (presence.changes_since)
    "unknown_activity": N_("Unknown activity {value!r}; use one of: {allowed}."),
    "colleague_answered": N_("{name} answered the customer at {time}."),
    "customer_wrote_again": N_("The customer wrote again at {time}."),
    "field_changed": N_("{name} changed {field} from {old} to {new} at {time}."),
    "closed_needs_follow_up": N_("The ticket is closed; a new message needs a follow-up ticket."),
    # The rota: absences, and the timetables it reads (core/shifts.py)
    "rota_agent_missing": N_("No agent with login {login!r}."),
    "unknown_absence_kind": N_("Unknown absence kind {value!r}; use one of: {allowed}."),
    "absence_order": N_("An absence ends on or after its first day ({first} .. {last})."),
    "absence_too_long": N_("An absence is at most {days} days; record a longer one in parts."),
    "absence_overlap": N_(
        "{name} is already away {first}..{last} ({kind}, #{number}); cancel that one first."
    ),
    "absence_missing": N_("No absence #{number}."),
    "unknown_day": N_("Unknown day {day!r} in {group!r}; use mon..sun or pon..niedz."),
    "bad_hours": N_("Bad hours {hours!r} in {group!r}; write HH:MM-HH:MM, e.g. 08:00-16:00."),
    "same_time": N_("Hours {hours!r} in {group!r} start and end at the same time."),
    "days_after_hours": N_("Days after hours in {group!r}; write the days first."),
    "no_day": N_("No day in {group!r}; {syntax}."),
    "off_and_hours": N_("{group!r} says both hours and off."),
    "no_hours": N_("No hours in {group!r}; {syntax}."),
    "no_working_hours": N_('No working hours in {spec!r}; to follow the desk\'s hours write "desk".'),
    "overlap": N_("Shifts overlap: {first} and {second}."),
    "bad_date": N_("{what} must be a date like 2026-11-23 or 23.11.2026, not {value!r}."),
    "bad_weekday": N_("Weekday must be 0-6, got {weekday}."),
    "bad_shift_start": N_("A shift starts between 00:00 and 23:59, got minute {minute}."),
    "bad_shift_length": N_("{block}: a shift ends after it starts and lasts at most 24 hours."),
    # Periods, views and figures
    "period_order": N_("The period ends ({last}) before it starts ({first})."),
    "period_too_long": N_("A period can be at most {days} days long."),
    "unknown_period": N_("Unknown period {value!r}; use today, 7d, 30d, month, quarter or give the dates."),
    "period_bad_day": N_("{what} must be a date like 2026-11-24, not {value!r}."),
    "unknown_view": N_("Unknown view {value!r}; use one of: {allowed}."),
    "unknown_breakdown": N_("Unknown breakdown {value!r}; use one of: {allowed}."),
    "cannot_drill": N_(
        "Cannot drill into {value!r}; use one of: {allowed}, open, at_risk_open, breached_open."
    ),
    # The database
    "db_busy": N_("The database stayed busy for 30 s; nothing was changed. Try again."),
    "db_read_only": N_("The database is read-only for you; ask the administrator for group write access."),
    "db_cannot_open": N_("The database file cannot be opened; check its directory and permissions."),
    "db_is_directory": N_("{path} is a directory, not a database file."),
    "db_unreadable": N_("Cannot read {path}: {reason}."),
    "db_not_sqlite": N_("{path} is not a bokdesk database (not an SQLite file); it was left untouched."),
    "db_damaged": N_("{path} is damaged or not a database ({detail}); it was left untouched."),
    "db_foreign": N_("{path} is an SQLite database of another program; bokdesk will not touch it."),
    "db_no_version": N_("{path} has no schema version; it may be damaged. Restore it from a backup."),
    "db_dir_missing": N_("The directory {path} does not exist; create it or choose another --db."),
    "db_dir_not_writable": N_(
        "The directory {path} is not writable for you; SQLite needs it for its journal."
    ),
    "db_no_access": N_("{path} is not readable and writable for you; ask the administrator."),
    "db_dangling_link": N_("{path} is a symbolic link to a file that does not exist."),
    "db_not_regular": N_("{path} is not a regular file (a device, pipe or socket); choose another --db."),
    "db_unusable": N_("{path} cannot be used: {reason}."),
    "db_file_newer": N_(
        "{path} was written by a newer bokdesk (schema {revision}); upgrade bokdesk before using it."
    ),
    "db_file_missing": N_("{path} does not exist; create it with `bokdesk db upgrade --db {path}`."),
    "db_file_older": N_("{path} has an older schema ({revision}); run `bokdesk db upgrade` first."),
    "db_newer": N_("The database was written by a newer bokdesk (schema {revision})."),
    "db_older": N_("The database has an older schema ({revision}); run `bokdesk db upgrade`."),
    "db_no_driver": N_("PostgreSQL needs its driver: pip install 'bokdesk[postgres]' (psycopg 3)."),
    # Making a desk shared (bokdesk admin init-shared)
    "setup_no_group": N_(
        "The group {group!r} does not exist. Create it and add each agent first: "
        "`groupadd {group}` and `usermod -aG {group} LOGIN`."
    ),
    "setup_symlink": N_("{path} is a symbolic link; refusing to follow it. Remove it or use the real path."),
    "setup_cannot_open": N_("Cannot open {path}: {reason}."),
    "setup_not_plain": N_("{path} is not a plain file with a single name; refusing to change it."),
    "setup_ancestor_open": N_(
        "{path} is writable by everyone without the sticky bit: anyone could replace the desk's "
        "directory. Put the database under a directory only root can change (e.g. /srv/bokdesk)."
    ),
    "setup_unreachable": N_(
        "Agents cannot reach {path}: {ancestor} (mode {mode}) is closed to them. "
        "Choose a path outside home directories, e.g. /srv/bokdesk/desk.db."
    ),
    "setup_public": N_(
        "{path} is open to users outside the group (mode {mode}): customer data may already have been "
        "read. Close it with `chmod o-rwx {path}` (and check who read it), then run this again."
    ),
    "setup_dir_symlink": N_("{path} is a symbolic link; give the real directory."),
    "setup_not_directory": N_("{path} is not a directory."),
    "setup_dir_open": N_(
        "{path} is writable by everyone (mode {mode}): anyone could replace or delete the "
        "database. Use a directory of its own, e.g. /srv/bokdesk; this command creates it with mode 2770."
    ),
    "setup_config_symlink": N_("{path} is a symbolic link; refusing to follow it."),
    "setup_config_not_toml": N_("{path} cannot be read as TOML ({detail}); fix or remove it."),
    "setup_config_elsewhere": N_(
        "{path} points agents at {current}, not {wanted}. Edit its [database] path by hand "
        "(so no agent is moved by surprise), then run this again."
    ),
    "setup_allow_as": N_(
        "{path} has allow_as = {allow_as}; change [security] allow_as by hand if you mean it."
    ),
    # Importing a desk (bokdesk import jsonl): what is wrong with a line
    "import_line": N_("line {line}: {why}; nothing was imported."),
    "file_unreadable": N_("Cannot read {path}: {reason}."),
    "jsonl_not_utf8": N_("{path} is not UTF-8 text; nothing was imported."),
    "jsonl_empty": N_("{path} is empty; nothing was imported."),
    "jsonl_ticket_exists": N_("ticket #{number} already exists in this database; nothing was imported."),
    "jsonl_missing": N_("{key} is missing"),
    "jsonl_bad_time": N_("{key} {value!r} is not an ISO 8601 timestamp"),
    "jsonl_not_json": N_("not valid JSON ({detail})"),
    "jsonl_no_type": N_('not a record with a "type"'),
    "jsonl_first_header": N_("the first record must be the bokdesk-jsonl header"),
    "jsonl_format": N_("unsupported format {format!r} version {version!r}"),
    "jsonl_unknown_type": N_("unknown record type {kind!r}"),
    "jsonl_without": N_("{kind} without {key}"),
    "jsonl_unknown_role": N_("unknown role {value!r}"),
    "jsonl_customer": N_("customer needs an integer id and a name"),
    "jsonl_canned_without": N_("canned response without {key}"),
    "jsonl_ticket_number": N_("ticket without a positive integer number"),
    "jsonl_ticket_twice": N_("ticket #{number} appears twice"),
    "jsonl_ticket_customer": N_("ticket #{number} refers to customer {customer!r} not defined before it"),
    "jsonl_ticket_subject": N_("ticket #{number} has an empty subject"),
    "jsonl_ticket_unknown": N_("ticket #{number} has an unknown {key} {value!r}"),
    "jsonl_ticket_message": N_("ticket #{number} has a malformed message"),
    "jsonl_ticket_history": N_("ticket #{number} has a malformed history row"),
    "jsonl_ticket_survey": N_("ticket #{number} has a malformed survey"),
    "jsonl_ticket_scores": N_("ticket #{number} has a survey outside NPS 0-10 / CSAT 1-5"),
    "jsonl_rota_without_agent": N_("{kind} without an agent login"),
    "jsonl_unknown_agent": N_("{kind} of unknown agent {agent!r}"),
    "jsonl_shifts_no_week": N_("a shifts record needs a week"),
    "jsonl_absence_order": N_("absence of {agent} ends before it starts"),
    "jsonl_absence_kind": N_("unknown absence kind {value!r}"),
    "jsonl_not_a_date": N_("{value!r} is not a date (YYYY-MM-DD)"),
    "jsonl_too_deep": N_("not valid JSON (nested too deeply or a number too long)"),
    "jsonl_not_whole": N_("{key} must be a whole number from 0 to {limit}"),
    "jsonl_not_flag": N_("{key} must be true or false"),
    "jsonl_not_text": N_("{key} must be text"),
    "jsonl_not_list": N_("{key} must be a list"),
    "jsonl_too_long": N_("{key} is longer than {limit} characters"),
    "jsonl_bad_tag": N_("a tag must be non-empty text"),
    "jsonl_bad_choice": N_("unknown {key} {value!r}"),
    "jsonl_own_parent": N_("ticket #{number} cannot be its own parent"),
    "jsonl_unknown_parent": N_("parent ticket #{parent} is neither in the file nor in this desk"),
    "jsonl_unknown_ref": N_("unknown {what} {value!r}: neither in the file nor in this desk"),
    # Importing survey answers (bokdesk report import-surveys): the file, then each bad row
    "csv_not_text": N_("{path} is neither UTF-8 nor Windows-1250 text."),
    "csv_empty": N_("The file is empty; it needs a header row and one answer per line."),
    "csv_unreadable_line": N_("Nothing was imported: line {line}: {detail}."),
    "csv_no_ticket_column": N_("line 1: no ticket column (ticket, ticket_id or zgloszenie)."),
    "csv_no_score_column": N_("line 1: no nps or csat column."),
    "csv_no_time_column": N_("line 1: no answered_at (or date) column."),
    "csv_bad_row": N_("Nothing was imported: 1 bad row: {rows}."),
    "csv_bad_rows": N_("Nothing was imported: {count} bad rows: {rows}."),
    "csv_bad_rows_more": N_("Nothing was imported: {count} bad rows: {rows} (and {more} more)."),
    "csv_row": N_("line {line}: {why}"),
    "csv_ticket_bad": N_("ticket must be a ticket number, not {value}"),
    "csv_score_not_number": N_("{what} must be a whole number {low}-{high}, not {value}"),
    "csv_score_range": N_("{what} must be {low}-{high}, not {value}"),
    "csv_no_score": N_("needs an nps (0-10) or a csat (1-5) score"),
    "csv_time_empty": N_("answered_at is empty"),
    "csv_time_bad": N_("answered_at {value} is not a date (use 2026-11-20 14:30 or 20.11.2026 14:30)"),
    "csv_external_long": N_("external_id is longer than 120 characters"),
    "csv_same_answer": N_("the same answer as line {line}"),
    "csv_ticket_missing": N_("ticket #{number} does not exist"),
    "csv_future": N_("answered_at is in the future"),
    # The e-mail channel
    "imap_connect": N_("Cannot connect to the IMAP server {host}:{port}: {detail}"),
    "imap_folder": N_("The IMAP folder {folder!r} cannot be opened: {detail}"),
    "imap_no_uidvalidity": N_("The IMAP server did not report the folder's UIDVALIDITY."),
    "imap_refused": N_("The IMAP server {host} refused: {detail}"),
    "imap_failed": N_("The IMAP connection to {host} failed: {detail}"),
    "imap_command": N_("IMAP {command} failed: {detail}"),
    "imap_closed": N_("The IMAP server closed the connection."),
    "imap_idle_refused": N_("IMAP IDLE refused: {detail}"),
    "imap_bye": N_("The IMAP server ended the session: {detail}"),
    "imap_missing_uids": N_("The IMAP server did not return UIDs {uids}; they will be read next time."),
    "maildir_not_maildir": N_("{path} is not a Maildir (it needs the cur/ and new/ folders)."),
    "maildir_not_writable": N_("{path} is not writable for you; bokdesk must move read mail to cur/."),
    "mail_no_mailbox": N_(
        "No mailbox is configured: set [mail.imap] or [mail.maildir], or give --maildir PATH."
    ),
    "mail_no_smtp": N_("No SMTP server is configured: set [mail.smtp] host (and port, security, user)."),
    "mail_nothing_to_run": N_("Nothing to run: configure [mail.imap], [mail.maildir] and/or [mail.smtp]."),
    "mail_no_from": N_("[mail] from is not set; the desk does not know its own address."),
    "outbox_missing": N_("Outbox e-mail #{number} does not exist."),
    "outbox_already_sent": N_("Outbox e-mail #{number} was already sent at {at} UTC."),
    "quarantine_missing": N_("Quarantine entry #{number} does not exist."),
    "quarantine_done": N_("Quarantine entry #{number} was already dealt with."),
    "attachment_missing": N_("Attachment #{number} does not exist."),
    "attachment_not_stored": N_("Attachment #{number} ({filename}) was over the size limit and not stored."),
    # The configuration
    "as_not_allowed": N_(
        "--as is not allowed here (the site config's [security] allow_as must be true "
        "or list your Unix login)."
    ),
    "config_missing": N_("Config file {path} does not exist."),
    "config_unreadable": N_("Config file {path} is not readable."),
    "config_not_toml": N_("Config file {path} is not valid TOML: {detail}."),
    "config_in_file": N_("{file}: {error}"),
    "section_unknown": N_("unknown section [{table}]"),
    "setting_unknown": N_("unknown setting {setting}"),
    "setting_not_table": N_("[{table}] must be a table"),
    "setting_wrong": N_("{setting} {problem}"),
    "calendar_invalid": N_("[calendar] {error}"),
    "calendar_not_table": N_("calendar: expected a table, got {value!r}"),
    "calendar_unknown_key": N_("calendar: unknown key {key!r}"),
    "calendar_day_both": N_("calendar: {day} is both a day off and a working day"),
    "calendar_not_zoneinfo": N_("calendar.timezone: expected a ZoneInfo, got {value!r}"),
    "calendar_zone_not_text": N_("calendar.timezone: expected a zone name, got {value!r}"),
    "calendar_unknown_zone": N_("calendar.timezone: unknown time zone {value!r}"),
    "calendar_country_not_text": N_("calendar.holidays: expected a country code, got {value!r}"),
    "calendar_unknown_country": N_("calendar.holidays: unknown country {value!r}"),
    "calendar_language_not_text": N_("calendar.holiday_language: expected text, got {value!r}"),
    "calendar_language_unavailable": N_("calendar.holiday_language: {value!r} not available for {country}"),
    "calendar_dates_not_list": N_("calendar.{key}: expected a list of dates, got {value!r}"),
    "calendar_not_a_date": N_("calendar.{key}: not a date {value!r} (expected YYYY-MM-DD)"),
    "calendar_hours_not_table": N_("calendar.hours: expected a table, got {value!r}"),
    "calendar_hours_not_mapping": N_("calendar.hours: expected a mapping, got {value!r}"),
    "calendar_bad_weekday": N_("calendar.hours: weekday must be 0-6, got {value!r}"),
    "calendar_unknown_day": N_("calendar.hours: unknown day {day!r} (use {allowed})"),
    "calendar_hours_spec": N_("calendar.hours.{day}: expected 'HH:MM-HH:MM', got {value!r}"),
    "calendar_not_times": N_("calendar.hours.{day}: expected (time, time), got {value!r}"),
    "calendar_bad_range": N_("calendar.hours.{day}: bad range {range!r} (use HH:MM-HH:MM)"),
    "calendar_range_order": N_("calendar.hours.{day}: range {range!r} ends before it starts"),
    "calendar_range_midnight": N_(
        "calendar.hours.{day}: range {range!r} ends at 00:00 (write 24:00 for midnight)"
    ),
    "calendar_overlap": N_("calendar.hours.{day}: overlapping ranges {ranges!r}"),
    "mail_address_form": N_('{setting} must be an e-mail address like "BOK <bok@firma.example>".'),
    "mail_address_invalid": N_("{setting} is not a valid e-mail address."),
    "mail_needs_host": N_("[{table}] needs a host."),
    "mail_security_none": N_(
        '{setting} = "none" is allowed only for a server on this machine (localhost); '
        "{host} needs ssl or starttls."
    ),
    "mail_password_no_user": N_("[{table}] has a password but no user."),
    "mail_ca_file_missing": N_("{setting} {path} does not exist."),
    "mail_maildir_no_path": N_("[{table}] needs a path."),
    "password_file_unreadable": N_("Cannot read password file {path}: {reason}."),
    "config_file_unreadable": N_("Cannot read config file {path}: {reason}."),
    "password_file_open": N_(
        "Password file {path} holds a mail password but others can read it (mode {mode}); "
        "run `chmod 600 {path}` or pass the password in the environment."
    ),
    "config_file_open": N_(
        "Config file {path} holds a mail password but others can read it (mode {mode}); "
        "run `chmod 600 {path}` or pass the password in the environment."
    ),
}

__all__ = ["MESSAGES"]
