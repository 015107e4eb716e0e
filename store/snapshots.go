package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps the weekly snapshots (scores and RFM segments, so that
// the digest can show what changed since last week) and the record of the
// digests posted. Weeks are ISO weeks named by domain.ISOWeek.

// SnapshotScores records every contact's current score and grade as those
// of week, in one statement. A contact already recorded for week keeps its
// first record, so calling it again in the same week only adds the contacts
// created since. It returns the number of records added.
//
// Contacts get increasing ids, so a later call of the same week adds only
// the contacts above the highest id recorded for it: one look-up in the
// (week, contact_id) index and a range of the primary key, instead of a
// conflict check per contact (0.6 s on a million contacts). A contact
// created in a transaction that commits after a later contact's snapshot
// (PostgreSQL gives out ids before commit) misses this week's record and
// has no weekly change until next week's.
func (db *DB) SnapshotScores(ctx context.Context, week string) (int64, error) {
	var above *int64
	if err := db.conn(ctx).Raw("SELECT MAX(contact_id) FROM score_snapshots WHERE week = ?", week).Scan(&above).Error; err != nil {
		return 0, fmt.Errorf("snapshot scores of %s: %w", week, err)
	}
	from := int64(0)
	if above != nil {
		from = *above
	}
	res := db.conn(ctx).Exec(`INSERT INTO score_snapshots (contact_id, week, score, grade)
		SELECT id, ?, score, grade FROM contacts WHERE id > ?
		ON CONFLICT (contact_id, week) DO NOTHING`, week, from)
	if res.Error != nil {
		return 0, fmt.Errorf("snapshot scores of %s: %w", week, res.Error)
	}
	return res.RowsAffected, nil
}

// InsertScoreSnapshots records scores of past weeks, as the digests of
// those weeks would have (crmbot demo writes a history so). A contact's
// record of a week already there is kept.
func (db *DB) InsertScoreSnapshots(ctx context.Context, snaps []domain.ScoreSnapshot) error {
	err := db.writeRows(ctx, "score_snapshots", []string{"contact_id", "week", "score", "grade"}, " ON CONFLICT (contact_id, week) DO NOTHING",
		len(snaps), func(i int, a []any) []any {
			s := snaps[i]
			return append(a, s.ContactID, s.Week, s.Score, s.Grade)
		})
	if err != nil {
		return fmt.Errorf("record past scores: %w", err)
	}
	return nil
}

// TopOfWeek returns the best scores recorded in week, at most limit of
// them, the highest first: the top scores of a past week's digest.
func (db *DB) TopOfWeek(ctx context.Context, week string, limit int) ([]domain.ScoreSnapshot, error) {
	var out []domain.ScoreSnapshot
	err := db.conn(ctx).Raw(`SELECT contact_id, week, score, grade FROM score_snapshots
		WHERE week = ? ORDER BY score DESC, contact_id LIMIT ?`, week, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("best scores of %s: %w", week, err)
	}
	return out, nil
}

// ScoreHistory returns the weekly snapshots of contact id, the latest week
// first, at most limit of them.
func (db *DB) ScoreHistory(ctx context.Context, id int64, limit int) ([]domain.ScoreSnapshot, error) {
	var out []domain.ScoreSnapshot
	err := db.conn(ctx).Raw(`SELECT contact_id, week, score, grade FROM score_snapshots
		WHERE contact_id = ? ORDER BY week DESC LIMIT ?`, id, limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("score history of %s: %w", domain.ContactRef(id), err)
	}
	return out, nil
}

// ScoresOfWeek returns the scores recorded in week for the given contacts,
// keyed by contact id; contacts without a record are absent.
func (db *DB) ScoresOfWeek(ctx context.Context, week string, ids []int64) (map[int64]domain.ScoreSnapshot, error) {
	out := make(map[int64]domain.ScoreSnapshot, len(ids))
	for start := 0; start < len(ids); start += 5000 {
		var part []domain.ScoreSnapshot
		err := db.conn(ctx).Raw(`SELECT contact_id, week, score, grade FROM score_snapshots
			WHERE week = ? AND contact_id IN ?`, week, ids[start:min(len(ids), start+5000)]).Scan(&part).Error
		if err != nil {
			return nil, fmt.Errorf("scores of %s: %w", week, err)
		}
		for _, s := range part {
			out[s.ContactID] = s
		}
	}
	return out, nil
}

// SnapshotSegments records the RFM segment of each customer as those of
// week, unless the segments of week were recorded already: it reports
// whether this call recorded them. The claim and the rows are written in
// one transaction, so two concurrent calls never both record a week.
func (db *DB) SnapshotSegments(ctx context.Context, week string, members []domain.SegmentMember) (bool, error) {
	taken := false
	err := db.InTx(ctx, func(ctx context.Context) error {
		res := db.conn(ctx).Exec("INSERT INTO snapshot_weeks (kind, week, taken_at) VALUES ('rfm', ?, ?) ON CONFLICT (kind, week) DO NOTHING",
			week, db.now().UTC())
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		taken = true
		return db.insertRows(ctx, "segment_snapshots", []string{"week", "contact_id", "segment"}, len(members), func(i int, a []any) []any {
			return append(a, week, members[i].ContactID, string(members[i].Segment))
		})
	})
	if err != nil {
		return false, fmt.Errorf("snapshot segments of %s: %w", week, err)
	}
	return taken, nil
}

// SegmentsOfWeek returns the RFM segments recorded for week, by contact
// id in increasing order, and whether week was recorded at all. A slice
// rather than a map: a million of them are compared with this week's by
// walking both in id order.
//
// Each segment's contacts come as one text of ids, merged here:
// a row per contact cost the digest a third of its time on PostgreSQL
// (the protocol's message and database/sql's scan of each row).
func (db *DB) SegmentsOfWeek(ctx context.Context, week string) ([]domain.SegmentMember, bool, error) {
	var n int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM snapshot_weeks WHERE kind = 'rfm' AND week = ?", week).Scan(&n).Error; err != nil {
		return nil, false, fmt.Errorf("segments of %s: %w", week, err)
	}
	if n == 0 {
		return nil, false, nil
	}
	var segs []domain.RFMSegment
	var lists [][]int64
	var seg string
	var ids sql.RawBytes
	// Without ORDER BY in the aggregate, which would sort every row on
	// PostgreSQL (0.78 s instead of 0.23): the ids come in the order they
	// were written, by id, and are sorted here only if they are not.
	err := db.eachRow(ctx, `SELECT segment, string_agg(CAST(contact_id AS TEXT), ',')
		FROM segment_snapshots WHERE week = ? GROUP BY segment`, []any{week}, func(rows *sql.Rows) error {
		if err := rows.Scan(&seg, &ids); err != nil {
			return err
		}
		list, err := parseIDs(ids)
		if !slices.IsSorted(list) {
			slices.Sort(list)
		}
		segs, lists = append(segs, domain.RFMSegment(seg)), append(lists, list)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("segments of %s: %w", week, err)
	}
	return mergeSegments(segs, lists), true, nil
}

// parseIDs reads ids written as decimal numbers separated by commas.
func parseIDs(b []byte) ([]int64, error) {
	out := make([]int64, 0, len(b)/7)
	var id int64
	digits := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == ',' {
			if digits == 0 {
				return nil, fmt.Errorf("read a list of ids: an empty id at byte %d", i)
			}
			out = append(out, id)
			id, digits = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || digits == 18 {
			return nil, fmt.Errorf("read a list of ids: %q at byte %d", c, i)
		}
		id, digits = id*10+int64(c-'0'), digits+1
	}
	return out, nil
}

// mergeSegments makes one list, by id, of the members of each segment,
// each list in increasing order.
func mergeSegments(segs []domain.RFMSegment, lists [][]int64) []domain.SegmentMember {
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	out := make([]domain.SegmentMember, 0, total)
	next := make([]int, len(lists))
	for len(out) < total {
		best := -1
		for k, l := range lists {
			if next[k] < len(l) && (best < 0 || l[next[k]] < lists[best][next[best]]) {
				best = k
			}
		}
		out = append(out, domain.SegmentMember{ContactID: lists[best][next[best]], Segment: segs[best]})
		next[best]++
	}
	return out
}

// ClaimDigestPost records that the digest of week is being posted to
// channel, and reports whether this call is the first to claim it: the
// record is written before the post, so that a digest goes at most once to
// a channel in a week, across restarts and processes (the primary key
// refuses a second record).
func (db *DB) ClaimDigestPost(ctx context.Context, channel, week string) (bool, error) {
	res := db.conn(ctx).Exec("INSERT INTO digest_posts (channel, week, posted_at) VALUES (?, ?, ?) ON CONFLICT (channel, week) DO NOTHING",
		channel, week, db.now().UTC())
	if res.Error != nil {
		return false, fmt.Errorf("claim the digest of %s for %s: %w", week, channel, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Revenue returns the sum of the orders dated in [from, to).
func (db *DB) Revenue(ctx context.Context, from, to time.Time) (int64, error) {
	var sum *int64
	if err := db.conn(ctx).Raw("SELECT SUM(amount) FROM orders WHERE date >= ? AND date < ?", from.UTC(), to.UTC()).Scan(&sum).Error; err != nil {
		return 0, fmt.Errorf("revenue: %w", err)
	}
	if sum == nil {
		return 0, nil
	}
	return *sum, nil
}

// CountCreated returns the number of contacts created in [from, to).
func (db *DB) CountCreated(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM contacts WHERE created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("count new contacts: %w", err)
	}
	return n, nil
}

// QuietContacts returns the contacts at stage with no interaction at or
// after since (the highest scores first, at most limit) and how many there
// are in all. It reads contacts.last_contact_at, which every write of an
// interaction keeps, through the (stage, last_contact_at) index: probing
// the interactions of every prospect took seconds on a million contacts.
func (db *DB) QuietContacts(ctx context.Context, stage domain.Stage, since time.Time, limit int) ([]*domain.Contact, int64, error) {
	where := "stage = ? AND (last_contact_at IS NULL OR last_contact_at < ?)"
	var n int64
	if err := db.conn(ctx).Table("contacts").Where(where, string(stage), since.UTC()).Count(&n).Error; err != nil {
		return nil, 0, fmt.Errorf("quiet contacts: %w", err)
	}
	list, err := db.contacts(db.conn(ctx).Where(where, string(stage), since.UTC()).Order("score DESC, id").Limit(limit))
	if err != nil {
		return nil, 0, fmt.Errorf("quiet contacts: %w", err)
	}
	return list, n, nil
}

// TopScored returns the limit contacts with the best scores, the highest
// first (ties by id), through the score index. Unlike FindContacts it does
// not count every contact, which the digest's top 10 has no use for.
func (db *DB) TopScored(ctx context.Context, limit int) ([]*domain.Contact, error) {
	list, err := db.contacts(db.conn(ctx).Order("score DESC, id").Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("best scores: %w", err)
	}
	return list, nil
}

// DigestPosts returns how many digests were posted (one per channel and
// week, as ClaimDigestPost records them) and when the last one was (zero
// when none was).
func (db *DB) DigestPosts(ctx context.Context) (int, time.Time, error) {
	var n int64
	if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM digest_posts").Scan(&n).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("count the digests posted: %w", err)
	}
	var last []time.Time // the column, not MAX(): see OutboxStats
	if err := db.conn(ctx).Raw("SELECT posted_at FROM digest_posts ORDER BY posted_at DESC LIMIT 1").Scan(&last).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("read the last digest posted: %w", err)
	}
	if len(last) == 0 {
		return int(n), time.Time{}, nil
	}
	return int(n), last[0].UTC(), nil
}
