package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/prometheus/client_golang/prometheus"
)

// dbCollector reads the database's figures at each scrape, within 2 s: a
// figure that cannot be read is left out (and logged), the others are
// served.
type dbCollector struct {
	st  Store
	now func() time.Time
	log *slog.Logger
}

var (
	contactsDesc = prometheus.NewDesc("crmbot_contacts", "Contacts per pipeline stage.", []string{"stage"}, nil)
	outboxDesc   = prometheus.NewDesc("crmbot_outbox_messages", "Messages owed to customers and team members, not yet delivered.", nil, nil)
	oldestDesc   = prometheus.NewDesc("crmbot_outbox_oldest_age_seconds", "Age of the oldest message owed (0 when none is).", nil, nil)
	surveysDesc  = prometheus.NewDesc("crmbot_questionnaires", "Questionnaires sent or to send, by questionnaire and status.", []string{"questionnaire", "status"}, nil)
	openDesc     = prometheus.NewDesc("crmbot_conversations_open", "Questionnaires a customer is answering now.", nil, nil)
	digestsDesc  = prometheus.NewDesc("crmbot_digests_posted_total", "Weekly digests posted, one per channel and week.", nil, nil)
	lastDesc     = prometheus.NewDesc("crmbot_digest_last_posted_timestamp_seconds", "When the last digest was posted (Unix time; 0 before the first).", nil, nil)
	poolDesc     = map[string]*prometheus.Desc{
		"max_open": prometheus.NewDesc("crmbot_db_connections_max_open", "The most database connections the pool opens.", nil, nil),
		"open":     prometheus.NewDesc("crmbot_db_connections_open", "Database connections open.", nil, nil),
		"in_use":   prometheus.NewDesc("crmbot_db_connections_in_use", "Database connections in use.", nil, nil),
		"idle":     prometheus.NewDesc("crmbot_db_connections_idle", "Database connections idle.", nil, nil),
		"waits":    prometheus.NewDesc("crmbot_db_connection_waits_total", "Times a connection was waited for.", nil, nil),
		"waited":   prometheus.NewDesc("crmbot_db_connection_wait_seconds_total", "Time spent waiting for connections.", nil, nil),
	}
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{contactsDesc, outboxDesc, oldestDesc, surveysDesc, openDesc, digestsDesc, lastDesc} {
		ch <- d
	}
	for _, d := range poolDesc {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if counts, err := c.st.StageCounts(ctx); c.ok("contacts per stage", err) {
		for _, s := range domain.Stages {
			gauge(contactsDesc, float64(counts[s]), string(s))
		}
	}
	if n, oldest, err := c.st.OutboxStats(ctx); c.ok("the outbox", err) {
		gauge(outboxDesc, float64(n))
		age := 0.0
		if !oldest.IsZero() {
			age = max(0, c.now().Sub(oldest).Seconds())
		}
		gauge(oldestDesc, age)
	}
	if counts, err := c.st.SurveyStatusCounts(ctx); c.ok("questionnaires", err) {
		open := 0
		for q, by := range counts {
			for s, n := range by {
				gauge(surveysDesc, float64(n), q, string(s))
				if s == domain.SurveyOpen {
					open += n
				}
			}
		}
		gauge(openDesc, float64(open))
	}
	if n, last, err := c.st.DigestPosts(ctx); c.ok("the digests posted", err) {
		ch <- prometheus.MustNewConstMetric(digestsDesc, prometheus.CounterValue, float64(n))
		at := 0.0
		if !last.IsZero() {
			at = float64(last.Unix())
		}
		gauge(lastDesc, at)
	}
	p := c.st.PoolStats()
	for k, v := range map[string]int{"max_open": p.MaxOpen, "open": p.Open, "in_use": p.InUse, "idle": p.Idle} {
		gauge(poolDesc[k], float64(v))
	}
	ch <- prometheus.MustNewConstMetric(poolDesc["waits"], prometheus.CounterValue, float64(p.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolDesc["waited"], prometheus.CounterValue, p.WaitDuration.Seconds())
}

// ok logs err, which leaves what out of the scrape, and reports whether
// there was none.
func (c *dbCollector) ok(what string, err error) bool {
	if err != nil {
		c.log.Warn("metrics: could not read "+what, "err", err)
	}
	return err == nil
}
