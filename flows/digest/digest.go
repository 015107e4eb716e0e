// Package digest computes the weekly digest (the README's "Weekly digest"):
// one structure,
// computed for an as-of day in the team's time zone, that transports draw
// as text, Block Kit or JSON, with a chart image.
package digest

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/locale"
	"golang.org/x/sync/errgroup"
)

// Store is what the digest reads of the database.
type Store interface {
	StageCounts(ctx context.Context) (map[domain.Stage]int, error)
	RotCounts(ctx context.Context, p domain.RotPolicy, now time.Time, byOwner bool) (map[string]int, error)
	MoveCounts(ctx context.Context, from, to time.Time) (domain.MoveCounts, error)
	CountCreated(ctx context.Context, from, to time.Time) (int64, error)
	Revenue(ctx context.Context, from, to time.Time) (int64, error)
	RFMInputs(ctx context.Context, asOf time.Time, windowDays int) ([]domain.RFMInput, error)
	SegmentsOfWeek(ctx context.Context, week string) ([]domain.SegmentMember, bool, error)
	SnapshotSegments(ctx context.Context, week string, members []domain.SegmentMember) (bool, error)
	SnapshotScores(ctx context.Context, week string) (int64, error)
	ScoresOfWeek(ctx context.Context, week string, ids []int64) (map[int64]domain.ScoreSnapshot, error)
	TopScored(ctx context.Context, limit int) ([]*domain.Contact, error)
	TopOfWeek(ctx context.Context, week string, limit int) ([]domain.ScoreSnapshot, error)
	FitEngagement(ctx context.Context) (domain.FitMatrix, error)
	ContactsByIDs(ctx context.Context, ids []int64) ([]*domain.Contact, error)
	QuietContacts(ctx context.Context, stage domain.Stage, since time.Time, limit int) ([]*domain.Contact, int64, error)
	QuestionnaireWeek(ctx context.Context, from, to time.Time) (domain.QuestionnaireWeek, error)
	CountHotAlerts(ctx context.Context, from, to time.Time) (int64, error)
	CheckinActed(ctx context.Context, week string) ([]domain.Acted, error)
}

// Options tune Build.
type Options struct {
	// Loc is the team's time zone: the as-of day and the weeks are read in it.
	Loc *time.Location
	// ABC are the ABC thresholds; the zero value means domain.DefaultABC.
	ABC domain.ABCThresholds
	// WindowDays is rfm.window_days: F and M count the orders of the last
	// WindowDays days only; 0 counts all history.
	WindowDays int
	// Snapshot records, once per ISO week, the scores and RFM segments of
	// the as-of week, against which next week's digest measures changes.
	// Only the current week's digest should take them: scores are read as
	// they are now.
	Snapshot bool
	// Timing, if set, receives how long each part of Build took, in the
	// order they ran (for profiling; crmbot digest --timings prints them).
	Timing func(part string, took time.Duration)
	// Rot says when a deal rots (pipeline.rot_days); with it the digest
	// counts the rotting deals per stage and per owner.
	Rot domain.RotPolicy
	// Personas, when set, gives the digest of a month's first week the
	// personas' sizes and revenue shares and their change since the month
	// before.
	Personas PersonaMonths
}

// PersonaMonths compares the personas' monthly snapshots (see
// personas.Service.MonthChange); compute lets it make the month's
// snapshot when there is none yet.
type PersonaMonths interface {
	MonthChange(ctx context.Context, day time.Time, compute bool) (*personas.Change, error)
}

// timer returns a function that reports to opt.Timing the time since its
// previous call (or since timer was called), under the name it is given.
func (opt Options) timer() func(part string) {
	if opt.Timing == nil {
		return func(string) {}
	}
	last := time.Now()
	return func(part string) {
		now := time.Now()
		opt.Timing(part, now.Sub(last))
		last = now
	}
}

// Figures the digest lists at most of each kind.
const (
	topScores    = 10
	listedPeople = 10
	quietDays    = 30
)

// Digest is the weekly digest.
type Digest struct {
	AsOf      string    `json:"as_of"` // the as-of day, YYYY-MM-DD in the team's time zone
	Week      string    `json:"week"`  // its ISO week, as 2026-W48
	WeekStart time.Time `json:"week_start"`
	// Pipeline has the current counts per stage, and the moves and
	// conversion of the week up to the end of the as-of day.
	Pipeline *crm.Pipeline `json:"pipeline"`
	// Rotting counts each owner's rotting deals, the most first (with
	// pipeline.rot_days).
	Rotting     []OwnerCount     `json:"rotting_by_owner,omitempty"`
	NewContacts int64            `json:"new_contacts"` // created this week, up to the as-of day
	Revenue     Revenue          `json:"revenue"`
	RFM         RFM              `json:"rfm"`
	ABC         domain.ABCResult `json:"abc"`
	// TopScores are the week's best scores (current ones, or those recorded
	// that week for a past week) with their change since last
	// week's snapshot.
	TopScores []ScoredContact `json:"top_scores"`
	// FitEngagement counts the contacts by fit grade (rows A, B, C, D)
	// and engagement quartile (columns 0–24, 25–49, 50–74, 75–100), as
	// they are now.
	FitEngagement  domain.FitMatrix `json:"fit_engagement"`
	QuietProspects People           `json:"quiet_prospects"` // prospects with no interaction for 30 days
	Questionnaires Questionnaires   `json:"questionnaires"`
	// HotAlerts counts the hot-lead alerts of the week; CheckedIn says,
	// per owner, on how many contacts of last week's check-in they acted.
	HotAlerts int64          `json:"hot_alerts"`
	CheckedIn []domain.Acted `json:"checkins_acted_on,omitempty"`
	// Personas, in a month's first week, are the personas of the month
	// and their change since the month before.
	Personas *personas.Change `json:"personas,omitempty"`
	// Lang is the language its text and chart are written in: the
	// reader's, from the context it was built with (In changes it). Its
	// data and their JSON names do not depend on it.
	Lang locale.Lang `json:"-"`
}

// In returns a copy of d written in lang: the digest a member previewed,
// posted to the channels in the team's language. The copy shares d's
// data.
func (d *Digest) In(lang locale.Lang) *Digest {
	c := *d
	c.Lang = lang
	return &c
}

// Revenue compares this week's orders, Monday to the as-of day, with the
// same days of the previous week.
type Revenue struct {
	ThisWeek     int64 `json:"this_week_cents"`
	PreviousWeek int64 `json:"previous_week_cents"`
	// ChangePct is the change in %, absent when the previous week had none.
	ChangePct *float64 `json:"change_pct,omitempty"`
}

// RFM is the RFM segmentation as of the as-of day, compared with the
// snapshot of the previous ISO week.
type RFM struct {
	Customers int `json:"customers"`
	// ComparedWith is the week whose snapshot the changes are measured
	// against; "" when there is none, and then no change is known.
	ComparedWith string          `json:"compared_with,omitempty"`
	Segments     []SegmentChange `json:"segments"` // every segment, best first
	Moves        []SegmentMove   `json:"moves,omitempty"`
	// NewlyAtRisk and NewlyCantLose are the customers who entered these
	// segments since the snapshot; nil when there is none to compare with.
	NewlyAtRisk   *People `json:"newly_at_risk,omitempty"`
	NewlyCantLose *People `json:"newly_cant_lose_them,omitempty"`
}

// SegmentChange is a segment's size and its change since the snapshot.
type SegmentChange struct {
	Segment   domain.RFMSegment `json:"segment"`
	Customers int               `json:"customers"`
	Change    *int              `json:"change,omitempty"`
}

// SegmentMove counts the customers who went from one segment to another
// since the snapshot.
type SegmentMove struct {
	From  domain.RFMSegment `json:"from"`
	To    domain.RFMSegment `json:"to"`
	Count int               `json:"count"`
}

// People is a count of contacts and the first of them.
type People struct {
	Count    int64    `json:"count"`
	Contacts []Person `json:"contacts,omitempty"`
}

// Person names a contact.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"` // as crm.Describe writes it
}

// ScoredContact is a contact's current score and its weekly change.
type ScoredContact struct {
	Person
	Score int    `json:"score"`
	Grade string `json:"grade"`
	// Change is the change since last week's snapshot, absent without one.
	Change *int `json:"change,omitempty"`
}

// Questionnaires are the week's questionnaire figures, with their rates
// in % (NPS in points).
type Questionnaires struct {
	domain.QuestionnaireWeek
	ResponseRate float64 `json:"response_rate"`
	CSAT         float64 `json:"csat"`
	NPS          float64 `json:"nps"`
}

// span is the as-of day and its week, in the team's time zone.
type span struct {
	day, start, end time.Time // end: the midnight after the as-of day
	week, prevWeek  string
}

func newSpan(asOf time.Time, loc *time.Location) span {
	asOf = asOf.In(loc)
	y, m, d := asOf.Date()
	s := span{day: time.Date(y, m, d, 0, 0, 0, 0, loc), start: crm.WeekStart(asOf, loc)}
	s.end = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	s.week, s.prevWeek = domain.ISOWeek(s.day), domain.ISOWeek(s.start.AddDate(0, 0, -7))
	return s
}

// utcDays turns the calendar days [from, to) of the team's time zone into
// the UTC instants that order dates (calendar days read in UTC) use.
func utcDays(from, to time.Time) (time.Time, time.Time) {
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return day(from), day(to)
}

// Build computes the digest of the as-of day asOf (its calendar day in
// opt.Loc), written in the language of the printer ctx carries
// (locale.From).
func Build(ctx context.Context, st Store, asOf time.Time, opt Options) (*Digest, error) {
	if opt.Loc == nil {
		opt.Loc = time.UTC
	}
	if opt.ABC == (domain.ABCThresholds{}) {
		opt.ABC = domain.DefaultABC
	}
	s := newSpan(asOf, opt.Loc)
	d := &Digest{AsOf: s.day.Format(time.DateOnly), Week: s.week, WeekStart: s.start, Lang: locale.From(ctx).Lang()}
	if opt.Timing != nil { // called from both goroutines below
		var mu sync.Mutex
		report := opt.Timing
		opt.Timing = func(part string, took time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			report(part, took)
		}
	}
	// The segments (reading every customer's aggregates, ranking them)
	// take as long as all the other parts together: they run beside them,
	// each on its own connection. The parts write disjoint fields of d.
	type step struct {
		name string
		run  func(context.Context, Store, span, Options) error
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	run := func(steps ...step) error {
		tick := opt.timer()
		for _, p := range steps {
			if err := p.run(ctx, st, s, opt); err != nil {
				cancel(err)
				return err
			}
			tick(p.name)
		}
		return nil
	}
	var segErr error
	var wg sync.WaitGroup
	wg.Go(func() { segErr = run(step{"segments", d.segments}) })
	err := run(step{"pipeline", d.pipeline}, step{"revenue", d.revenue}, step{"scores", d.scores},
		step{"fit × engagement", d.fitEngagement}, step{"quiet prospects", d.quiet},
		step{"questionnaires", d.questionnaires}, step{"nudges", d.nudges}, step{"personas", d.personas})
	wg.Wait()
	if segErr != nil || err != nil {
		// The first failure, not the cancellation it caused in the other.
		return nil, context.Cause(ctx)
	}
	return d, nil
}

// personas reads, in a month's first seven days, how the personas changed
// since the month before; it makes the month's snapshot when it has none
// yet and the digest takes snapshots.
func (d *Digest) personas(ctx context.Context, _ Store, s span, opt Options) (err error) {
	if opt.Personas == nil || s.day.Day() > 7 {
		return nil
	}
	d.Personas, err = opt.Personas.MonthChange(ctx, s.day, opt.Snapshot)
	return err
}

func (d *Digest) pipeline(ctx context.Context, st Store, s span, opt Options) error {
	counts, err := st.StageCounts(ctx)
	if err != nil {
		return err
	}
	moves, err := st.MoveCounts(ctx, s.start, s.end)
	if err != nil {
		return err
	}
	d.Pipeline = crm.BuildPipeline(counts, s.start, moves)
	if d.NewContacts, err = st.CountCreated(ctx, s.start, s.end); err != nil || len(opt.Rot) == 0 {
		return err
	}
	// Rotting deals as of the end of the as-of day.
	byStage, err := st.RotCounts(ctx, opt.Rot, s.end, false)
	if err != nil {
		return err
	}
	d.Pipeline.Rotting = map[domain.Stage]int{}
	for stage := range opt.Rot {
		d.Pipeline.Rotting[stage] = byStage[string(stage)]
	}
	byOwner, err := st.RotCounts(ctx, opt.Rot, s.end, true)
	for owner, n := range byOwner {
		d.Rotting = append(d.Rotting, OwnerCount{Owner: owner, Count: n})
	}
	slices.SortFunc(d.Rotting, func(a, b OwnerCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Owner, b.Owner)) })
	return err
}

// OwnerCount is how many of something an owner has.
type OwnerCount struct {
	Owner string `json:"owner"`
	Count int    `json:"count"`
}

func (d *Digest) revenue(ctx context.Context, st Store, s span, _ Options) error {
	from, to := utcDays(s.start, s.end)
	var err error
	if d.Revenue.ThisWeek, err = st.Revenue(ctx, from, to); err != nil {
		return err
	}
	if d.Revenue.PreviousWeek, err = st.Revenue(ctx, from.AddDate(0, 0, -7), to.AddDate(0, 0, -7)); err != nil {
		return err
	}
	if p := d.Revenue.PreviousWeek; p != 0 {
		pct := float64(d.Revenue.ThisWeek-p) * 100 / float64(p)
		d.Revenue.ChangePct = &pct
	}
	return nil
}

// segments computes RFM and ABC as of the day and compares the segments
// with last week's snapshot.
func (d *Digest) segments(ctx context.Context, st Store, s span, opt Options) error {
	tick := opt.timer()
	// Last week's segments are read beside this week's inputs, on
	// another connection: each is a pass over a million rows.
	var prev []domain.SegmentMember
	var known bool
	var g errgroup.Group
	g.Go(func() (err error) {
		prev, known, err = st.SegmentsOfWeek(ctx, s.prevWeek)
		return err
	})
	inputs, err := st.RFMInputs(ctx, s.day, opt.WindowDays)
	if err != nil {
		g.Wait()
		return err
	}
	tick("  RFM inputs")
	scores, err := domain.RFMMeasures(inputs, s.day, opt.WindowDays)
	if err != nil {
		g.Wait()
		return err
	}
	// ABC ranks by the measures alone: on the other core, beside the
	// scores (each a sort of a million customers).
	g.Go(func() (err error) {
		d.ABC, err = domain.ABC(scores, opt.ABC)
		return err
	})
	domain.ScoreRFM(scores)
	tick("  RFM")
	if err := g.Wait(); err != nil {
		return err
	}
	tick("  ABC, last week's segments")
	rep := domain.NewRFMReport(scores)
	d.RFM.Customers = rep.Customers
	var prevSizes map[domain.RFMSegment]int
	if known {
		d.RFM.ComparedWith = s.prevWeek
		prevSizes = map[domain.RFMSegment]int{}
		for _, m := range prev {
			prevSizes[m.Segment]++
		}
	}
	for _, sz := range rep.Segments {
		c := SegmentChange{Segment: sz.Segment, Customers: sz.Customers}
		if known {
			c.Change = new(sz.Customers - prevSizes[sz.Segment])
		}
		d.RFM.Segments = append(d.RFM.Segments, c)
	}
	if known {
		if err := d.compareSegments(ctx, st, scores, prev); err != nil {
			return err
		}
	}
	if !opt.Snapshot {
		return nil
	}
	members := make([]domain.SegmentMember, len(scores))
	for i, sc := range scores {
		members[i] = domain.SegmentMember{ContactID: sc.ContactID, Segment: sc.Segment}
	}
	_, err = st.SnapshotSegments(ctx, s.week, members)
	tick("  segment snapshot")
	return err
}

// compareSegments counts the moves between segments and names the
// customers newly at risk.
// Both are in contact id order: they are walked side by side.
func (d *Digest) compareSegments(ctx context.Context, st Store, scores []domain.RFMScore, prev []domain.SegmentMember) error {
	type pair struct{ from, to domain.RFMSegment }
	moves := map[pair]int{}
	var atRisk, cantLose []int64
	byID := func(a, b domain.RFMScore) int { return cmp.Compare(a.ContactID, b.ContactID) }
	if !slices.IsSortedFunc(scores, byID) {
		scores = slices.SortedFunc(slices.Values(scores), byID)
	}
	j := 0
	for _, sc := range scores {
		for j < len(prev) && prev[j].ContactID < sc.ContactID {
			j++
		}
		var before domain.RFMSegment
		ok := j < len(prev) && prev[j].ContactID == sc.ContactID
		if ok {
			before = prev[j].Segment
		}
		if ok && before != sc.Segment {
			moves[pair{before, sc.Segment}]++
		}
		if before == sc.Segment {
			continue
		}
		switch sc.Segment {
		case domain.RFMAtRisk:
			atRisk = append(atRisk, sc.ContactID)
		case domain.RFMCantLoseThem:
			cantLose = append(cantLose, sc.ContactID)
		}
	}
	rank := segmentRanks()
	for p, n := range moves {
		d.RFM.Moves = append(d.RFM.Moves, SegmentMove{From: p.from, To: p.to, Count: n})
	}
	slices.SortFunc(d.RFM.Moves, func(a, b SegmentMove) int {
		return cmp.Or(b.Count-a.Count, rank[a.From]-rank[b.From], rank[a.To]-rank[b.To])
	})
	var err error
	if d.RFM.NewlyAtRisk, err = people(ctx, st, atRisk); err != nil {
		return err
	}
	d.RFM.NewlyCantLose, err = people(ctx, st, cantLose)
	return err
}

// segmentRanks numbers the segments in domain.RFMSegments order.
func segmentRanks() map[domain.RFMSegment]int {
	rank := make(map[domain.RFMSegment]int, len(domain.RFMSegments))
	for i, s := range domain.RFMSegments {
		rank[s] = i
	}
	return rank
}

// people counts ids and names the first of them (lowest ids first).
func people(ctx context.Context, st Store, ids []int64) (*People, error) {
	slices.Sort(ids)
	p := &People{Count: int64(len(ids))}
	list, err := st.ContactsByIDs(ctx, ids[:min(len(ids), listedPeople)])
	if err != nil {
		return p, err
	}
	p.Contacts = persons(list)
	return p, nil
}

func persons(list []*domain.Contact) []Person {
	out := make([]Person, len(list))
	for i, c := range list {
		out[i] = Person{ID: c.ID, Name: crm.Describe(c)}
	}
	return out
}

// scores lists the best scores with their change since last week's
// snapshot, then takes this week's snapshot if asked. The digest of a past
// week (no snapshot to take) lists the scores recorded that week, when
// there are some: the week as it was, not as the contacts are now.
func (d *Digest) scores(ctx context.Context, st Store, s span, opt Options) error {
	top, err := d.topOf(ctx, st, s, opt)
	if err != nil {
		return err
	}
	ids := make([]int64, len(top))
	for i, c := range top {
		ids[i] = c.ID
	}
	before, err := st.ScoresOfWeek(ctx, s.prevWeek, ids)
	if err != nil {
		return err
	}
	for _, c := range top {
		if b, ok := before[c.ID]; ok {
			c.Change = new(c.Score - b.Score)
		}
		d.TopScores = append(d.TopScores, c)
	}
	if opt.Snapshot {
		_, err = st.SnapshotScores(ctx, s.week)
	}
	return err
}

// topOf returns the week's best scores: those recorded that week for a
// past week's digest, else the current ones.
func (d *Digest) topOf(ctx context.Context, st Store, s span, opt Options) ([]ScoredContact, error) {
	var out []ScoredContact
	if !opt.Snapshot {
		past, err := st.TopOfWeek(ctx, s.week, topScores)
		if err != nil || len(past) > 0 {
			return scored(ctx, st, past, err)
		}
	}
	top, err := st.TopScored(ctx, topScores)
	for _, c := range top {
		out = append(out, ScoredContact{Person: Person{ID: c.ID, Name: crm.Describe(c)}, Score: c.Score, Grade: c.Grade})
	}
	return out, err
}

// scored names the contacts of recorded scores, in their order; a contact
// erased since is left out.
func scored(ctx context.Context, st Store, past []domain.ScoreSnapshot, err error) ([]ScoredContact, error) {
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(past))
	for i, p := range past {
		ids[i] = p.ContactID
	}
	list, err := st.ContactsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(list))
	for _, c := range list {
		names[c.ID] = crm.Describe(c)
	}
	out := make([]ScoredContact, 0, len(past))
	for _, p := range past {
		if name, ok := names[p.ContactID]; ok {
			out = append(out, ScoredContact{Person: Person{ID: p.ContactID, Name: name}, Score: p.Score, Grade: p.Grade})
		}
	}
	return out, nil
}

func (d *Digest) quiet(ctx context.Context, st Store, s span, _ Options) error {
	list, n, err := st.QuietContacts(ctx, domain.Prospect, s.end.AddDate(0, 0, -quietDays), listedPeople)
	if err != nil {
		return err
	}
	d.QuietProspects = People{Count: n, Contacts: persons(list)}
	return nil
}

// nudges counts the week's hot-lead alerts and what the owners did of
// last week's check-ins (this week's went out with the digest, or soon).
func (d *Digest) nudges(ctx context.Context, st Store, s span, _ Options) (err error) {
	if d.HotAlerts, err = st.CountHotAlerts(ctx, s.start, s.end); err != nil {
		return err
	}
	d.CheckedIn, err = st.CheckinActed(ctx, s.prevWeek)
	return err
}

func (d *Digest) questionnaires(ctx context.Context, st Store, s span, _ Options) error {
	w, err := st.QuestionnaireWeek(ctx, s.start, s.end)
	if err != nil {
		return err
	}
	d.Questionnaires = Questionnaires{QuestionnaireWeek: w, ResponseRate: w.ResponseRate(), CSAT: w.CSAT(), NPS: w.NPS()}
	return nil
}

// fitEngagement counts the contacts of each cell of the fit × engagement
// matrix, in SQL.
func (d *Digest) fitEngagement(ctx context.Context, st Store, _ span, _ Options) error {
	var err error
	d.FitEngagement, err = st.FitEngagement(ctx)
	return err
}
