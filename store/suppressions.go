package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// suppressionSecret returns the key of the suppression list's hashes,
// made by the migration that made the list and kept in the database
// (settings), so that every process of one database hashes alike and a
// copy of the list alone reads as nothing.
func (db *DB) suppressionSecret(ctx context.Context) ([]byte, error) {
	db.secretMu.Lock()
	defer db.secretMu.Unlock()
	if db.secret != nil {
		return db.secret, nil
	}
	var v string
	if err := db.conn(ctx).Raw("SELECT value FROM settings WHERE name = 'suppression_secret'").Scan(&v).Error; err != nil {
		return nil, fmt.Errorf("read the suppression list's secret: %w", err)
	}
	secret, err := hex.DecodeString(v)
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("the suppression list's secret is unreadable (%d bytes): %v", len(secret), err)
	}
	db.secret = secret
	return secret, nil
}

// Suppress puts a person's identifiers on the suppression list, as keyed
// hashes, for reason, at at. An identifier already there keeps its first
// reason and date.
func (db *DB) Suppress(ctx context.Context, email, phone string, chatID int64, reason domain.SuppressReason, at time.Time) error {
	secret, err := db.suppressionSecret(ctx)
	if err != nil {
		return err
	}
	for _, k := range domain.SuppressionKeys(secret, email, phone, chatID) {
		err := db.conn(ctx).Exec("INSERT INTO suppressions (hash, kind, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
			k.Hash, k.Kind, string(reason), at.UTC()).Error
		if err != nil {
			return fmt.Errorf("add to the suppression list: %w", err)
		}
	}
	return nil
}

// identifiers are what a contact is recognised by on the suppression list.
type identifiers struct {
	email, phone string
	chat         int64
}

// suppressionsOf returns the suppression of each contact of ids whose
// identifiers are on the list (the earliest entry), none when the list is
// empty.
func (db *DB) suppressionsOf(ctx context.Context, ids map[int64]identifiers) (map[int64]domain.Suppression, error) {
	var any int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM suppressions LIMIT 1) x").Scan(&any).Error; err != nil {
		return nil, fmt.Errorf("read the suppression list: %w", err)
	}
	if any == 0 || len(ids) == 0 {
		return nil, nil
	}
	secret, err := db.suppressionSecret(ctx)
	if err != nil {
		return nil, err
	}
	owners := map[string][]int64{}
	var hashes []string
	for id, ident := range ids {
		for _, k := range domain.SuppressionKeys(secret, ident.email, ident.phone, ident.chat) {
			if owners[k.Hash] == nil {
				hashes = append(hashes, k.Hash)
			}
			owners[k.Hash] = append(owners[k.Hash], id)
		}
	}
	out := map[int64]domain.Suppression{}
	for start := 0; start < len(hashes); start += 5000 {
		var rows []struct {
			Hash   string
			Reason string
			At     time.Time
		}
		err := db.conn(ctx).Raw("SELECT hash, reason, at FROM suppressions WHERE hash IN ?", hashes[start:min(len(hashes), start+5000)]).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("read the suppression list: %w", err)
		}
		for _, r := range rows {
			for _, id := range owners[r.Hash] {
				if have, ok := out[id]; !ok || r.At.Before(have.At) {
					out[id] = domain.Suppression{Reason: domain.SuppressReason(r.Reason), At: r.At.UTC()}
				}
			}
		}
	}
	return out, nil
}

// SuppressionOf returns contactID's match on the suppression list, zero
// if none.
func (db *DB) SuppressionOf(ctx context.Context, contactID int64) (domain.Suppression, error) {
	ids, err := db.identifiersOf(ctx, "c.id = ?", contactID)
	if err != nil {
		return domain.Suppression{}, err
	}
	m, err := db.suppressionsOf(ctx, ids)
	return m[contactID], err
}

// identifiersOf reads the identifiers of the contacts where selects
// (c: contacts, r: their respondents).
func (db *DB) identifiersOf(ctx context.Context, where string, args ...any) (map[int64]identifiers, error) {
	out := map[int64]identifiers{}
	err := db.eachRaw(ctx, `SELECT c.id, c.email, c.phone, COALESCE(r.chat_id, 0) FROM contacts c
		LEFT JOIN respondents r ON r.contact_id = c.id WHERE `+where, args, func(scan func(...any) error) error {
		var id int64
		var ident identifiers
		if err := scan(&id, &ident.email, &ident.phone, &ident.chat); err != nil {
			return err
		}
		out[id] = ident
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read contacts' identifiers: %w", err)
	}
	return out, nil
}

// SuppressedContact is a contact whose identifiers are on the list.
type SuppressedContact struct {
	Contact     *domain.Contact
	Suppression domain.Suppression
}

// EachSuppressed calls fn with the contacts on the suppression list, batch
// by batch in id order: every contact is read once, its identifiers hashed
// and looked up, batch contacts at a time.
func (db *DB) EachSuppressed(ctx context.Context, batch int, fn func([]SuppressedContact) error) error {
	var after int64
	for {
		ids, err := db.identifiersOf(ctx, "c.id > ? AND c.id <= (SELECT MAX(id) FROM (SELECT id FROM contacts WHERE id > ? ORDER BY id LIMIT ?) x)", after, after, batch)
		if err != nil || len(ids) == 0 {
			return err
		}
		found, err := db.suppressionsOf(ctx, ids)
		if err != nil {
			return err
		}
		for id := range ids {
			after = max(after, id)
		}
		if len(found) == 0 {
			continue
		}
		var list []int64
		for id := range found {
			list = append(list, id)
		}
		contacts, err := db.ContactsByIDs(ctx, list)
		if err != nil {
			return err
		}
		out := make([]SuppressedContact, len(contacts))
		for i, c := range contacts {
			out[i] = SuppressedContact{Contact: c, Suppression: found[c.ID]}
		}
		if err := fn(out); err != nil {
			return err
		}
	}
}

// SuppressionEntry is a row of the suppression list, for audits: no one's
// data, only what kind of identifier was hashed, why and when.
type SuppressionEntry struct {
	Hash   string                `json:"hash"`
	Kind   string                `json:"kind"`
	Reason domain.SuppressReason `json:"reason"`
	At     time.Time             `json:"at"`
}

// EachSuppression calls fn with the suppression list, batch by batch, in
// the order of its hashes.
func (db *DB) EachSuppression(ctx context.Context, batch int, fn func([]SuppressionEntry) error) error {
	after := ""
	for {
		var rows []SuppressionEntry
		err := db.conn(ctx).Raw("SELECT hash, kind, reason, at FROM suppressions WHERE hash > ? ORDER BY hash LIMIT ?", after, batch).Scan(&rows).Error
		if err != nil {
			return fmt.Errorf("read the suppression list: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		for i := range rows {
			rows[i].At = rows[i].At.UTC()
		}
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].Hash
	}
}

// SuppressionCounts returns how many identifiers the list holds for each
// reason, and how many erasures were recorded.
func (db *DB) SuppressionCounts(ctx context.Context) (map[domain.SuppressReason]int, int, error) {
	var rows []struct {
		Reason string
		N      int
	}
	if err := db.conn(ctx).Raw("SELECT reason, COUNT(*) AS n FROM suppressions GROUP BY reason").Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("count the suppression list: %w", err)
	}
	out := map[domain.SuppressReason]int{}
	for _, r := range rows {
		out[domain.SuppressReason(r.Reason)] = r.N
	}
	var erased int64
	if err := db.conn(ctx).Raw("SELECT COUNT(DISTINCT contact_id) FROM erasures").Scan(&erased).Error; err != nil {
		return nil, 0, fmt.Errorf("count the erasures: %w", err)
	}
	return out, int(erased), nil
}
