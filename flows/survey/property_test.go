package survey_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Nothing is sent that should not be (issue 9): random sequences of sends,
// reminders, answers, "Not now", "Never", /stop, /forget, blocks, sales
// interactions, detractor answers and their handling, crashes (a request
// whose end is unknown, a round cancelled as a request leaves, a process
// killed as it leaves, each followed by a fresh process on the same SQLite
// file) and clock jumps across days, nights, weekends and DST changes in
// several zones, run against the real Service, Dispatcher and store. Every
// invitation and reminder that leaves through the Sender is judged at that
// instant by the reference of property_ref_test.go.
//
// CRMBOT_PROPERTY_STEPS sets the number of steps (default 3000: seconds);
// CRMBOT_PROPERTY_SEED the seed (default 1). A failure prints the seed and
// a shrunk sequence with what happened at each step.
func TestThrottleProperty(t *testing.T) {
	steps := envInt(t, "CRMBOT_PROPERTY_STEPS", 3000)
	seed := uint64(envInt(t, "CRMBOT_PROPERTY_SEED", 1))
	without := os.Getenv("CRMBOT_PROPERTY_WITHOUT")
	const perSequence = 300
	n := (steps + perSequence - 1) / perSequence
	t.Logf("seed %d, %d sequences of %d steps (CRMBOT_PROPERTY_SEED=%d CRMBOT_PROPERTY_STEPS=%d to replay)", seed, n, perSequence, seed, steps)
	base := t.TempDir()
	began := time.Now()
	var (
		mu    sync.Mutex
		total outcome
		first = map[string]*seqConfig{} // the first sequence that broke each rule
		text  = map[string]string{}
		codes = map[string]int{}
		next  int
	)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || t.Failed() {
					return
				}
				cfg := generate(seed*1_000_003+uint64(i), perSequence)
				cfg.Without = without
				out, err := runSequence(t.Context(), base, cfg, false)
				if err != nil {
					t.Errorf("sequence %d (seed %d): %v", i, cfg.Seed, err)
					return
				}
				mu.Lock()
				total.add(out)
				if out.violation != "" {
					codes[out.code]++
					if first[out.code] == nil || first[out.code].Seed > cfg.Seed {
						first[out.code], text[out.code] = cfg, out.violation
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("%d sequences, %d steps, %d messages judged (%d invitations, %d reminders; %d arrived), %d crashes and restarts, %d violations %v, in %s",
		min(next, n), total.steps, total.checked, total.invitations, total.reminders, total.arrived, total.crashes, total.violations, codes, time.Since(began).Round(time.Second))
	for i, code := range slices.Sorted(maps.Keys(first)) {
		cfg := first[code]
		t.Errorf("rule %s broken in %d sequences; the first, seed %d: %s", code, codes[code], cfg.Seed, text[code])
		if i >= 3 {
			continue // the first three rules are shrunk: that takes minutes
		}
		small, out := shrink(t, base, cfg, code)
		t.Logf("shrunk to %d steps:\n%s\nviolation: %s", len(small.Ops), describeSequence(small, out), out.violation)
	}
}

// mutants weaken the product's policy one rule at a time; the reference
// must catch each (the code of the rule it reports is expected).
var mutants = map[string]struct {
	weaken  func(*domain.Policy)
	expect  string
	variant bool
}{
	"quiet hours off":        {func(p *domain.Policy) { p.QuietHours.Enabled = false }, "quiet_hours", false},
	"weekends off":           {func(p *domain.Policy) { p.Weekends = false }, "weekend", false},
	"recontact 20 days":      {func(p *domain.Policy) { p.RecontactDays = 20 }, "recontact", false},
	"4 a year":               {func(p *domain.Policy) { p.MaxPerYear = 4 }, "yearly_cap", true},
	"cool-down 1 day":        {func(p *domain.Policy) { p.CooldownAfterInteractionDays = 1 }, "cooldown", false},
	"reminder after 1 day":   {func(p *domain.Policy) { p.ReminderAfterDays = 1 }, "reminder_early", false},
	"not now 10 days":        {func(p *domain.Policy) { p.NotNowDays = 10 }, "not_now", false},
	"no fatigue":             {func(p *domain.Policy) { p.Fatigue.Unanswered = 0 }, "fatigue", false},
	"no detractor pause":     {func(p *domain.Policy) { p.Detractor = domain.DetractorThresholds{} }, "detractor", false},
	"no company cap":         {func(p *domain.Policy) { p.Company.Max = 0 }, "company_cap", true},
	"fatigue pause 30 days":  {func(p *domain.Policy) { p.Fatigue.PauseDays = 30 }, "fatigue", false},
	"quiet hours from 21:00": {func(p *domain.Policy) { p.QuietHours.Start = 21 * 60 }, "quiet_hours", false},
}

// The reference has teeth: with the product's policy weakened one rule at
// a time, the property test reports that rule. Each mutant gets up to
// 300 sequences; the steps it took are logged.
func TestThrottlePropertyCatchesMutants(t *testing.T) {
	if os.Getenv("CRMBOT_PROPERTY_STEPS") == "" {
		t.Skip("a long self-check: runs with CRMBOT_PROPERTY_STEPS set")
	}
	names := slices.Sorted(maps.Keys(mutants))
	base := t.TempDir()
	for _, name := range names {
		m := mutants[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			steps := 0
			for i := range 300 {
				cfg := generate(uint64(7919*i+1), 300)
				cfg.Mutant, cfg.Variant = name, m.variant
				out, err := runSequence(t.Context(), base, cfg, false)
				if err != nil {
					t.Fatal(err)
				}
				steps += out.steps
				if out.violation != "" {
					if !strings.Contains(out.violation, m.expect+": ") {
						t.Logf("caught by another rule first: %s", out.violation)
						continue
					}
					t.Logf("caught after %d steps: %s", steps, out.violation)
					return
				}
			}
			t.Errorf("not caught in %d steps", steps)
		})
	}
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}

func (o *outcome) add(p outcome) {
	o.steps += p.steps
	o.checked += p.checked
	o.invitations += p.invitations
	o.reminders += p.reminders
	o.arrived += p.arrived
	o.crashes += p.crashes
	if p.violation != "" {
		o.violations++
	}
}

// runSequence plays cfg on a new SQLite file under base, removed after.
func runSequence(ctx context.Context, base string, cfg *seqConfig, tracing bool) (outcome, error) {
	dir, err := os.MkdirTemp(base, "seq")
	if err != nil {
		return outcome{}, err
	}
	defer os.RemoveAll(dir)
	w, err := newWorld(ctx, cfg, filepath.Join(dir, "crmbot.db"), tracing)
	if err != nil {
		return outcome{}, err
	}
	return w.run()
}

// shrink removes steps from a failing sequence while it still breaks the
// same rule (a few hundred runs at most), and replays the result traced.
func shrink(t *testing.T, base string, cfg *seqConfig, code string) (*seqConfig, outcome) {
	small := *cfg
	fails := func(ops []op) (int, bool) {
		c := small
		c.Ops = ops
		out, err := runSequence(t.Context(), base, &c, false)
		return out.atStep, err == nil && out.code == code
	}
	at, ok := fails(cfg.Ops)
	if !ok {
		t.Fatalf("sequence seed %d does not replay", cfg.Seed)
	}
	small.Ops = slices.Clone(cfg.Ops[:at+1])
	budget := 300
	for chunk := len(small.Ops) / 2; chunk >= 1 && budget > 0; chunk /= 2 {
		for i := 0; i+chunk <= len(small.Ops) && budget > 0; budget-- {
			cand := append(slices.Clone(small.Ops[:i]), small.Ops[i+chunk:]...)
			if at, ok := fails(cand); ok {
				small.Ops = cand[:at+1]
			} else {
				i += chunk
			}
		}
	}
	out, err := runSequence(t.Context(), base, &small, true)
	if err != nil {
		t.Fatalf("replay of the shrunk sequence: %v", err)
	}
	return &small, out
}

// describe writes a sequence's world and trace.
func describeSequence(cfg *seqConfig, out outcome) string {
	var b strings.Builder
	pol := "the documented defaults"
	if cfg.Variant {
		pol = "the variant policy"
	}
	if cfg.Busy {
		pol += ", busy"
	}
	fmt.Fprintf(&b, "team zone %s, %s, start %s, faults left out: %q\n", cfg.Team, pol, cfg.Start.Format(time.RFC3339), cfg.Without)
	for i, c := range cfg.Contacts {
		fmt.Fprintf(&b, "C%d: zone %q, language %s, company %q, silent %v\n", i+1, c.Zone, c.Language, c.Company, c.Silent)
	}
	for i, o := range cfg.Ops {
		fmt.Fprintf(&b, "%s // %d\n", o, i)
	}
	b.WriteString(strings.Join(out.trace, "\n"))
	return b.String()
}

var (
	teamZones    = []string{"Europe/Paris", "Europe/Paris", "Europe/Paris", "America/New_York", "Australia/Sydney"}
	contactZones = []string{"", "", "", "Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
		"Pacific/Chatham", "America/St_Johns", "Asia/Tokyo", "Europe/London"}
	companies = []string{"", "", "Acme", "Acme", "Bolt"}
)

type opWeight struct {
	kind   opKind
	weight int
}

// opWeights are how often each kind of step comes, in %; busyWeights in
// busy sequences.
var (
	opWeights = []opWeight{
		{opAct, 38}, {opRound, 18}, {opJump, 20}, {opSend, 8}, {opInteraction, 4}, {opHandled, 3},
		{opFault, 4}, {opRestart, 1}, {opBlock, 2}, {opUnblock, 2},
	}
	busyWeights = []opWeight{
		{opAct, 42}, {opRound, 18}, {opJump, 16}, {opSend, 14}, {opInteraction, 2}, {opHandled, 2},
		{opFault, 4}, {opRestart, 1}, {opBlock, 1},
	}
)

// generate makes the sequence of seed: a world and n steps, each contact
// first opening its invite link and (most) consenting.
func generate(seed uint64, n int) *seqConfig {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	cfg := &seqConfig{Seed: seed, Team: teamZones[r.IntN(len(teamZones))], Variant: r.IntN(4) == 0, Busy: r.IntN(3) == 0}
	weights := opWeights
	if cfg.Busy {
		weights = busyWeights
	}
	nc := 3 + r.IntN(5)
	if cfg.Busy {
		nc = 2 + r.IntN(2)
	}
	for range nc {
		cfg.Contacts = append(cfg.Contacts, contactConfig{Zone: contactZones[r.IntN(len(contactZones))],
			Language: []string{"en", "fr"}[r.IntN(2)], Company: companies[r.IntN(len(companies))], Silent: r.IntN(5) == 0})
	}
	cfg.Start = startTime(r, cfg)
	for i := range nc {
		cfg.Ops = append(cfg.Ops, op{Kind: opAct, C: i}, op{Kind: opAct, C: i, B: r.IntN(5) / 4})
	}
	for len(cfg.Ops) < n {
		o := op{C: r.IntN(nc), A: r.IntN(100), B: r.IntN(1 << 20)}
		x := r.IntN(100)
		for _, w := range weights {
			if x < w.weight {
				o.Kind = w.kind
				break
			}
			x -= w.weight
		}
		cfg.Ops = append(cfg.Ops, o)
	}
	return cfg
}

// startTime is a moment in 2026–2028; four times in ten, up to four days
// before a DST change of the team's or a contact's zone.
func startTime(r *rand.Rand, cfg *seqConfig) time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(3*365*24*3600)) * time.Second)
	if r.IntN(10) >= 4 {
		return t
	}
	name := cfg.Team
	if c := cfg.Contacts[r.IntN(len(cfg.Contacts))]; c.Zone != "" {
		name = c.Zone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return t
	}
	_, off := t.In(loc).Zone()
	for u := t; u.Before(t.AddDate(1, 0, 0)); u = u.Add(time.Hour) {
		if _, o := u.In(loc).Zone(); o != off {
			return u.Add(-time.Duration(r.Int64N(4*24*3600)) * time.Second)
		}
	}
	return t
}

// regressions are sequences the property test once shrunk a violation to,
// replayed as they are on every run.
var regressions = []struct {
	name string
	cfg  seqConfig
}{
	// A connection reset as the invitation leaves, the message arrived:
	// until 05abde1 the survey was recorded as failed, which the throttle
	// ignores, so a second questionnaire followed at once, and the
	// customer's "Never" on the first was answered "This question is
	// closed" and not applied.
	{"invitation of unknown fate", seqConfig{Team: "Europe/Paris", Start: start,
		Contacts: []contactConfig{{Language: "en"}},
		Ops: []op{
			{Kind: opAct}, {Kind: opAct}, // the customer links and consents
			{Kind: opSend, A: 0, B: 2}, // survey send satisfaction to C1
			{Kind: opFault, B: 52},     // the round: a connection reset, the message arrived
			{Kind: opAct, A: 81, B: 1}, // the customer taps Never on it
			{Kind: opSend, A: 2, B: 2}, // survey send after_sale to C1
			{Kind: opRound},
		}}},
}

func TestThrottlePropertyRegressions(t *testing.T) {
	for _, r := range regressions {
		t.Run(r.name, func(t *testing.T) {
			out, err := runSequence(t.Context(), t.TempDir(), &r.cfg, true)
			if err != nil {
				t.Fatal(err)
			}
			if out.violation != "" {
				t.Errorf("%s\nviolation: %s", describeSequence(&r.cfg, out), out.violation)
			}
		})
	}
}
