package store

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file keeps the summaries of `survey send` runs and the week's
// questionnaire figures, which read them.

// AddSurveyRun records the summary of a `survey send`.
func (db *DB) AddSurveyRun(ctx context.Context, r domain.SurveyRun) error {
	var parts []string
	for k, v := range r.Counts {
		parts = append(parts, fmt.Sprintf("%s=%d", k, v))
	}
	err := db.conn(ctx).Exec(`INSERT INTO survey_runs (questionnaire, requested_by, at, audience, counts) VALUES (?, ?, ?, ?, ?)`,
		r.Questionnaire, r.RequestedBy, r.At.UTC(), r.Audience, strings.Join(parts, ",")).Error
	return translate(err, domain.M("survey run"))
}

// QuestionnaireWeek counts the questionnaire figures of [from, to): sends,
// answers, the deferrals and denials of the plans run then (survey_runs)
// and of the sends denied at the moment of sending, and the CSAT and NPS
// answers.
func (db *DB) QuestionnaireWeek(ctx context.Context, from, to time.Time) (domain.QuestionnaireWeek, error) {
	from, to = from.UTC(), to.UTC()
	w := domain.QuestionnaireWeek{Deferred: map[string]int{}, Denied: map[string]int{}}
	var n struct{ Sent, Answered, TriggeredSent, TriggeredAnswered, Ratings, Satisfied, NPS, Promoters, Detractors int }
	err := db.conn(ctx).Raw(`SELECT
		(SELECT COUNT(*) FROM surveys WHERE sent_at >= ? AND sent_at < ?) AS sent,
		(SELECT COUNT(*) FROM surveys WHERE answered_at >= ? AND answered_at < ?) AS answered,
		(SELECT COUNT(*) FROM surveys WHERE sent_at >= ? AND sent_at < ? AND requested_by LIKE 'trigger:%') AS triggered_sent,
		(SELECT COUNT(*) FROM surveys WHERE answered_at >= ? AND answered_at < ? AND requested_by LIKE 'trigger:%') AS triggered_answered,
		(SELECT COUNT(*) FROM answers WHERE type = 'rating' AND skipped = ? AND at >= ? AND at < ?) AS ratings,
		(SELECT COUNT(*) FROM answers WHERE type = 'rating' AND skipped = ? AND number >= 4 AND at >= ? AND at < ?) AS satisfied,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND at >= ? AND at < ?) AS nps,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND number >= 9 AND at >= ? AND at < ?) AS promoters,
		(SELECT COUNT(*) FROM answers WHERE type = 'nps' AND skipped = ? AND number <= 6 AND at >= ? AND at < ?) AS detractors`,
		from, to, from, to, from, to, from, to, false, from, to, false, from, to, false, from, to, false, from, to, false, from, to).Scan(&n).Error
	if err != nil {
		return w, fmt.Errorf("questionnaire figures: %w", err)
	}
	w.Sent, w.Answered, w.Ratings, w.Satisfied = n.Sent, n.Answered, n.Ratings, n.Satisfied
	w.TriggeredSent, w.TriggeredAnswered = n.TriggeredSent, n.TriggeredAnswered
	w.NPSCount, w.Promoters, w.Detractor = n.NPS, n.Promoters, n.Detractors
	var runs []string
	if err := db.conn(ctx).Raw("SELECT counts FROM survey_runs WHERE at >= ? AND at < ?", from, to).Scan(&runs).Error; err != nil {
		return w, fmt.Errorf("questionnaire plans: %w", err)
	}
	for _, r := range runs {
		if err := addRunCounts(w, r); err != nil {
			db.log.WarnContext(ctx, "a survey run's count is not a number: left out of the week's figures", "counts", r, "err", err)
		}
	}
	var denied []struct {
		Reason string
		N      int
	}
	err = db.conn(ctx).Raw(`SELECT reason, COUNT(*) AS n FROM surveys WHERE status = 'denied' AND requested_at >= ? AND requested_at < ?
		GROUP BY reason`, from, to).Scan(&denied).Error
	if err != nil {
		return w, fmt.Errorf("questionnaire denials: %w", err)
	}
	for _, d := range denied {
		for _, code := range strings.Split(d.Reason, ",") {
			w.Denied[code] += d.N
		}
	}
	return w, nil
}

// addRunCounts adds a survey run's reasons ("reason:<code>=n") to the
// week: the reasons of deferrals that wait out quiet hours and weekends,
// those of denials otherwise. A reason whose count is not a number is left
// out, the others added, and the first such returned.
func addRunCounts(w domain.QuestionnaireWeek, counts string) error {
	var bad error
	for _, kv := range strings.Split(counts, ",") {
		k, v, _ := strings.Cut(kv, "=")
		code, ok := strings.CutPrefix(k, "reason:")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = cmp.Or(bad, fmt.Errorf("%s: %w", kv, err))
			continue
		}
		if code == string(domain.QuietHoursNow) || code == string(domain.WeekendNow) {
			w.Deferred[code] += n
		} else {
			w.Denied[code] += n
		}
	}
	return bad
}
