package store

import (
	"context"
	"fmt"
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
		err := db.eachRaw(ctx, `SELECT c.id, c.sector, c.role, c.city, c.source, c.channel, c.employees, c.birth_year,
			s.orders, s.amount, `+db.times("s.last_order")+` FROM customer_stats s JOIN contacts c ON c.id = s.contact_id
			WHERE s.contact_id > ? ORDER BY s.contact_id LIMIT ?`, []any{after, batch}, func(scan func(...any) error) error {
			var r PersonaRow
			var last dbTime
			if err := scan(&r.ID, &r.Sector, &r.Role, &r.City, &r.Source, &r.Channel, &r.Employees, &r.BirthYear, &r.Orders, &r.Amount, &last); err != nil {
				return err
			}
			r.LastOrder = time.Time(last)
			rows = append(rows, r)
			return nil
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

// SavePersonaModel keeps a run of personas' model (JSON), made at at.
func (db *DB) SavePersonaModel(ctx context.Context, at time.Time, model string) error {
	if err := db.conn(ctx).Exec("INSERT INTO persona_models (at, model) VALUES (?, ?)", at.UTC(), model).Error; err != nil {
		return fmt.Errorf("keep the personas' model: %w", err)
	}
	return nil
}

// LatestPersonaModel returns the last run of personas' model and when it
// was made; ok is false before the first run.
func (db *DB) LatestPersonaModel(ctx context.Context) (model string, at time.Time, ok bool, err error) {
	var rows []struct {
		At    time.Time
		Model string
	}
	if err := db.conn(ctx).Raw("SELECT at, model FROM persona_models ORDER BY id DESC LIMIT 1").Scan(&rows).Error; err != nil {
		return "", time.Time{}, false, fmt.Errorf("read the personas' model: %w", err)
	}
	if len(rows) == 0 {
		return "", time.Time{}, false, nil
	}
	return rows[0].Model, rows[0].At.UTC(), true, nil
}

// LatestPersonaModelAt returns when the last model of personas was made,
// zero before the first: a reader keeps the model it decoded while it is
// still the last.
func (db *DB) LatestPersonaModelAt(ctx context.Context) (time.Time, error) {
	var rows []struct{ At time.Time }
	if err := db.conn(ctx).Raw("SELECT at FROM persona_models ORDER BY id DESC LIMIT 1").Scan(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("read the personas' model: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, nil
	}
	return rows[0].At.UTC(), nil
}
