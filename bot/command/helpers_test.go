package command_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zoneinfo database

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// paris is the team's time zone in every test.
var paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// start is the tests' "now": Wednesday 25 November 2026, 10:00 in Paris.
var start = time.Date(2026, 11, 25, 10, 0, 0, 0, paris)

// clock is a fixed clock that a test may set to another instant.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is a real SQLite database with the CRM service and the executor wired
// as cmd/crmbot/app.go wires them, with the built-in scoring rules.
type env struct {
	db    *store.DB
	crm   *crm.Service
	exec  *command.Executor
	clock *clock
	actor command.Actor
	logs  *bytes.Buffer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvOn(t, "sqlite")
}

// newEnvOn is newEnv on a database of kind (storetest.Kinds).
func newEnvOn(t testing.TB, kind string) *env {
	t.Helper()
	clk := &clock{t: start}
	db := storetest.Open(t, kind, clk.Now)
	eng := domain.DefaultEngine()
	logs := &bytes.Buffer{}
	svc := &crm.Service{Store: db, Scoring: eng, Now: clk.Now, Loc: paris}
	return &env{
		db:  db,
		crm: svc,
		exec: &command.Executor{CRM: svc, Segments: segmentsService(db, clk), Now: clk.Now, Loc: paris, Logger: slog.New(slog.NewTextHandler(logs, nil)),
			Nudges: &nudge.Service{Store: db, CRM: svc, Now: clk.Now, Loc: paris}},
		clock: clk,
		actor: command.Actor{ID: "alice", Roles: []command.Role{command.Sales}},
		logs:  logs,
	}
}

// run runs line as the env's actor. An internal error is never what a
// test expects: it fails the test with the logged cause.
func (e *env) run(t testing.TB, line string) *reply.Reply {
	t.Helper()
	r := e.exec.Run(t.Context(), e.actor, line)
	if r == nil {
		t.Fatalf("%s: nil reply", line)
	}
	if r.Error != nil && r.Error.Code == string(domain.Internal) {
		t.Fatalf("%s: internal error %q; log:\n%s", line, r.Error.Message, e.logs.String())
	}
	return r
}

// ok runs line and fails the test unless it succeeded.
func (e *env) ok(t testing.TB, line string) *reply.Reply {
	t.Helper()
	r := e.run(t, line)
	if !r.OK || r.Error != nil {
		t.Fatalf("%s: want success, got %s", line, describeReply(r))
	}
	return r
}

// fail runs line and fails the test unless it failed with code.
func (e *env) fail(t testing.TB, line string, code domain.Code) *reply.Reply {
	t.Helper()
	r := e.run(t, line)
	if r.OK || r.Error == nil {
		t.Fatalf("%s: want a %s failure, got success:\n%s", line, code, r.Text())
	}
	if r.Error.Code != string(code) {
		t.Fatalf("%s: want code %s, got %s", line, code, describeReply(r))
	}
	if strings.TrimSpace(r.Error.Message) == "" {
		t.Fatalf("%s: empty error message", line)
	}
	return r
}

func describeReply(r *reply.Reply) string {
	if r.Error != nil {
		return fmt.Sprintf("error %s: %s (usage %q)", r.Error.Code, r.Error.Message, r.Error.Usage)
	}
	return "ok:\n" + r.Text()
}

// add creates a contact through the command language and returns it.
func (e *env) add(t testing.TB, line string) *domain.Contact {
	t.Helper()
	r := e.ok(t, line)
	card, ok := r.Data.(*crm.Card)
	if !ok {
		t.Fatalf("%s: data is %T, want *crm.Card", line, r.Data)
	}
	return card.Contact
}

// contact reads a contact back from the database.
func (e *env) contact(t testing.TB, id int64) *domain.Contact {
	t.Helper()
	c, err := e.db.Contact(t.Context(), id)
	if err != nil {
		t.Fatalf("read C%d: %v", id, err)
	}
	return c
}

// count counts the contacts in the database.
func (e *env) count(t testing.TB) int64 {
	t.Helper()
	n, err := e.db.CountContacts(t.Context())
	if err != nil {
		t.Fatalf("count contacts: %v", err)
	}
	return n
}

// snapshot is everything the database holds that a command can change:
// every contact with all its exported fields, and every move, interaction
// and order.
type snapshot struct {
	Contacts     []*domain.Contact
	Moves        []domain.Move
	Interactions []domain.Interaction
	Orders       []domain.Order
}

func (s *snapshot) counts() string {
	return fmt.Sprintf("%d contacts, %d moves, %d interactions, %d orders",
		len(s.Contacts), len(s.Moves), len(s.Interactions), len(s.Orders))
}

const all = 1 << 20

func (e *env) snapshot(t testing.TB) *snapshot {
	t.Helper()
	ctx := t.Context()
	s := &snapshot{}
	var err error
	if s.Contacts, _, err = e.db.FindContacts(ctx, domain.ContactQuery{}); err != nil {
		t.Fatalf("snapshot contacts: %v", err)
	}
	for _, c := range s.Contacts {
		ms, err := e.db.RecentMoves(ctx, c.ID, all)
		if err != nil {
			t.Fatalf("snapshot moves: %v", err)
		}
		is, err := e.db.RecentInteractions(ctx, c.ID, all)
		if err != nil {
			t.Fatalf("snapshot interactions: %v", err)
		}
		os, err := e.db.RecentOrders(ctx, c.ID, all)
		if err != nil {
			t.Fatalf("snapshot orders: %v", err)
		}
		s.Moves, s.Interactions, s.Orders = append(s.Moves, ms...), append(s.Interactions, is...), append(s.Orders, os...)
	}
	return s
}

// unchanged fails the test if the database differs from before.
func (e *env) unchanged(t testing.TB, line string, before *snapshot) {
	t.Helper()
	after := e.snapshot(t)
	if after.counts() != before.counts() {
		t.Fatalf("%s changed the database: before %s, after %s", line, before.counts(), after.counts())
	}
	for i := range before.Contacts {
		if !reflect.DeepEqual(before.Contacts[i], after.Contacts[i]) {
			t.Fatalf("%s changed %s:\nbefore %+v\nafter  %+v", line, before.Contacts[i].Ref(), *before.Contacts[i], *after.Contacts[i])
		}
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("%s changed the activity:\nbefore %+v\nafter  %+v", line, before, after)
	}
}

// mustContain fails unless s contains every one of words, ignoring case.
func mustContain(t testing.TB, what, s string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(strings.ToLower(s), strings.ToLower(w)) {
			t.Errorf("%s does not contain %q:\n%s", what, w, s)
		}
	}
}

// mustNotContain fails if s contains any of words, ignoring case.
func mustNotContain(t testing.TB, what, s string, words ...string) {
	t.Helper()
	for _, w := range words {
		if strings.Contains(strings.ToLower(s), strings.ToLower(w)) {
			t.Errorf("%s contains %q:\n%s", what, w, s)
		}
	}
}

// ctx is a context for setup calls outside Run.
func ctx(t testing.TB) context.Context { return t.Context() }
