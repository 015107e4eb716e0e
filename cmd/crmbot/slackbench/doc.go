// Package slackbench holds the load benchmark of the Slack transport (see
// bench_test.go): signed /crm show and /crm move requests at a steady rate
// over loopback against a 100,000-contact SQLite database, measuring how
// fast each is acknowledged and checking that each is applied exactly once.
// It lives apart from package slackbot so that the demo data it needs is
// not a dependency of slackbot's own tests.
package slackbench
