package store

import (
	"context"
	"fmt"
	"time"
)

// This file keeps personas over time: the personas the team named and
// pinned (their centre, to recognise them in the next run), and a
// snapshot of each month's personas (the last run of the month).

// PersonaPin is a persona the team named: its number, its name, its
// centre (JSON, by dimension name), who named it and when.
type PersonaPin struct {
	Number       int
	Name, Center string
	Author       string
	At           time.Time
}

// SavePersonaPin names and pins persona p.Number, or renames it, or
// moves its centre.
func (db *DB) SavePersonaPin(ctx context.Context, p PersonaPin) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if err := db.conn(ctx).Exec("DELETE FROM persona_pins WHERE number = ?", p.Number).Error; err != nil {
			return fmt.Errorf("pin persona %d: %w", p.Number, err)
		}
		err := db.conn(ctx).Exec("INSERT INTO persona_pins (number, name, center, author, at) VALUES (?, ?, ?, ?, ?)",
			p.Number, p.Name, p.Center, p.Author, p.At.UTC()).Error
		if err != nil {
			return fmt.Errorf("pin persona %d: %w", p.Number, err)
		}
		return nil
	})
}

// DeletePersonaPin lifts the pin of persona number, and reports whether
// there was one.
func (db *DB) DeletePersonaPin(ctx context.Context, number int) (bool, error) {
	res := db.conn(ctx).Exec("DELETE FROM persona_pins WHERE number = ?", number)
	if res.Error != nil {
		return false, fmt.Errorf("unpin persona %d: %w", number, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// PersonaPins returns the pinned personas, by number.
func (db *DB) PersonaPins(ctx context.Context) ([]PersonaPin, error) {
	var out []PersonaPin
	err := db.eachRaw(ctx, "SELECT number, name, center, author, "+db.times("at")+" FROM persona_pins ORDER BY number", nil,
		func(scan func(...any) error) error {
			var p PersonaPin
			var at dbTime
			err := scan(&p.Number, &p.Name, &p.Center, &p.Author, &at)
			p.At = time.Time(at)
			out = append(out, p)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read the pinned personas: %w", err)
	}
	return out, nil
}

// PersonaSnapshot is a persona of a month's snapshot: its size and its
// revenue (cents), as the last run of the month found them.
type PersonaSnapshot struct {
	Month     string // 2026-12
	Number    int
	Name      string
	Customers int
	Revenue   int64
	At        time.Time
}

// SavePersonaSnapshot makes rows the snapshot of month, replacing the
// one an earlier run of the month made.
func (db *DB) SavePersonaSnapshot(ctx context.Context, month string, rows []PersonaSnapshot) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if err := db.conn(ctx).Exec("DELETE FROM persona_snapshots WHERE month = ?", month).Error; err != nil {
			return fmt.Errorf("snapshot the personas of %s: %w", month, err)
		}
		return db.insertRows(ctx, "persona_snapshots", []string{"month", "number", "name", "customers", "revenue", "at"}, len(rows),
			func(i int, a []any) []any {
				r := rows[i]
				return append(a, month, r.Number, r.Name, r.Customers, r.Revenue, r.At.UTC())
			})
	})
}

// PersonaSnapshots returns the snapshot of month, by number.
func (db *DB) PersonaSnapshots(ctx context.Context, month string) ([]PersonaSnapshot, error) {
	var out []PersonaSnapshot
	err := db.eachRaw(ctx, "SELECT month, number, name, customers, revenue, "+db.times("at")+" FROM persona_snapshots WHERE month = ? ORDER BY number",
		[]any{month}, func(scan func(...any) error) error {
			var r PersonaSnapshot
			var at dbTime
			err := scan(&r.Month, &r.Number, &r.Name, &r.Customers, &r.Revenue, &at)
			r.At = time.Time(at)
			out = append(out, r)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read the personas of %s: %w", month, err)
	}
	return out, nil
}

// PersonaSnapshotMonths returns the last n months up to month that have a
// snapshot, the latest first.
func (db *DB) PersonaSnapshotMonths(ctx context.Context, month string, n int) ([]string, error) {
	var out []string
	err := db.eachRaw(ctx, "SELECT DISTINCT month FROM persona_snapshots WHERE month <= ? ORDER BY month DESC LIMIT ?", []any{month, n},
		func(scan func(...any) error) error {
			var m string
			err := scan(&m)
			out = append(out, m)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read the months of personas: %w", err)
	}
	return out, nil
}
