package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps what tells an owner what to do next: the log of score
// changes that hot-lead alerts are drawn from, the alerts, the contacts an
// owner snoozed or muted, and the weekly check-ins.

type quietKey struct{}

// Quietly returns a context under which score changes are not logged, so
// that they raise no hot-lead alert: an import is history the team knows
// already, and would otherwise alert on every good lead it brings.
func Quietly(ctx context.Context) context.Context { return context.WithValue(ctx, quietKey{}, true) }

func quiet(ctx context.Context) bool { q, _ := ctx.Value(quietKey{}).(bool); return q }

// logScoreChanges records, before scores are written, the change of each
// contact whose new score or grade differs from its stored one. from is
// the FROM clause of the new values, naming them n.id, n.score, n.grade.
func (db *DB) logScoreChanges(ctx context.Context, from string, args ...any) error {
	if quiet(ctx) {
		return nil
	}
	q := `INSERT INTO score_changes (contact_id, at, old_score, new_score, old_grade, new_grade)
		SELECT c.id, ?, c.score, n.score, c.grade, n.grade FROM ` + from + ` JOIN contacts c ON c.id = n.id
		WHERE c.score <> n.score OR c.grade <> n.grade`
	if err := db.conn(ctx).Exec(q, append([]any{db.now().UTC()}, args...)...).Error; err != nil {
		return fmt.Errorf("log score changes: %w", err)
	}
	return nil
}

// scoreBatch is the FROM clause of a JSON batch of [id, score, grade].
func (db *DB) scoreBatch() string {
	if db.postgres {
		return `(SELECT (j.value ->> 0)::bigint AS id, (j.value ->> 1)::int AS score, j.value ->> 2 AS grade
			FROM jsonb_array_elements(?::jsonb) AS j(value)) n`
	}
	return `(SELECT j.value ->> 0 AS id, j.value ->> 1 AS score, j.value ->> 2 AS grade FROM json_each(?) AS j) n`
}

// UncheckedScoreChanges returns up to limit score changes no alert round
// has examined yet, oldest first.
func (db *DB) UncheckedScoreChanges(ctx context.Context, limit int) ([]domain.ScoreChange, error) {
	var out []domain.ScoreChange
	err := db.eachRaw(ctx, `SELECT id, contact_id, `+db.times("at")+`, old_score, new_score, old_grade, new_grade
		FROM score_changes WHERE NOT checked ORDER BY id LIMIT ?`, []any{limit}, func(scan func(...any) error) error {
		var c domain.ScoreChange
		var at dbTime
		if err := scan(&c.ID, &c.ContactID, &at, &c.OldScore, &c.NewScore, &c.OldGrade, &c.NewGrade); err != nil {
			return err
		}
		c.At = time.Time(at).UTC()
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read score changes: %w", err)
	}
	return out, nil
}

// CheckScoreChanges marks the changes of ids examined, and reports false
// when another process marked one of them first (then the caller's
// transaction must not go on: that process alerts on them).
func (db *DB) CheckScoreChanges(ctx context.Context, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return true, nil
	}
	res := db.conn(ctx).Exec(`UPDATE score_changes SET checked = TRUE WHERE id IN ? AND NOT checked`, ids)
	if res.Error != nil {
		return false, fmt.Errorf("mark score changes examined: %w", res.Error)
	}
	return res.RowsAffected == int64(len(ids)), nil
}

// PruneScoreChanges forgets the examined changes made before before.
func (db *DB) PruneScoreChanges(ctx context.Context, before time.Time) error {
	err := db.conn(ctx).Exec(`DELETE FROM score_changes WHERE checked AND at < ?`, before.UTC()).Error
	if err != nil {
		return fmt.Errorf("forget old score changes: %w", err)
	}
	return nil
}

// HotCases returns what an alert round reads of the contacts of ids (those
// that exist) whose score changed: their owner, score now and at the start
// of the window (since; the first score of a contact created since, whose
// creation is no gain), last alert, and whether their owner snoozed them
// (at now). The changes are the caller's to add.
func (db *DB) HotCases(ctx context.Context, ids []int64, since, now time.Time) (map[int64]*domain.HotCase, error) {
	out := map[int64]*domain.HotCase{}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.eachRaw(ctx, `SELECT c.id, c.owner, c.score, c.grade,
		COALESCE((SELECT CASE WHEN s.old_grade = '' THEN s.new_score ELSE s.old_score END
			FROM score_changes s WHERE s.contact_id = c.id AND s.at >= ? ORDER BY s.at, s.id LIMIT 1), c.score),
		`+db.times("(SELECT MAX(h.at) FROM hot_alerts h WHERE h.contact_id = c.id)")+`,
		EXISTS (SELECT 1 FROM snoozes z WHERE z.contact_id = c.id AND z.owner = c.owner AND (z.muted OR z.until > ?))
		FROM contacts c WHERE c.id IN ?`, []any{since.UTC(), now.UTC(), ids}, func(scan func(...any) error) error {
		var id int64
		var f domain.HotCase
		var last dbTime
		if err := scan(&id, &f.Owner, &f.Score, &f.Grade, &f.Start, &last, &f.Snoozed); err != nil {
			return err
		}
		f.LastAlert = time.Time(last)
		out[id] = &f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read what alerts need of contacts: %w", err)
	}
	return out, nil
}

// hotAlertRow is a row of hot_alerts.
type hotAlertRow struct {
	ID        int64 `gorm:"primaryKey"`
	ContactID int64
	Owner     string
	At        time.Time
	Reason    string
	Score     int
	Gained    int
}

func (hotAlertRow) TableName() string { return "hot_alerts" }

func (r hotAlertRow) toDomain() domain.HotAlert {
	return domain.HotAlert{ID: r.ID, ContactID: r.ContactID, Owner: r.Owner, At: r.At.UTC(),
		Reason: domain.HotReason(r.Reason), Score: r.Score, Gained: r.Gained}
}

// AddHotAlerts records alerts in one statement (an alert round writes up to 1,000), and returns them
// with their ids.
func (db *DB) AddHotAlerts(ctx context.Context, alerts []domain.HotAlert) ([]domain.HotAlert, error) {
	if len(alerts) == 0 {
		return nil, nil
	}
	rows := make([]hotAlertRow, len(alerts))
	for i, a := range alerts {
		rows[i] = hotAlertRow{ContactID: a.ContactID, Owner: a.Owner, At: a.At.UTC(), Reason: string(a.Reason), Score: a.Score, Gained: a.Gained}
	}
	if err := db.conn(ctx).Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("record hot-lead alerts: %w", err)
	}
	out := make([]domain.HotAlert, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, nil
}

// HotAlert returns the alert of id.
func (db *DB) HotAlert(ctx context.Context, id int64) (domain.HotAlert, error) {
	var row hotAlertRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return domain.HotAlert{}, translate(err, domain.M("hot-lead alert %d", id))
	}
	return row.toDomain(), nil
}

// HotAlerts returns the newest alerts since since, of owner's contacts
// only when owner is not empty, up to limit, with how many there are.
func (db *DB) HotAlerts(ctx context.Context, owner string, since time.Time, limit int) ([]domain.HotAlert, int64, error) {
	q := db.conn(ctx).Model(&hotAlertRow{}).Where("at >= ?", since.UTC())
	if owner != "" {
		q = q.Where("owner = ?", owner)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		return nil, 0, fmt.Errorf("count hot-lead alerts: %w", err)
	}
	var rows []hotAlertRow
	if err := q.Order("at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("read hot-lead alerts: %w", err)
	}
	out := make([]domain.HotAlert, len(rows))
	for i, r := range rows {
		out[i] = r.toDomain()
	}
	return out, n, nil
}

// CountHotAlerts counts the alerts sent from from to to.
func (db *DB) CountHotAlerts(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	err := db.conn(ctx).Model(&hotAlertRow{}).Where("at >= ? AND at < ?", from.UTC(), to.UTC()).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count hot-lead alerts: %w", err)
	}
	return n, nil
}

// Snooze keeps contact id out of owner's alerts and check-ins until until,
// or for good with muted, and unmute lifts both.
func (db *DB) Snooze(ctx context.Context, id int64, owner string, until time.Time, muted bool) error {
	err := db.conn(ctx).Exec(`INSERT INTO snoozes (contact_id, owner, until, muted, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (contact_id, owner) DO UPDATE SET until = excluded.until, muted = excluded.muted, at = excluded.at`,
		id, owner, until.UTC(), muted, db.now().UTC()).Error
	if err != nil {
		return fmt.Errorf("snooze contact %d: %w", id, err)
	}
	return nil
}

// Unsnooze lifts owner's snooze or mute of contact id, and reports whether
// there was one.
func (db *DB) Unsnooze(ctx context.Context, id int64, owner string) (bool, error) {
	res := db.conn(ctx).Exec(`DELETE FROM snoozes WHERE contact_id = ? AND owner = ?`, id, owner)
	if res.Error != nil {
		return false, fmt.Errorf("unsnooze contact %d: %w", id, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// nudgeCond is the condition on contacts of the list kind of p.Owner's
// contacts: never one the owner snoozed or muted.
func (db *DB) nudgeCond(kind domain.NudgeKind, p domain.NudgeParams) (string, []any, error) {
	owner, ownerArgs, err := db.textCond("contacts.owner", domain.Filter{Field: "owner", Op: domain.Eq, Arg: p.Owner})
	if err != nil {
		return "", nil, err
	}
	now := p.Now.UTC()
	cond := owner + ` AND NOT EXISTS (SELECT 1 FROM snoozes z WHERE z.contact_id = contacts.id AND z.owner = contacts.owner AND (z.muted OR z.until > ?))`
	args := append(slices.Clone(ownerArgs), now)
	rot, rotArgs := rotCond(p.Rot, p.Now)
	switch kind {
	case domain.HotLeads:
		// A union of two index ranges: the owner's best scores, and the
		// owner's alerts of the week.
		cond += ` AND contacts.id IN (SELECT c.id FROM contacts c WHERE ` + strings.ReplaceAll(owner, "contacts.", "c.") + ` AND c.score >= ?
			UNION SELECT h.contact_id FROM hot_alerts h WHERE h.owner = ? AND h.at >= ?)`
		args = append(append(args, ownerArgs...), p.HotScore, p.Owner, now.Add(-p.Hot.Every))
	case domain.RottingDeals:
		cond += " AND " + rot
		args = append(args, rotArgs...)
	case domain.QuietProspects:
		cutoff := now.AddDate(0, 0, -domain.QuietDays)
		cond += ` AND contacts.stage = ? AND COALESCE(contacts.last_contact_at, contacts.created_at) < ? AND NOT ` + rot
		args = append(append(args, string(domain.Prospect), cutoff), rotArgs...)
	default:
		return "", nil, fmt.Errorf("no list of kind %q", kind)
	}
	return cond, args, nil
}

// NudgeList returns up to limit contacts of the list kind of p.Owner, the
// best scores first, and how many the list holds.
func (db *DB) NudgeList(ctx context.Context, kind domain.NudgeKind, p domain.NudgeParams, limit int) ([]*domain.Contact, int64, error) {
	cond, args, err := db.nudgeCond(kind, p)
	if err != nil {
		return nil, 0, err
	}
	var n int64
	if err := db.conn(ctx).Model(&contactRow{}).Where(cond, args...).Count(&n).Error; err != nil {
		return nil, 0, fmt.Errorf("count the %s list: %w", kind, err)
	}
	if n == 0 {
		return nil, 0, nil
	}
	list, err := db.contacts(db.conn(ctx).Where(cond, args...).Order("score DESC, id").Limit(limit))
	return list, n, err
}

// Owners returns every owner of a contact, in order.
func (db *DB) Owners(ctx context.Context) ([]string, error) {
	var out []string
	err := db.conn(ctx).Raw(`SELECT DISTINCT owner FROM contacts WHERE owner <> '' ORDER BY owner`).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read the owners: %w", err)
	}
	return out, nil
}

// ClaimCheckin records owner's check-in of week, made at at, and reports
// false when it was made already (by this process or another).
func (db *DB) ClaimCheckin(ctx context.Context, owner, week string, at time.Time) (bool, error) {
	res := db.conn(ctx).Exec(`INSERT INTO checkins (owner, week, at) VALUES (?, ?, ?) ON CONFLICT (owner, week) DO NOTHING`, owner, week, at.UTC())
	if res.Error != nil {
		return false, fmt.Errorf("claim the check-in of %s: %w", owner, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// AddCheckinItems records the contacts owner's check-in of week listed.
func (db *DB) AddCheckinItems(ctx context.Context, owner, week string, items map[int64]domain.NudgeKind) error {
	for id, kind := range items {
		err := db.conn(ctx).Exec(`INSERT INTO checkin_items (owner, week, contact_id, kind) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, owner, week, id, string(kind)).Error
		if err != nil {
			return fmt.Errorf("record the check-in of %s: %w", owner, err)
		}
	}
	return nil
}

// CheckinActed returns, per owner who had a check-in in week, how many
// contacts it listed and on how many the owner acted since: an
// interaction or a move of theirs, or a snooze.
func (db *DB) CheckinActed(ctx context.Context, week string) ([]domain.Acted, error) {
	var out []domain.Acted
	err := db.conn(ctx).Raw(`SELECT i.owner AS owner, COUNT(*) AS listed,
		SUM(CASE WHEN EXISTS (SELECT 1 FROM interactions x WHERE x.contact_id = i.contact_id AND x.author = i.owner AND x.at >= k.at)
			OR EXISTS (SELECT 1 FROM moves m WHERE m.contact_id = i.contact_id AND m.author = i.owner AND m.at >= k.at)
			OR EXISTS (SELECT 1 FROM snoozes z WHERE z.contact_id = i.contact_id AND z.owner = i.owner AND z.at >= k.at)
			THEN 1 ELSE 0 END) AS acted
		FROM checkin_items i JOIN checkins k ON k.owner = i.owner AND k.week = i.week
		WHERE i.week = ? GROUP BY i.owner ORDER BY i.owner`, week).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("count what owners acted on: %w", err)
	}
	return out, nil
}
