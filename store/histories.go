package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file reads what the throttle knows of contacts: their respondent
// states, the surveys sent to them and to their company.

// History returns what the throttle knows of one contact at now; the
// company sends are those of the last companyDays days (none when 0).
func (db *DB) History(ctx context.Context, contactID int64, now time.Time, companyDays int) (domain.History, error) {
	hs, err := db.Histories(ctx, []int64{contactID}, now, companyDays)
	if err != nil {
		return domain.History{}, err
	}
	return hs[contactID], nil
}

// sentStatuses are the statuses of surveys that may have been sent (a
// cancelled one was when it has a sent_at: a "Not now" tap).
var sentStatuses = []string{"sending", "open", "answered", "expired", "cancelled"}

// Histories returns the throttle's histories of the given contacts (those
// that exist). A plan may read a million of them: the rows are scanned
// straight from database/sql, only the columns the throttle needs, a sorted
// chunk of ids at a time, read by range when the ids are dense.
func (db *DB) Histories(ctx context.Context, ids []int64, now time.Time, companyDays int) (map[int64]domain.History, error) {
	company, err := db.companySends(ctx, now, companyDays)
	if err != nil {
		return nil, err
	}
	if !slices.IsSorted(ids) {
		ids = slices.Clone(ids)
		slices.Sort(ids)
	}
	out := make(map[int64]domain.History, len(ids))
	const chunk = 5000
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(len(ids), start+chunk)]
		if err := db.historiesChunk(ctx, part, now, company, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// historiesChunk reads the histories of a sorted chunk of ids into out.
func (db *DB) historiesChunk(ctx context.Context, part []int64, now time.Time, company map[string][]time.Time, out map[int64]domain.History) error {
	where, args := idsWhere(part)
	in := func(id int64) bool { _, ok := slices.BinarySearch(part, id); return ok }
	resp := map[int64]*domain.Respondent{}
	err := db.eachRaw(ctx, `SELECT contact_id, COALESCE(chat_id, 0), consent, `+db.times("consent_at", "withdrawn_at", "opted_out_at",
		"unreachable_at", "not_now_at", "detractor_at", "handled_at")+` FROM respondents WHERE contact_id `+where, args, func(scan func(...any) error) error {
		var r domain.Respondent
		var at [7]dbTime
		if err := scan(&r.ContactID, &r.ChatID, &r.Consent.Given, &at[0], &at[1], &at[2], &at[3], &at[4], &at[5], &at[6]); err != nil || !in(r.ContactID) {
			return err
		}
		r.Consent.At, r.Consent.WithdrawnAt, r.OptedOutAt = time.Time(at[0]), time.Time(at[1]), time.Time(at[2])
		r.UnreachableAt, r.NotNowAt, r.DetractorAt, r.HandledAt = time.Time(at[3]), time.Time(at[4]), time.Time(at[5]), time.Time(at[6])
		resp[r.ContactID] = &r
		return nil
	})
	if err != nil {
		return fmt.Errorf("read respondents: %w", err)
	}
	surveys := map[int64][]domain.Survey{}
	err = db.eachRaw(ctx, `SELECT contact_id, questionnaire, status, `+db.times("sent_at", "reminded_at", "answered_at", "expires_at")+`
		FROM surveys WHERE status IN ('queued', 'sending', 'open', 'answered', 'expired', 'cancelled') AND contact_id `+where+`
		ORDER BY contact_id, sent_at`, args, func(scan func(...any) error) error {
		var s domain.Survey
		var status string
		var at [4]dbTime
		if err := scan(&s.ContactID, &s.Questionnaire, &status, &at[0], &at[1], &at[2], &at[3]); err != nil || !in(s.ContactID) {
			return err
		}
		s.Status = domain.SurveyStatus(status)
		s.SentAt, s.RemindedAt, s.AnsweredAt, s.ExpiresAt = time.Time(at[0]), time.Time(at[1]), time.Time(at[2]), time.Time(at[3])
		surveys[s.ContactID] = append(surveys[s.ContactID], s)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read sends: %w", err)
	}
	idents := make(map[int64]identifiers, len(part))
	err = db.eachRaw(ctx, `SELECT id, timezone, frequency, company, email, phone, `+db.times("last_contact_at")+` FROM contacts WHERE id `+where, args,
		func(scan func(...any) error) error {
			var c domain.Contact
			var last dbTime
			if err := scan(&c.ID, &c.TimeZone, &c.Frequency, &c.Company, &c.Email, &c.Phone, &last); err != nil || !in(c.ID) {
				return err
			}
			c.LastContactAt = time.Time(last)
			out[c.ID] = domain.NewHistory(&c, resp[c.ID], surveys[c.ID], company[companyKey(c.Company)], now)
			idents[c.ID] = identifiers{c.Email, c.Phone, 0}
			if r := resp[c.ID]; r != nil {
				idents[c.ID] = identifiers{c.Email, c.Phone, r.ChatID}
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("read contacts: %w", err)
	}
	suppressed, err := db.suppressionsOf(ctx, idents)
	for id, sup := range suppressed {
		h := out[id]
		h.Suppressed = sup
		out[id] = h
	}
	return err
}

// idsWhere is the condition on a sorted chunk of ids: a range when they
// are dense (the caller drops the ids in between), else a list.
func idsWhere(part []int64) (string, []any) {
	lo, hi := part[0], part[len(part)-1]
	if hi-lo < int64(2*len(part)) {
		return "BETWEEN ? AND ?", []any{lo, hi}
	}
	args := make([]any, len(part))
	for i, id := range part {
		args[i] = id
	}
	return "IN (?" + strings.Repeat(", ?", len(part)-1) + ")", args
}

// times selects timestamp columns for dbTime: on SQLite as seconds since
// the epoch, computed by SQLite, which is several times cheaper than the
// driver's parsing of the stored text (a plan reads millions of them).
func (db *DB) times(cols ...string) string {
	if db.postgres {
		return strings.Join(cols, ", ")
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "unixepoch(" + c + ", 'subsec')"
	}
	return strings.Join(out, ", ")
}

// dbTime scans a column selected by times: a time, seconds since the epoch,
// or NULL (the zero time).
type dbTime time.Time

func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = dbTime{}
	case time.Time:
		*t = dbTime(x.UTC())
	case float64:
		sec := math.Floor(x)
		*t = dbTime(time.Unix(int64(sec), int64(math.Round((x-sec)*1e3))*1e6).UTC())
	case int64:
		*t = dbTime(time.Unix(x, 0).UTC())
	default:
		return fmt.Errorf("a time cannot be read from %T", v)
	}
	return nil
}

func companyKey(company string) string { return strings.ToLower(strings.TrimSpace(company)) }

// companySends returns the sends of the last days days per company (its
// lower-cased name); none when days is 0.
func (db *DB) companySends(ctx context.Context, now time.Time, days int) (map[string][]time.Time, error) {
	out := map[string][]time.Time{}
	if days <= 0 {
		return out, nil
	}
	var rows []struct {
		Company string
		SentAt  time.Time
	}
	err := db.conn(ctx).Raw(`SELECT c.company, s.sent_at FROM surveys s JOIN contacts c ON c.id = s.contact_id
		WHERE s.sent_at >= ? AND s.status IN ? AND c.company <> '' ORDER BY s.sent_at`,
		now.AddDate(0, 0, -days-1).UTC(), sentStatuses).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read company sends: %w", err)
	}
	for _, r := range rows {
		k := companyKey(r.Company)
		out[k] = append(out[k], r.SentAt.UTC())
	}
	return out, nil
}
