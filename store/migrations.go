package store

// This file is the schema: every migration, in the order of its version,
// which is the order Migrate (migrate.go) applies them in.

// migration is one versioned step of the schema. Its SQL is written once for
// both dialects: {{id}}, {{ts}}, {{text}} and {{bytes}} stand for the types
// that differ, and {{ci col}} indexes col for case-insensitive comparisons
// (see dialectSQL).
// Applied migrations are never edited; a change is a new migration.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists every migration, in increasing version; there may be
// gaps. Databases record the version and name of each one applied.
var migrations = []migration{
	{1, "contacts, pipeline moves, interactions and orders", `
CREATE TABLE contacts (
	id {{id}},
	name {{text}} NOT NULL,
	email {{text}} NOT NULL DEFAULT '',
	phone {{text}} NOT NULL DEFAULT '',
	city {{text}} NOT NULL DEFAULT '',
	country {{text}} NOT NULL DEFAULT '',
	language {{text}} NOT NULL DEFAULT '',
	timezone {{text}} NOT NULL DEFAULT '',
	gender {{text}} NOT NULL DEFAULT '',
	birth_year INTEGER NOT NULL DEFAULT 0,
	role {{text}} NOT NULL DEFAULT '',
	company {{text}} NOT NULL DEFAULT '',
	sector {{text}} NOT NULL DEFAULT '',
	employees INTEGER NOT NULL DEFAULT 0,
	capital BIGINT NOT NULL DEFAULT 0,
	product {{text}} NOT NULL DEFAULT '',
	budget BIGINT NOT NULL DEFAULT 0,
	project_date {{ts}},
	source {{text}} NOT NULL DEFAULT '',
	channel {{text}} NOT NULL DEFAULT '',
	interests {{text}} NOT NULL DEFAULT '',
	categories {{text}} NOT NULL DEFAULT '',
	preferred_channel {{text}} NOT NULL DEFAULT '',
	frequency {{text}} NOT NULL DEFAULT '',
	satisfaction INTEGER NOT NULL DEFAULT 0,
	tags {{text}} NOT NULL DEFAULT '',
	attrs {{text}} NOT NULL DEFAULT '',
	owner {{text}} NOT NULL DEFAULT '',
	stage {{text}} NOT NULL DEFAULT 'lead',
	score INTEGER NOT NULL DEFAULT 0,
	grade {{text}} NOT NULL DEFAULT 'D',
	last_contact_at {{ts}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (email) WHERE email <> '';
CREATE UNIQUE INDEX contacts_phone ON contacts (phone) WHERE phone <> '';
CREATE INDEX contacts_stage ON contacts (stage, score);
CREATE INDEX contacts_score ON contacts (score);
CREATE INDEX contacts_owner ON contacts ({{ci owner}});
CREATE INDEX contacts_sector ON contacts ({{ci sector}});
CREATE INDEX contacts_company ON contacts ({{ci company}});
CREATE INDEX contacts_city ON contacts ({{ci city}});
CREATE INDEX contacts_created ON contacts (created_at);

CREATE TABLE contact_words (
	word {{bytes}} NOT NULL,
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	PRIMARY KEY (word, contact_id)
);
CREATE INDEX contact_words_contact ON contact_words (contact_id);

CREATE TABLE moves (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	from_stage {{text}} NOT NULL,
	to_stage {{text}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX moves_contact ON moves (contact_id, at);
CREATE INDEX moves_at ON moves (at);

CREATE TABLE interactions (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	kind {{text}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX interactions_contact ON interactions (contact_id, at);
CREATE INDEX interactions_at ON interactions (at);

CREATE TABLE orders (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	amount BIGINT NOT NULL,
	date {{ts}} NOT NULL,
	note {{text}} NOT NULL DEFAULT '',
	author {{text}} NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE INDEX orders_contact ON orders (contact_id, date);
CREATE INDEX orders_date ON orders (date);
`},
	{2, "claimed events: Slack deliveries applied once", `
CREATE TABLE claimed_events (
	id {{text}} PRIMARY KEY,
	claimed_at {{ts}} NOT NULL
);
CREATE INDEX claimed_events_at ON claimed_events (claimed_at);
`},
	{3, "customer order aggregates and saved segments", `
CREATE TABLE customer_stats (
	contact_id BIGINT PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
	first_order {{ts}} NOT NULL,
	last_order {{ts}} NOT NULL,
	orders BIGINT NOT NULL,
	amount BIGINT NOT NULL
);
CREATE INDEX customer_stats_last ON customer_stats (last_order);
INSERT INTO customer_stats (contact_id, first_order, last_order, orders, amount)
	SELECT contact_id, MIN(date), MAX(date), COUNT(*), SUM(amount) FROM orders GROUP BY contact_id;

CREATE TABLE saved_segments (
	id {{id}},
	name {{text}} NOT NULL,
	filter {{text}} NOT NULL,
	author {{text}} NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX saved_segments_name ON saved_segments (name);
`},
	{4, "weekly score and segment snapshots, digest posts", `
CREATE TABLE score_snapshots (
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	week {{text}} NOT NULL,
	score INTEGER NOT NULL,
	grade {{text}} NOT NULL,
	PRIMARY KEY (contact_id, week)
);
CREATE INDEX score_snapshots_week ON score_snapshots (week, contact_id);

CREATE TABLE segment_snapshots (
	week {{text}} NOT NULL,
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	segment {{text}} NOT NULL,
	PRIMARY KEY (week, contact_id)
);

CREATE TABLE snapshot_weeks (
	kind {{text}} NOT NULL,
	week {{text}} NOT NULL,
	taken_at {{ts}} NOT NULL,
	PRIMARY KEY (kind, week)
);

CREATE TABLE digest_posts (
	channel {{text}} NOT NULL,
	week {{text}} NOT NULL,
	posted_at {{ts}} NOT NULL,
	PRIMARY KEY (channel, week)
);
`},
	{5, "the digest's quiet prospects read through an index", `
CREATE INDEX contacts_stage_last_contact ON contacts (stage, last_contact_at);
`},
	{6, "invite tokens, respondents, surveys, answers, survey runs, leases", `
CREATE TABLE invite_tokens (
	token {{text}} PRIMARY KEY,
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	created_by {{text}} NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	expires_at {{ts}} NOT NULL,
	used_at {{ts}}
);
CREATE INDEX invite_tokens_contact ON invite_tokens (contact_id);

CREATE TABLE respondents (
	contact_id BIGINT PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
	chat_id BIGINT,
	language {{text}} NOT NULL DEFAULT '',
	consent BOOLEAN NOT NULL DEFAULT FALSE,
	consent_at {{ts}},
	consent_text {{text}} NOT NULL DEFAULT '',
	withdrawn_at {{ts}},
	opted_out_at {{ts}},
	unreachable_at {{ts}},
	not_now_at {{ts}},
	detractor_at {{ts}},
	handled_at {{ts}},
	handled_by {{text}} NOT NULL DEFAULT '',
	handled_note {{text}} NOT NULL DEFAULT '',
	updated_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX respondents_chat ON respondents (chat_id);

CREATE TABLE surveys (
	id {{id}},
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
	questionnaire {{text}} NOT NULL,
	version INTEGER NOT NULL,
	status {{text}} NOT NULL,
	reason {{text}} NOT NULL DEFAULT '',
	requested_by {{text}} NOT NULL DEFAULT '',
	requested_at {{ts}} NOT NULL,
	next_at {{ts}},
	sent_at {{ts}},
	reminded_at {{ts}},
	answered_at {{ts}},
	expires_at {{ts}},
	started BOOLEAN NOT NULL DEFAULT FALSE,
	position INTEGER NOT NULL DEFAULT 0,
	toggled {{text}} NOT NULL DEFAULT '',
	via {{text}} NOT NULL DEFAULT '',
	message_id BIGINT NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0,
	claimed_by {{text}} NOT NULL DEFAULT '',
	claimed_until {{ts}}
);
CREATE INDEX surveys_contact ON surveys (contact_id, status);
CREATE INDEX surveys_next ON surveys (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX surveys_sent ON surveys (sent_at);
CREATE INDEX surveys_questionnaire ON surveys (questionnaire, status);

CREATE TABLE answers (
	survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	question {{text}} NOT NULL,
	contact_id BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
	questionnaire {{text}} NOT NULL,
	type {{text}} NOT NULL,
	skipped BOOLEAN NOT NULL DEFAULT FALSE,
	number INTEGER NOT NULL DEFAULT 0,
	options {{text}} NOT NULL DEFAULT '',
	yes BOOLEAN NOT NULL DEFAULT FALSE,
	text {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL,
	PRIMARY KEY (survey_id, question)
);
CREATE INDEX answers_questionnaire ON answers (questionnaire, at);
CREATE INDEX answers_contact ON answers (contact_id);

CREATE TABLE survey_runs (
	id {{id}},
	questionnaire {{text}} NOT NULL,
	requested_by {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL,
	audience INTEGER NOT NULL,
	counts {{text}} NOT NULL
);
CREATE INDEX survey_runs_at ON survey_runs (at);

CREATE TABLE leases (
	name {{text}} PRIMARY KEY,
	holder {{text}} NOT NULL,
	until {{ts}} NOT NULL
);
`},
	{7, "the outbox of owed messages", `
CREATE TABLE outbox (
	id {{id}},
	kind {{text}} NOT NULL,
	chat_id BIGINT NOT NULL DEFAULT 0,
	survey_id BIGINT NOT NULL DEFAULT 0,
	body {{text}} NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	next_at {{ts}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	claimed_by {{text}} NOT NULL DEFAULT '',
	claimed_until {{ts}}
);
CREATE INDEX outbox_chat ON outbox (kind, chat_id, id);
`},
	// No migration has version 8: the number was skipped, and versions
	// are never renumbered, as databases record them.

	// find and top sort by score within a filter on stage (an index
	// already), sector, city or owner: with the score second in the index,
	// the page is the first entries of one range, read in order, instead of
	// every matching contact sorted. The one-column indexes they replace
	// are the first part of the new ones.
	{9, "find and top: sector, city and owner indexes sorted by score", `
CREATE INDEX contacts_sector_score ON contacts ({{ci sector}}, score);
DROP INDEX contacts_sector;
CREATE INDEX contacts_city_score ON contacts ({{ci city}}, score);
DROP INDEX contacts_city;
CREATE INDEX contacts_owner_score ON contacts ({{ci owner}}, score);
DROP INDEX contacts_owner;
`},
	// The orders' indexes carry the amount, so that the digest's revenue
	// of the week and a recompute of RFM from the orders read the index
	// alone: fetching each order's row for its amount was most of their
	// time (2 million orders: revenue 0.3 s → 0.07 s, recompute 2.5 s →
	// 1.1 s).
	{10, "the orders' indexes cover the amount", `
DROP INDEX orders_date;
CREATE INDEX orders_date ON orders (date, amount);
DROP INDEX orders_contact;
CREATE INDEX orders_contact ON orders (contact_id, date, amount);
`},
	// The words of the contacts are unique by an index rather than a
	// primary key: SQLite cannot drop a primary key, and an import of
	// many contacts drops the indexes of the words and builds them again
	// after (for 945,000 words: 1.1 s instead of 3.4 s in sqlite3).
	{11, "contact words: a unique index instead of a primary key, which an import can rebuild", `
CREATE TABLE contact_words_new (
	word {{bytes}} NOT NULL,
	contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE
);
INSERT INTO contact_words_new (word, contact_id) SELECT word, contact_id FROM contact_words;
DROP TABLE contact_words;
ALTER TABLE contact_words_new RENAME TO contact_words;
CREATE UNIQUE INDEX contact_words_word ON contact_words (word, contact_id);
CREATE INDEX contact_words_contact ON contact_words (contact_id);
`},
	// Erasures record who asked for each (an admin's forget, or the
	// customer's /forget) and when: the contact's id, never its data.
	{12, "erasures: who asked and when", `
CREATE TABLE erasures (
	id {{id}},
	contact_id BIGINT NOT NULL,
	requested_by {{text}} NOT NULL,
	at {{ts}} NOT NULL
);
CREATE INDEX erasures_contact ON erasures (contact_id);
`},
	// Merges record each merge of duplicates: who, when, which contact
	// was folded into which (ids only: the merged one no longer exists).
	{13, "merges: who merged which duplicate into which contact, and when", `
CREATE TABLE merges (
	id {{id}},
	kept_id BIGINT NOT NULL,
	merged_id BIGINT NOT NULL,
	merged_by {{text}} NOT NULL,
	at {{ts}} NOT NULL
);
CREATE INDEX merges_kept ON merges (kept_id);
`},
	// The suppression list keeps keyed hashes of the identifiers of people
	// who opted out or were erased, never the identifiers; its key is a
	// secret of the database (settings), made here once for every process.
	{14, "the suppression list and the database's settings (its secret)", `
CREATE TABLE settings (
	name {{text}} PRIMARY KEY,
	value {{text}} NOT NULL
);
CREATE TABLE suppressions (
	hash {{text}} PRIMARY KEY,
	kind {{text}} NOT NULL,
	reason {{text}} NOT NULL,
	at {{ts}} NOT NULL
);
INSERT INTO settings (name, value) VALUES ('suppression_secret', {{random_hex}});
`},
	// The consent ledger: every consent given, refused or withdrawn,
	// appended and never changed; each questionnaire sent records the
	// entry it relied on. The state kept before the ledger becomes its
	// first entries (consentBackfill).
	{15, "the consent ledger, and the entry each questionnaire sent relied on", `
CREATE TABLE consent_events (
	id {{id}},
	contact_id BIGINT NOT NULL,
	kind {{text}} NOT NULL,
	channel {{text}} NOT NULL,
	text_version {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE INDEX consent_events_contact ON consent_events (contact_id, id);
ALTER TABLE surveys ADD COLUMN consent_event_id BIGINT;
` + consentBackfill},
	// Triggers claim each occasion (a sale, a move, an answer) once for a
	// questionnaire, whatever process saw it first.
	{16, "the occasions of triggered questionnaires, each claimed once", `
CREATE TABLE triggered (
	questionnaire {{text}} NOT NULL,
	kind {{text}} NOT NULL,
	ref_id BIGINT NOT NULL,
	contact_id BIGINT NOT NULL,
	at {{ts}} NOT NULL,
	PRIMARY KEY (questionnaire, kind, ref_id)
);
`},
	// Each run of personas keeps its model (the encoding and the centres),
	// for a contact's card to say which persona it is closest to.
	{17, "the personas' models", `
CREATE TABLE persona_models (
	id {{id}},
	at {{ts}} NOT NULL,
	model {{text}} NOT NULL
);
`},
	// Personas to act on: each customer's persona of the last run (with
	// its distance to the centre, for a representative sample), the
	// personas named and pinned by the team, and a snapshot a month. The
	// members have no other index and no foreign key: written in id
	// order, 864,284 of them fit in the 10 s of a run over a million
	// contacts (6.7 s in all), which an index on the persona and the
	// key's check pushed to 10–16 s. A member whose contact is gone joins
	// no contact; find persona=2 reads them all (0.3 s).
	{18, "personas' members, pinned names and monthly snapshots", `
CREATE TABLE persona_members (
	contact_id BIGINT PRIMARY KEY,
	persona INTEGER NOT NULL,
	distance DOUBLE PRECISION NOT NULL
);
CREATE TABLE persona_pins (
	number INTEGER PRIMARY KEY,
	name {{text}} NOT NULL,
	center {{text}} NOT NULL,
	author {{text}} NOT NULL DEFAULT '',
	at {{ts}} NOT NULL
);
CREATE TABLE persona_snapshots (
	month {{text}} NOT NULL,
	number INTEGER NOT NULL,
	name {{text}} NOT NULL,
	customers BIGINT NOT NULL,
	revenue BIGINT NOT NULL,
	at {{ts}} NOT NULL,
	PRIMARY KEY (month, number)
);
`},
	// Each contact's fit grade (A–D) and engagement score (0–100) beside
	// its score (issue 13): find filters on both (fit=A engagement>=50)
	// and top sorts by engagement through these indexes. Contacts read D
	// and 0 until they are next scored (crmbot rescore scores them all).
	{19, "contacts: fit grade and engagement score", `
ALTER TABLE contacts ADD COLUMN fit {{text}} NOT NULL DEFAULT 'D';
ALTER TABLE contacts ADD COLUMN engagement INTEGER NOT NULL DEFAULT 0;
CREATE INDEX contacts_engagement ON contacts (engagement);
CREATE INDEX contacts_fit_engagement ON contacts (fit, engagement);
`},
	// What tells the team what to do next: every score change (kept a
	// week and a day, for "gained N points in 7 days"), the hot-lead
	// alerts sent, the contacts an owner snoozed or muted, and the weekly
	// check-ins with the contacts each listed. The contacts scored before
	// version 19 lack their fit grade and engagement: crmbot run rescores
	// them all once (RescorePending).
	{20, "score changes, hot-lead alerts, snoozes and the owners' check-ins", `
CREATE TABLE score_changes (
	id {{id}},
	contact_id BIGINT NOT NULL,
	at {{ts}} NOT NULL,
	old_score INTEGER NOT NULL,
	new_score INTEGER NOT NULL,
	old_grade {{text}} NOT NULL,
	new_grade {{text}} NOT NULL,
	checked BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX score_changes_contact ON score_changes (contact_id, at);
CREATE INDEX contacts_owner_stage ON contacts ({{ci owner}}, stage, last_contact_at);
CREATE INDEX score_changes_unchecked ON score_changes (id) WHERE NOT checked;
CREATE TABLE hot_alerts (
	id {{id}},
	contact_id BIGINT NOT NULL,
	owner {{text}} NOT NULL,
	at {{ts}} NOT NULL,
	reason {{text}} NOT NULL,
	score INTEGER NOT NULL,
	gained INTEGER NOT NULL
);
CREATE INDEX hot_alerts_contact ON hot_alerts (contact_id, at);
CREATE INDEX hot_alerts_owner ON hot_alerts (owner, at);
CREATE TABLE snoozes (
	contact_id BIGINT NOT NULL,
	owner {{text}} NOT NULL,
	until {{ts}} NOT NULL,
	muted BOOLEAN NOT NULL DEFAULT FALSE,
	at {{ts}} NOT NULL,
	PRIMARY KEY (contact_id, owner)
);
CREATE TABLE checkins (
	owner {{text}} NOT NULL,
	week {{text}} NOT NULL,
	at {{ts}} NOT NULL,
	PRIMARY KEY (owner, week)
);
CREATE TABLE checkin_items (
	owner {{text}} NOT NULL,
	week {{text}} NOT NULL,
	contact_id BIGINT NOT NULL,
	kind {{text}} NOT NULL,
	PRIMARY KEY (owner, week, contact_id)
);
INSERT INTO settings (name, value) VALUES ('rescore_pending', 'the fit grade and engagement of version 19');
`},
	// Each new migration goes at the end of this list, with the next
	// version.
}
