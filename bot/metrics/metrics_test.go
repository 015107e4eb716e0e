package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/metrics"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
)

// fakeStore answers the scrape's reads; outbox fails, to show that one
// figure that cannot be read leaves the others served.
type fakeStore struct{}

func (fakeStore) StageCounts(context.Context) (map[domain.Stage]int, error) {
	return map[domain.Stage]int{domain.Lead: 3}, nil
}
func (fakeStore) OutboxStats(context.Context) (int, time.Time, error) {
	return 0, time.Time{}, errors.New("no outbox today")
}
func (fakeStore) SurveyStatusCounts(context.Context) (map[string]map[domain.SurveyStatus]int, error) {
	return map[string]map[domain.SurveyStatus]int{"nps": {domain.SurveyOpen: 2, domain.SurveyAnswered: 5}}, nil
}
func (fakeStore) DigestPosts(context.Context) (int, time.Time, error) {
	return 1, time.Unix(1_800_000_000, 0), nil
}
func (fakeStore) PoolStats() store.PoolStats { return store.PoolStats{MaxOpen: 4} }

// Each event lands in its series, labelled as the README says.
func TestCounting(t *testing.T) {
	m := metrics.New(fakeStore{}, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Command("show", "ok", 3*time.Millisecond)
	m.Command("move", "invalid", time.Millisecond)
	m.SlackRequest("event", false, time.Millisecond)
	for _, status := range []int{0, 0, 429, 403, 500, -1} {
		m.TelegramSent(status)
	}
	m.Decided(domain.Decision{Outcome: domain.Allow})
	m.Decided(domain.Decision{Outcome: domain.Deny, Reasons: []domain.Reason{{Code: domain.NoConsent}, {Code: domain.OptedOut}}})
	m.Alerted(nil)
	m.Alerted(errors.New("Slack is down"))
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	got := rec.Body.String()
	for _, want := range []string{
		`crmbot_commands_total{command="show",outcome="ok"} 1`, `crmbot_commands_total{command="move",outcome="invalid"} 1`,
		`crmbot_command_duration_seconds_count{command="show"} 1`,
		`crmbot_slack_requests_total{kind="event",outcome="refused"} 1`,
		`crmbot_telegram_messages_sent_total{outcome="ok"} 2`, `crmbot_telegram_messages_sent_total{outcome="429"} 1`,
		`crmbot_telegram_messages_sent_total{outcome="403"} 1`, `crmbot_telegram_messages_sent_total{outcome="other"} 2`,
		`crmbot_throttle_decisions_total{outcome="allow",reason="none"} 1`,
		`crmbot_throttle_decisions_total{outcome="deny",reason="no_consent"} 1`,
		`crmbot_throttle_decisions_total{outcome="deny",reason="opted_out"} 1`,
		`crmbot_alerts_sent_total{outcome="ok"} 1`, `crmbot_alerts_sent_total{outcome="failed"} 1`,
		`crmbot_contacts{stage="lead"} 3`, `crmbot_conversations_open 2`,
		`crmbot_questionnaires{questionnaire="nps",status="answered"} 5`,
		`crmbot_digests_posted_total 1`, `crmbot_digest_last_posted_timestamp_seconds 1.8e+09`,
		`crmbot_db_connections_max_open 4`,
	} {
		if !strings.Contains(got, "\n"+want+"\n") {
			t.Errorf("no %s in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "crmbot_outbox_messages ") {
		t.Error("an outbox that could not be read was served")
	}
}

// BenchmarkCommand is the cost metrics add to each command: a counter and
// a histogram, found by their labels.
func BenchmarkCommand(b *testing.B) {
	m := metrics.New(fakeStore{}, time.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for b.Loop() {
		m.Command("show", "ok", 300*time.Microsecond)
	}
}
