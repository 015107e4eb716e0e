package survey

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crmbot/crmbot/domain"
	"golang.org/x/sync/errgroup"
)

// Invite makes a single-use invite token for contact c, valid InviteDays.
func (s *Service) Invite(ctx context.Context, c *domain.Contact, by string) (string, error) {
	token := domain.NewInviteToken()
	now := s.now()
	if err := s.Store.CreateInvite(ctx, token, c.ID, by, now.AddDate(0, 0, InviteDays)); err != nil {
		return "", err
	}
	return token, nil
}

// Respondent returns the customer's side of contact id (Telegram link,
// consent, pauses), or nil when the contact never linked a chat.
func (s *Service) Respondent(ctx context.Context, id int64) (*domain.Respondent, error) {
	return s.Store.Respondent(ctx, id)
}

// Suppression returns contact id's match on the suppression list (zero if
// none): an identifier of a person who opted out or was erased.
func (s *Service) Suppression(ctx context.Context, id int64) (domain.Suppression, error) {
	return s.Store.SuppressionOf(ctx, id)
}

// Why is the throttle's answer for a contact: may it be sent a
// questionnaire (the named one, or any) now, and if not, why and from when.
type Why struct {
	Contact       *domain.Contact
	Questionnaire string
	Decision      domain.Decision
	Linked        bool // a Telegram chat is linked
}

// Why asks the throttle about contact c and questionnaire qn ("" for any),
// counting the questionnaires already queued for c as sent.
func (s *Service) Why(ctx context.Context, c *domain.Contact, qn string) (*Why, error) {
	ask := domain.Ask{}
	if qn != "" {
		q, err := s.Questionnaire(qn)
		if err != nil {
			return nil, err
		}
		ask = domain.Ask{Questionnaire: q.ID, PeriodDays: q.PeriodDays}
	}
	// As the dispatcher will find the contact: after what is queued.
	now := s.now()
	h, err := s.Store.History(ctx, c.ID, now, s.Policy.Company.PerDays)
	if err != nil {
		return nil, err
	}
	dec := domain.Decide(s.Policy, h.WithQueued(ask.Questionnaire, now), ask, now)
	r, err := s.Store.Respondent(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return &Why{Contact: c, Questionnaire: qn, Decision: dec, Linked: r != nil && r.ChatID != 0}, nil
}

// Questionnaire returns the questionnaire named id, or an error listing
// those there are.
func (s *Service) Questionnaire(id string) (domain.Questionnaire, error) {
	if q, ok := s.questionnaire(strings.ToLower(id)); ok {
		return q, nil
	}
	ids := make([]string, len(s.Questionnaires))
	for i, q := range s.Questionnaires {
		ids[i] = q.ID
	}
	return domain.Questionnaire{}, domain.Errorf(domain.NotFound, "no questionnaire %q: there are %s.%s", id, strings.Join(ids, ", "), domain.DidYouMean(id, ids))
}

// Handled lifts the detractor pause of contact c.
func (s *Service) Handled(ctx context.Context, c *domain.Contact, by, note string) error {
	return s.Store.InTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.Respondent(ctx, c.ID)
		if err != nil {
			return err
		}
		if r == nil || !r.Paused() {
			return domain.Errorf(domain.Invalid, "%s has no detractor answer waiting to be handled", c.Ref())
		}
		r.HandledAt, r.HandledBy, r.HandledNote = s.now(), by, note
		return s.Store.SaveRespondent(ctx, r)
	})
}

// Plan is what a `survey send` did (or would do, in a dry run): how many
// contacts of the audience got each outcome and each reason.
type Plan struct {
	Questionnaire string
	DryRun        bool
	Audience      int
	// Outcomes counts allow, defer and deny, plus "already" for contacts
	// with this questionnaire already queued or open.
	Outcomes map[string]int
	// Reasons counts the reason codes of deferred and denied contacts
	// (a contact may have several).
	Reasons map[domain.ReasonCode]int
	// Queued is how many surveys were queued (allowed now, or deferred).
	Queued int
	// Held lists the contacts held back, by the reason codes that hold
	// them (comma-joined, as a survey's Reason) or AlreadyQueued: ids in
	// the audience's order, eight bytes a contact.
	Held map[string][]int64
	// Single is the decision, and SingleID the contact, when the audience
	// is one contact.
	Single   *domain.Decision
	SingleID int64
}

// Outcome key for contacts that already have the questionnaire queued or
// open.
const AlreadyQueued = "already"

// planChunk is how many contacts are decided at a time, and planWorkers
// how many chunks are read at once (SQLite and PostgreSQL both serve
// concurrent readers).
const (
	planChunk   = 20000
	planWorkers = 2
)

// Audience streams the ids of a send's contacts to fn, in id order, up to
// chunk at a time (each slice is fn's to keep), so that a send to every
// contact never holds them all: crm.Service.EachID over a filter, or IDs.
type Audience func(ctx context.Context, chunk int, fn func(ids []int64) error) error

// IDs is the audience of the contacts ids, sorted.
func IDs(ids []int64) Audience {
	return func(ctx context.Context, chunk int, fn func([]int64) error) error {
		for part := range slices.Chunk(ids, chunk) {
			if err := fn(part); err != nil {
				return err
			}
		}
		return nil
	}
}

// Send plans questionnaire qn for the contacts ids through the throttle
// and, unless dryRun, queues the surveys allowed now or deferred; see
// SendTo.
func (s *Service) Send(ctx context.Context, qn string, ids []int64, by string, dryRun bool) (*Plan, error) {
	q, err := s.Questionnaire(qn)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, domain.Errorf(domain.Invalid, "no contact matches: nobody to send %s to", q.ID)
	}
	return s.SendTo(ctx, q.ID, IDs(ids), by, dryRun)
}

// SendTo plans questionnaire qn for the contacts of audience through the
// throttle and, unless dryRun, queues the surveys allowed now or deferred,
// in one transaction: nothing is queued if any part fails. An audience
// without contacts gives a plan of Audience 0 and queues nothing. The
// dispatcher sends them, deciding again just before each leaves, so a plan
// needs no lock while it reads: a contact queued twice meanwhile is held
// back there by its open questionnaire. A dry run holds no more than a few
// chunks of the audience at a time; a send holds the surveys it queues.
func (s *Service) SendTo(ctx context.Context, qn string, audience Audience, by string, dryRun bool) (*Plan, error) {
	q, err := s.Questionnaire(qn)
	if err != nil {
		return nil, err
	}
	p := &Plan{Questionnaire: q.ID, DryRun: dryRun, Outcomes: map[string]int{}, Reasons: map[domain.ReasonCode]int{},
		Held: map[string][]int64{}}
	now := s.now()
	queue, err := s.plan(ctx, p, q, audience, by, now)
	if err != nil || dryRun || p.Audience == 0 {
		return p, err
	}
	err = s.Store.InTx(ctx, func(ctx context.Context) error {
		if err := s.Store.InsertSurveys(ctx, queue); err != nil {
			return err
		}
		return s.Store.AddSurveyRun(ctx, p.run(by, now))
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// plan decides every contact of the audience, chunks read concurrently
// while the next ones stream in, and returns the surveys to queue (none in
// a dry run), by contact id.
func (s *Service) plan(ctx context.Context, p *Plan, q domain.Questionnaire, audience Audience, by string, now time.Time) ([]domain.Survey, error) {
	var mu sync.Mutex
	var queue []domain.Survey
	keep := &queue
	if p.DryRun {
		keep = nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(planWorkers)
	err := audience(gctx, planChunk, func(part []int64) error {
		mu.Lock()
		p.Audience += len(part)
		mu.Unlock()
		// Go waits while planWorkers chunks are being decided: the audience
		// is read no faster than it is decided.
		g.Go(func() error {
			hs, err := s.Store.Histories(gctx, part, now, s.Policy.Company.PerDays)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			return s.decideChunk(p, q, part, hs, by, now, keep)
		})
		return nil
	})
	if werr := g.Wait(); werr != nil || err != nil {
		return nil, cmp.Or(werr, err)
	}
	if p.Audience != 1 {
		p.Single, p.SingleID = nil, 0
	}
	slices.SortFunc(queue, func(a, b domain.Survey) int { return cmp.Compare(a.ContactID, b.ContactID) })
	p.Queued = p.Outcomes[string(domain.Allow)] + p.Outcomes[string(domain.Defer)]
	return queue, nil
}

// decideChunk adds the decisions of a chunk to p and, unless queue is nil,
// its surveys to queue.
func (s *Service) decideChunk(p *Plan, q domain.Questionnaire, ids []int64, hs map[int64]domain.History, by string, now time.Time, queue *[]domain.Survey) error {
	ask := domain.Ask{Questionnaire: q.ID, PeriodDays: q.PeriodDays}
	if len(ids) == 1 { // kept if the whole audience is this one contact
		p.SingleID = ids[0]
	}
	for _, id := range ids {
		h, ok := hs[id]
		if !ok {
			return domain.Errorf(domain.NotFound, "no contact %s", domain.ContactRef(id))
		}
		if h.Open.Questionnaire == q.ID || slices.Contains(h.Queued, q.ID) {
			p.Outcomes[AlreadyQueued]++
			p.Held[AlreadyQueued] = append(p.Held[AlreadyQueued], id)
			continue
		}
		// Read as the dispatcher will find the contact, after the
		// questionnaires queued before this one have left.
		dec := domain.Decide(s.Policy, h.WithQueued(q.ID, now), ask, now)
		if len(ids) == 1 {
			p.Single = &dec
		}
		p.Outcomes[string(dec.Outcome)]++
		for _, c := range dec.Codes() {
			p.Reasons[c]++
		}
		if dec.Outcome == domain.Deny {
			why := reasons(dec)
			p.Held[why] = append(p.Held[why], id)
		}
		// A trigger's send held by a window (recontact, yearly cap…) waits
		// for it to open, when the dispatcher decides again and checks the
		// trigger still holds; a manual send is refused, for a person to
		// send again. A rule with no date (no consent) refuses both.
		waits := strings.HasPrefix(by, triggeredBy) && !dec.NextEligible.IsZero()
		if dec.Outcome == domain.Deny && !waits || queue == nil {
			continue
		}
		*queue = append(*queue, domain.Survey{ContactID: id, Questionnaire: q.ID, Version: q.Version,
			Status: domain.SurveyQueued, Reason: reasons(dec), RequestedBy: by, RequestedAt: now, NextAt: dec.NextEligible})
	}
	return nil
}

func (p *Plan) run(by string, now time.Time) domain.SurveyRun {
	counts := map[string]int{}
	for k, v := range p.Outcomes {
		counts[k] = v
	}
	for k, v := range p.Reasons {
		counts["reason:"+string(k)] = v
	}
	return domain.SurveyRun{Questionnaire: p.Questionnaire, RequestedBy: by, At: now, Audience: p.Audience, Counts: counts}
}

// Summary is one questionnaire with its figures, for `survey list`.
type Summary struct {
	Questionnaire domain.Questionnaire
	Counts        map[domain.SurveyStatus]int
}

// Sent is how many surveys were sent (open, answered or expired).
func (m Summary) Sent() int {
	return m.Counts[domain.SurveyOpen] + m.Counts[domain.SurveyAnswered] + m.Counts[domain.SurveyExpired] + m.Counts[domain.SurveySending]
}

// ResponseRate is the share of sent surveys answered, in %.
func (m Summary) ResponseRate() float64 {
	if m.Sent() == 0 {
		return 0
	}
	return 100 * float64(m.Counts[domain.SurveyAnswered]) / float64(m.Sent())
}

// List returns every questionnaire with its figures.
func (s *Service) List(ctx context.Context) ([]Summary, error) {
	counts, err := s.Store.SurveyStatusCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(s.Questionnaires))
	for i, q := range s.Questionnaires {
		out[i] = Summary{Questionnaire: q, Counts: counts[q.ID]}
	}
	return out, nil
}

// Results are a questionnaire's answers aggregated.
type Results struct {
	Summary
	Questions []QuestionResult
	Comments  []domain.StoredAnswer
}

// QuestionResult aggregates the answers to one question: Counts by value
// (option id, number, yes/no) in the question's order; for a rating, the
// average and CSAT (share of 4 and 5, in %); for an nps, the NPS (promoters
// minus detractors, in points).
type QuestionResult struct {
	Question domain.Question
	Answers  int
	Counts   []ValueCount
	Average  float64
	CSAT     float64
	NPS      float64
}

// ValueCount is how many answers carry one value.
type ValueCount struct {
	Value string
	N     int
}

// Results aggregates the answers to questionnaire qn.
func (s *Service) Results(ctx context.Context, qn string) (*Results, error) {
	q, err := s.Questionnaire(qn)
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.AnswerCounts(ctx, q.ID)
	if err != nil {
		return nil, err
	}
	comments, err := s.Store.RecentComments(ctx, q.ID, 5)
	if err != nil {
		return nil, err
	}
	status, err := s.Store.SurveyStatusCounts(ctx)
	if err != nil {
		return nil, err
	}
	res := &Results{Summary: Summary{Questionnaire: q, Counts: status[q.ID]}, Comments: comments}
	for _, qu := range q.Questions {
		if qu.Type != domain.TextQuestion {
			res.Questions = append(res.Questions, aggregate(qu, counts))
		}
	}
	return res, nil
}

// aggregate sums the counts of one question.
func aggregate(qu domain.Question, counts []domain.AnswerCount) QuestionResult {
	r := QuestionResult{Question: qu}
	byValue := map[string]int{}
	for _, c := range counts {
		if c.Question != qu.ID {
			continue
		}
		values := []string{c.Value}
		if qu.Type == domain.MultiQuestion {
			values = domain.SplitList(c.Value)
		}
		for _, v := range values {
			byValue[v] += c.N
		}
		r.Answers += c.N
	}
	sum, good, detractors := 0, 0, 0 // good: CSAT 4–5, or NPS promoters
	for _, v := range qu.Buttons() {
		n := byValue[v]
		r.Counts = append(r.Counts, ValueCount{Value: v, N: n})
		a, err := qu.Parse(v, "en")
		if err != nil {
			continue
		}
		sum += a.Number * n
		switch {
		case qu.Type == domain.RatingQuestion && a.Number >= 4, qu.Type == domain.NPSQuestion && a.Number >= 9:
			good += n
		case qu.Type == domain.NPSQuestion && a.Number <= 6:
			detractors += n
		}
	}
	if r.Answers > 0 {
		n := float64(r.Answers)
		r.Average = float64(sum) / n
		switch qu.Type {
		case domain.RatingQuestion:
			r.CSAT = 100 * float64(good) / n
		case domain.NPSQuestion:
			r.NPS = 100 * float64(good-detractors) / n
		}
	}
	return r
}
