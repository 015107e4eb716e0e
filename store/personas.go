package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PersonaRow is what personas are made of, for one customer: its criteria
// and its orders' figures.
type PersonaRow struct {
	ID                           int64
	Sector, Role, City           string
	Source, Channel              string
	Employees, BirthYear, Orders int
	Amount                       int64
	LastOrder                    time.Time
	// For the persona's card: when the contact was created and first
	// ordered, and what its answers set.
	Created, FirstOrder   time.Time
	Interests, Categories []string
	PreferredChannel      string
}

// CountCustomers counts the contacts with orders.
func (db *DB) CountCustomers(ctx context.Context) (int64, error) {
	var n int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM customer_stats").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count customers: %w", err)
	}
	return n, nil
}

// EachPersonaRow calls fn with every customer's persona row, in id order,
// batch by batch: one pass, never the whole table in memory.
func (db *DB) EachPersonaRow(ctx context.Context, batch int, fn func([]PersonaRow) error) error {
	var after int64
	for {
		var rows []PersonaRow
		err := db.eachRaw(ctx, `SELECT `+db.personaCols()+` FROM customer_stats s JOIN contacts c ON c.id = s.contact_id
			WHERE s.contact_id > ? ORDER BY s.contact_id LIMIT ?`, []any{after, batch}, func(scan func(...any) error) error {
			r, err := scanPersonaRow(scan)
			rows = append(rows, r)
			return err
		})
		if err != nil {
			return fmt.Errorf("read customers for personas: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[len(rows)-1].ID
	}
}

// personaCols selects a PersonaRow (contacts c, customer_stats s), for
// scanPersonaRow.
func (db *DB) personaCols(extra ...string) string {
	return strings.Join(append([]string{"c.id, c.sector, c.role, c.city, c.source, c.channel, c.employees, c.birth_year, s.orders, s.amount",
		db.times("s.last_order", "c.created_at", "s.first_order"), "c.interests, c.categories, c.preferred_channel"}, extra...), ", ")
}

// scanPersonaRow reads a row selected by personaCols, and into more the
// extra columns.
func scanPersonaRow(scan func(...any) error, more ...any) (PersonaRow, error) {
	var r PersonaRow
	var last, created, first dbTime
	var interests, categories string
	err := scan(append([]any{&r.ID, &r.Sector, &r.Role, &r.City, &r.Source, &r.Channel, &r.Employees, &r.BirthYear, &r.Orders, &r.Amount,
		&last, &created, &first, &interests, &categories, &r.PreferredChannel}, more...)...)
	r.LastOrder, r.Created, r.FirstOrder = time.Time(last), time.Time(created), time.Time(first)
	r.Interests, r.Categories = splitList(interests), splitList(categories)
	return r, err
}

// SamplePersonaRows returns every customer of rank 0, every, 2·every…
// in id order: the customers the personas are fitted on, read without
// reading the others' criteria (their ranks come from the index of
// customer_stats alone).
func (db *DB) SamplePersonaRows(ctx context.Context, every int) ([]PersonaRow, error) {
	var rows []PersonaRow
	err := db.eachRaw(ctx, `SELECT `+db.personaCols()+` FROM (SELECT contact_id, ROW_NUMBER() OVER (ORDER BY contact_id) - 1 AS n
		FROM customer_stats) k JOIN customer_stats s ON s.contact_id = k.contact_id JOIN contacts c ON c.id = k.contact_id
		WHERE k.n % ? = 0 ORDER BY k.contact_id`, []any{max(1, every)}, func(scan func(...any) error) error {
		r, err := scanPersonaRow(scan)
		rows = append(rows, r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the customers of the personas' sample: %w", err)
	}
	return rows, nil
}

// SavePersonaModel keeps a run of personas' model (JSON), made at at.
func (db *DB) SavePersonaModel(ctx context.Context, at time.Time, model string) error {
	if err := db.conn(ctx).Exec("INSERT INTO persona_models (at, model) VALUES (?, ?)", at.UTC(), model).Error; err != nil {
		return fmt.Errorf("keep the personas' model: %w", err)
	}
	return nil
}

// LatestPersonaModel returns the last model of personas kept, its id and
// when its personas were made; ok is false before the first run.
func (db *DB) LatestPersonaModel(ctx context.Context) (id int64, model string, at time.Time, ok bool, err error) {
	var rows []struct {
		ID    int64
		At    time.Time
		Model string
	}
	if err := db.conn(ctx).Raw("SELECT id, at, model FROM persona_models ORDER BY id DESC LIMIT 1").Scan(&rows).Error; err != nil {
		return 0, "", time.Time{}, false, fmt.Errorf("read the personas' model: %w", err)
	}
	if len(rows) == 0 {
		return 0, "", time.Time{}, false, nil
	}
	return rows[0].ID, rows[0].Model, rows[0].At.UTC(), true, nil
}

// LatestPersonaModelID returns the id of the last model of personas kept,
// 0 before the first: a reader keeps the model it decoded while it is
// still the last (a run, or a persona named, keeps a new one).
func (db *DB) LatestPersonaModelID(ctx context.Context) (int64, error) {
	var rows []struct{ ID int64 }
	if err := db.conn(ctx).Raw("SELECT id FROM persona_models ORDER BY id DESC LIMIT 1").Scan(&rows).Error; err != nil {
		return 0, fmt.Errorf("read the personas' model: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	return rows[0].ID, nil
}
