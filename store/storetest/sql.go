package storetest

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store"
)

// Count runs query, which returns one number (a SELECT COUNT(*)), on db and
// returns it; an error fails t. It is how a test checks what the store
// wrote beyond what the store's methods read back: that nothing of an
// erased contact is left, how many rows a table holds. The arguments of
// query are marked ?, on both databases.
func Count(t testing.TB, db *store.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := SQL(t, db).QueryRow(rebind(db, query), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// SQL returns the pool of connections under db, for a test that reads the
// database with SQL of its own (the schema, say); its placeholders are
// those of db's driver: ? on SQLite, $1 on PostgreSQL.
func SQL(t testing.TB, db *store.DB) *sql.DB {
	t.Helper()
	p, err := db.SQLForTests()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rebind numbers the ? of query for PostgreSQL's driver ($1, $2…). Tests'
// queries hold no ? in their quoted strings.
func rebind(db *store.DB, query string) string {
	if !db.Postgres() {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}

// UnprovenSends counts the questionnaires sent whose ledger entry is not a
// consent in force at their send time: none recorded, another contact's,
// not a consent, given after the send, or withdrawn or refused between it
// and the send. A database whose sends all rest on the ledger counts 0.
func UnprovenSends(t testing.TB, db *store.DB) int64 {
	t.Helper()
	return Count(t, db, `SELECT COUNT(*) FROM surveys s WHERE s.sent_at IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM consent_events e WHERE e.id = s.consent_event_id AND e.contact_id = s.contact_id
			AND e.kind = 'given' AND e.at <= s.sent_at
			AND NOT EXISTS (SELECT 1 FROM consent_events w WHERE w.contact_id = s.contact_id
				AND w.kind IN ('refused', 'withdrawn') AND w.at > e.at AND w.at <= s.sent_at))`)
}
