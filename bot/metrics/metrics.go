// Package metrics exposes crmbot's figures to Prometheus on /metrics: what
// the transports count as they work (commands, Slack requests, Telegram
// messages) and what the database holds when Prometheus scrapes (contacts
// per stage, the outbox, open questionnaires, the connection pool), with
// Go's runtime and the process's own figures. It is the one package that
// knows Prometheus's client library.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Store is what a scrape reads from the database.
type Store interface {
	StageCounts(ctx context.Context) (map[domain.Stage]int, error)
	OutboxStats(ctx context.Context) (int, time.Time, error)
	SurveyStatusCounts(ctx context.Context) (map[string]map[domain.SurveyStatus]int, error)
	DigestPosts(ctx context.Context) (int, time.Time, error)
	PoolStats() store.PoolStats
}

// Metrics holds crmbot's metrics. Its methods count what happens; Handler
// serves them.
type Metrics struct {
	reg            *prometheus.Registry
	commands       *prometheus.CounterVec
	commandSeconds *prometheus.HistogramVec
	slackRequests  *prometheus.CounterVec
	slackAck       *prometheus.HistogramVec
	telegramSent   *prometheus.CounterVec
	throttle       *prometheus.CounterVec
	alerts         *prometheus.CounterVec
}

// New makes the metrics of a process whose database st is, with Go's
// runtime and the process's collectors.
func New(st Store, now func() time.Time, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_commands_total",
			Help: "Commands of the command language run, by command and outcome (ok, or the error's code)."}, []string{"command", "outcome"}),
		commandSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crmbot_command_duration_seconds",
			Help: "How long commands took to run, by command.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 8)}, []string{"command"}),
		slackRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_slack_requests_total",
			Help: "Requests from Slack, by kind (command, interaction, event) and whether they were accepted."}, []string{"kind", "outcome"}),
		slackAck: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "crmbot_slack_ack_duration_seconds",
			Help:    "How long crmbot took to acknowledge Slack's requests (Slack waits 3 s), by kind.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}}, []string{"kind"}),
		telegramSent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_telegram_messages_sent_total",
			Help: "Messages sent to Telegram, by outcome: ok, 429 (too many requests), 403 (blocked by the customer), other."}, []string{"outcome"}),
		throttle: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_throttle_decisions_total",
			Help: "Decisions of the throttle on questionnaires and reminders about to be sent, by outcome (allow, defer, deny) and reason (the rule that held, none when allowed); a decision held by two rules counts under each."}, []string{"outcome", "reason"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "crmbot_alerts_sent_total",
			Help: "Alerts to owners (a detractor's answer) sent to Slack, by outcome (ok, failed)."}, []string{"outcome"}),
	}
	m.reg.MustRegister(m.commands, m.commandSeconds, m.slackRequests, m.slackAck, m.telegramSent, m.throttle, m.alerts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{st: st, now: now, log: log})
	for _, o := range []string{"ok", "429", "403", "other"} {
		m.telegramSent.WithLabelValues(o) // every outcome from 0, so that rates have a start
	}
	m.alerts.WithLabelValues("ok")
	m.alerts.WithLabelValues("failed")
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Command counts a command run, its outcome and how long it took.
func (m *Metrics) Command(command, outcome string, took time.Duration) {
	m.commands.WithLabelValues(command, outcome).Inc()
	m.commandSeconds.WithLabelValues(command).Observe(took.Seconds())
}

// SlackRequest counts a request from Slack of kind and how long its
// acknowledgement took; accepted is false for one refused (bad signature,
// another team, a body that does not read).
func (m *Metrics) SlackRequest(kind string, accepted bool, took time.Duration) {
	outcome := "accepted"
	if !accepted {
		outcome = "refused"
	}
	m.slackRequests.WithLabelValues(kind, outcome).Inc()
	m.slackAck.WithLabelValues(kind).Observe(took.Seconds())
}

// TelegramSent counts a message sent to Telegram with the HTTP status of
// its answer's error (0 when it went).
func (m *Metrics) TelegramSent(status int) {
	outcome := "other"
	switch status {
	case 0:
		outcome = "ok"
	case 429, 403:
		outcome = strconv.Itoa(status)
	}
	m.telegramSent.WithLabelValues(outcome).Inc()
}

// Decided counts a decision of the throttle, under each of its reasons.
func (m *Metrics) Decided(d domain.Decision) {
	if len(d.Reasons) == 0 {
		m.throttle.WithLabelValues(string(d.Outcome), "none").Inc()
	}
	for _, r := range d.Reasons {
		m.throttle.WithLabelValues(string(d.Outcome), string(r.Code)).Inc()
	}
}

// Alerted counts an alert sent, or not (err).
func (m *Metrics) Alerted(err error) {
	outcome := "ok"
	if err != nil {
		outcome = "failed"
	}
	m.alerts.WithLabelValues(outcome).Inc()
}
