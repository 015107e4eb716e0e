package store

import (
	"context"
	"fmt"
)

// This file is the members of the last run of personas: each customer's
// persona and its distance to the persona's centre, written in the pass
// that assigns them, read to act on a persona (find persona=2, a saved
// segment, a representative sample) and to aggregate its card in SQL.

// PersonaMember is a customer's persona (numbered from 1) in the last run
// and its distance to the persona's centre.
type PersonaMember struct {
	ContactID int64
	Persona   int
	Distance  float64
}

var personaMemberCols = []string{"contact_id", "persona", "distance"}

// ReplacePersonaMembers replaces the members of the last run with those
// fill puts, batch by batch, in one transaction: a reader sees the
// previous run's members until the new ones are all written. fill may
// read the database meanwhile with its own context.
func (db *DB) ReplacePersonaMembers(ctx context.Context, fill func(put func([]PersonaMember) error) error) error {
	return db.InTx(ctx, func(tx context.Context) error {
		if err := db.conn(tx).Exec("DELETE FROM persona_members").Error; err != nil {
			return fmt.Errorf("clear the personas' members: %w", err)
		}
		return fill(func(ms []PersonaMember) error {
			return db.insertRows(tx, "persona_members", personaMemberCols, len(ms), func(i int, a []any) []any {
				return append(a, ms[i].ContactID, ms[i].Persona, ms[i].Distance)
			})
		})
	})
}

// PersonaMemberIDs returns the ids of persona's members, in id order.
func (db *DB) PersonaMemberIDs(ctx context.Context, persona int) ([]int64, error) {
	ids := []int64{}
	err := db.eachRaw(ctx, "SELECT contact_id FROM persona_members WHERE persona = ? ORDER BY contact_id", []any{persona},
		func(scan func(...any) error) error {
			var id int64
			err := scan(&id)
			ids = append(ids, id)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("read the members of persona %d: %w", persona, err)
	}
	return ids, nil
}

// PersonaMemberRow is a member's criteria and its distance to the centre.
type PersonaMemberRow struct {
	PersonaRow
	Distance float64
}

// EachPersonaMemberRow calls fn with persona's members and their
// distance to its centre, in id order, batch by batch; an error of fn
// stops the reading and is returned.
func (db *DB) EachPersonaMemberRow(ctx context.Context, persona, batch int, fn func([]PersonaMemberRow) error) error {
	var after int64
	for {
		var rows []PersonaMemberRow
		err := db.eachRaw(ctx, `SELECT `+db.personaCols("m.distance")+` FROM persona_members m
			JOIN customer_stats s ON s.contact_id = m.contact_id JOIN contacts c ON c.id = m.contact_id
			WHERE m.persona = ? AND m.contact_id > ? ORDER BY m.contact_id LIMIT ?`, []any{persona, after, batch}, func(scan func(...any) error) error {
			var r PersonaMemberRow
			var err error
			r.PersonaRow, err = scanPersonaRow(scan, &r.Distance)
			rows = append(rows, r)
			return err
		})
		if err != nil {
			return fmt.Errorf("read the members of persona %d: %w", persona, err)
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

// PersonasOf returns the persona of the last run of each of the contacts
// ids (sorted) that has one.
func (db *DB) PersonasOf(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	cond, args := idsWhere(ids)
	err := db.eachRaw(ctx, "SELECT contact_id, persona FROM persona_members WHERE contact_id "+cond, args, func(scan func(...any) error) error {
		var id int64
		var k int
		err := scan(&id, &k)
		out[id] = k
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the contacts' personas: %w", err)
	}
	return out, nil
}
