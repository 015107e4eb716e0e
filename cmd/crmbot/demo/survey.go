package demo

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
)

// This file makes the customer's side of a linked contact: its respondent
// record (a Telegram chat, consent, and now and then an opt-out, a blocked
// bot, a "Not now" or a detractor answer waiting for its owner) and, over
// the last two years, the questionnaires it was sent with its answers.
//
// The sends follow the default throttle policy as the dispatcher would
// have applied it: after consent, on weekdays in office hours in the
// contact's time zone, never within 3 days of a sales interaction, at
// least 99 days apart (so never more than 4 in 365 days, and a
// satisfaction questionnaire never within its 90-day period), preferences
// again only after its 180-day period, a longer gap when the customer asked
// for one, 180 days of rest after two unanswered in a row, none while a
// detractor answer waits to be handled. Each survey is closed: answered, or
// expired after 7 days (reminded after 3), or cancelled by "Not now" or
// "Never", or failed because the customer blocked the bot. Nothing is left
// queued or open, so a dispatcher running on sample data sends nothing.

// respondentShare is, by stage, the percentage of contacts who linked a
// Telegram chat.
var respondentShare = map[domain.Stage]int{domain.Customer: 40, domain.Qualified: 15, domain.Prospect: 10, domain.Lost: 3}

// ChatIDBase plus the contact id is the Telegram chat id of a sample
// respondent: a made-up id that reaches no one (Telegram answers "chat not
// found").
const ChatIDBase = 9_000_000_000

// The throttle's figures the sends keep to (domain.DefaultPolicy).
const (
	minGapDays     = 99 // more than 365/4 and than satisfaction's 90-day period plus its 7 open days
	openDays       = 7
	reminderDays   = 3
	cooldownDays   = 3
	fatiguePause   = 181
	prefsAgainDays = 300 // preferences has a 180-day period; asked again about yearly
)

// questionnaires are the built-in ones, and the values their buttons give.
var (
	satisfactionQ, preferencesQ = builtin(domain.SatisfactionID), builtin(domain.PreferencesID)
	interestOptions             = buttons(preferencesQ, "interests")
	categoryOptions             = buttons(preferencesQ, "categories")
	channelChoice               = weighted(buttons(preferencesQ, "channel"), 30, 35, 15, 10, 10) // telegram, email, phone, sms, meeting
	frequencyChoice             = weighted(buttons(preferencesQ, "frequency"), 4, 24, 47, 20, 5) // weekly … never
	csatChoice                  = weighted([]int{1, 2, 3, 4, 5}, 4, 6, 15, 38, 37)
	// npsRange gives, by CSAT, the NPS answers that go with it.
	npsRange = [6][2]int{{}, {0, 4}, {2, 6}, {5, 8}, {7, 10}, {8, 10}}
	paris    = domain.Zone("Europe/Paris")
)

func builtin(id string) domain.Questionnaire {
	for _, q := range domain.BuiltinQuestionnaires() {
		if q.ID == id {
			return q
		}
	}
	panic("demo: no built-in questionnaire " + id)
}

func buttons(q domain.Questionnaire, question string) []string {
	qu, ok := q.Question(question)
	if !ok {
		panic("demo: no question " + question + " in " + q.ID)
	}
	return qu.Buttons()
}

// comments are the free-text answers to satisfaction, by language and by
// CSAT: 1–2, 3, 4–5.
var comments = map[string][3]choice[string]{
	"fr": {
		uniform("Personne ne m'a rappelé malgré deux relances.", "Installation en retard de deux semaines.",
			"Facture erronée, toujours pas corrigée.", "Trop cher pour le service rendu.", "Le technicien n'est jamais venu."),
		uniform("Correct dans l'ensemble.", "Délais un peu longs.", "Le devis a mis du temps à arriver.",
			"Bon produit, mais le suivi pourrait être meilleur."),
		uniform("Très bon accueil, merci !", "Livraison rapide et équipe réactive.", "Toujours un plaisir de travailler avec vous.",
			"Conseils pertinents, je recommande.", "Rien à redire, parfait.", "Merci à Chloé pour sa disponibilité."),
	},
	"en": {
		uniform("Nobody called me back.", "The installation was two weeks late.", "Wrong invoice, still not fixed.",
			"Too expensive for what we get."),
		uniform("Fine overall.", "Delivery took a bit long.", "Good product, follow-up could be better."),
		uniform("Great service, thank you!", "Fast delivery and a helpful team.", "Always a pleasure to work with you.",
			"Sound advice, I recommend you."),
	},
}

// mood is the row of comments that goes with a CSAT.
func mood(csat int) int {
	switch {
	case csat <= 2:
		return 0
	case csat == 3:
		return 1
	}
	return 2
}

// handledNotes are what owners write when they mark a detractor handled.
var handledNotes = uniform("rappelé, geste commercial accordé", "appel fait, problème résolu", "avoir émis",
	"rendez-vous fixé pour en parler", "")

// side builds one linked contact's customer side.
type side struct {
	h    *history
	r    *rand.Rand
	now  time.Time
	loc  *time.Location
	resp *domain.Respondent
	// unanswered counts the last sends in a row that went unanswered.
	unanswered int
	freqDays   int
	never      bool
	lastPrefs  time.Time // last answered preferences
	paused     bool      // a detractor answer waits for its owner
	resumeAt   time.Time // a handled detractor: no send before
}

// respond makes the customer's side of h's contact, drawn from r, up to
// now; the preferences it answered are written into the contact.
func (h *history) respond(r *rand.Rand, now time.Time) {
	c := h.c
	s := &side{h: h, r: r, now: now.UTC().Truncate(time.Second), loc: domain.Zone(c.TimeZone)}
	if s.loc == nil {
		s.loc = paris
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	from := c.CreatedAt // a customer consents after the first order
	for i, o := range h.orders {
		if i == 0 || o.CreatedAt.Before(from) {
			from = o.CreatedAt
		}
	}
	span := s.now.Sub(from)
	consent := from.Add(time.Duration(r.Int64N(int64(span/2) + 1))).Truncate(time.Second) // never after now
	s.resp = &domain.Respondent{ContactID: c.ID, ChatID: ChatIDBase + c.ID, Language: c.Language,
		Consent: domain.Consent{Given: true, At: consent}, ConsentText: survey.ConsentVersion}
	h.respondent = s.resp
	var stop time.Time // an opt-out or a blocked bot
	fate := r.IntN(100)
	switch {
	case fate < 2: // refused consent
		s.resp.Consent.Given = false
		return
	case fate < 9:
		stop = consent.Add(time.Duration(r.Int64N(int64(s.now.Sub(consent)) + 1))).Truncate(time.Second)
	}
	s.sends(consent, stop, fate < 6)
	if s.resp.Consent.WithdrawnAt.IsZero() && !stop.IsZero() && stop.Before(s.now) && s.resp.OptedOutAt.IsZero() && s.resp.UnreachableAt.IsZero() {
		// Between sends: /stop typed, or the bot blocked.
		if fate < 6 {
			s.resp.OptedOutAt, s.resp.Consent.WithdrawnAt = stop, stop
		} else {
			s.resp.UnreachableAt = stop
		}
	}
	for i := range h.surveys {
		if h.surveys[i].Questionnaire == domain.PreferencesID && h.surveys[i].Status == domain.SurveyAnswered {
			h.applyPreferences(i)
		}
	}
	for _, a := range h.answers {
		if a.Question == "csat" && !a.Skipped {
			c.Satisfaction = a.Number // the latest: answers are in order
		}
	}
	if len(h.answers) > 0 {
		if last := h.answers[len(h.answers)-1].At; last.After(c.UpdatedAt) {
			c.UpdatedAt = last
		}
	}
}

// applyPreferences writes the answers of survey i into the contact, as the
// conversation does.
func (h *history) applyPreferences(i int) {
	for _, a := range h.answers {
		if a.SurveyID != int64(i) {
			continue
		}
		if qu, ok := preferencesQ.Question(a.Question); ok {
			if err := qu.Apply(h.c, a.Answer, a.At); err != nil {
				panic("demo: " + err.Error())
			}
		}
	}
}

// sends makes the questionnaires sent from consent on, until stop (an
// opt-out when optOut, else a blocked bot) if set.
func (s *side) sends(consent, stop time.Time, optOut bool) {
	r := s.r
	day0 := consent.AddDate(0, 0, 1+r.IntN(20))
	for n := 0; ; n++ {
		if !s.resumeAt.IsZero() && day0.Before(s.resumeAt) {
			day0 = s.resumeAt
		}
		t := s.sendable(day0)
		if !t.Before(s.now) || s.paused || s.never {
			return
		}
		if !stop.IsZero() && t.After(stop) {
			return
		}
		q := s.pick(n, t)
		sv := domain.Survey{ContactID: s.h.c.ID, Questionnaire: q.ID, Version: q.Version, RequestedBy: s.h.c.Owner,
			RequestedAt: t.Add(-time.Duration(r.IntN(120)) * time.Minute), SentAt: t, ExpiresAt: t.AddDate(0, 0, openDays),
			Via: "telegram", MessageID: int64(2 + 3*n + r.IntN(3))}
		if !stop.IsZero() && stop.Before(sv.ExpiresAt.Add(day)) {
			// The stop comes with this invitation: "Never", or the bot
			// blocked when it was sent.
			at := t.Add(time.Duration(1+r.IntN(30)) * time.Minute)
			if optOut {
				sv.Status, sv.Reason = domain.SurveyCancelled, string(domain.OptedOut)
				s.resp.OptedOutAt, s.resp.Consent.WithdrawnAt = at, at
			} else {
				sv.Status, sv.Reason, sv.MessageID, at = domain.SurveyFailed, string(domain.Unreachable), 0, t
				s.resp.UnreachableAt = at
			}
			s.h.surveys = append(s.h.surveys, sv)
			return
		}
		if r.IntN(100) < 3 { // "Not now"
			at := t.Add(time.Duration(1+r.IntN(120)) * time.Minute)
			sv.Status, sv.Reason = domain.SurveyCancelled, string(domain.NotNow)
			s.resp.NotNowAt = at
			s.h.surveys = append(s.h.surveys, sv)
			day0 = t.AddDate(0, 0, minGapDays+r.IntN(100))
			continue
		}
		if !s.answer(&sv, q) {
			return // it would still be open
		}
		s.h.surveys = append(s.h.surveys, sv)
		gap := minGapDays + r.IntN(100)
		if s.freqDays >= gap {
			gap = s.freqDays + 1 + r.IntN(30)
		}
		if s.unanswered >= 2 {
			gap = max(gap, fatiguePause+r.IntN(30))
		}
		day0 = t.In(s.loc).AddDate(0, 0, gap)
	}
}

// pick chooses the questionnaire of send n at t: preferences first for
// many, then about once a year; satisfaction otherwise.
func (s *side) pick(n int, t time.Time) domain.Questionnaire {
	r := s.r
	first := 50
	if s.h.c.Stage != domain.Customer {
		first = 70
	}
	switch {
	case n == 0 && r.IntN(100) < first:
		return preferencesQ
	case n > 0 && s.lastPrefs.IsZero() && r.IntN(100) < 30:
		return preferencesQ
	case !s.lastPrefs.IsZero() && t.Sub(s.lastPrefs) > prefsAgainDays*day && r.IntN(100) < 40:
		return preferencesQ
	}
	return satisfactionQ
}

// answer decides whether sv was answered, when, and how, and whether it
// was reminded; it adds the answers. It reports false when sv would still
// be open now (the caller drops it).
func (s *side) answer(sv *domain.Survey, q domain.Questionnaire) bool {
	r, t := s.r, sv.SentAt
	rate := 70
	if s.h.c.Stage != domain.Customer {
		rate = 55
	}
	remind := s.workTime(t.AddDate(0, 0, reminderDays), sv.ExpiresAt)
	var done time.Time
	switch x := r.IntN(100); {
	case x < rate*3/4: // soon after the invitation
		done = t.Add(time.Duration(2+r.IntN(int(remind.Sub(t)/time.Minute)-2)) * time.Minute)
	case x < rate: // after the reminder
		sv.RemindedAt = remind
		done = remind.Add(time.Duration(2+r.IntN(max(1, int(sv.ExpiresAt.Sub(remind)/time.Minute)-60))) * time.Minute)
	default:
		sv.RemindedAt = remind
	}
	if done.IsZero() {
		if !sv.ExpiresAt.Before(s.now) {
			return false
		}
		sv.Status = domain.SurveyExpired
		if r.IntN(100) < 15 { // started, then left it
			sv.Started, sv.Position = true, 1
			s.answers(sv, q, 1, sv.RemindedAt.Add(-time.Duration(1+r.IntN(60))*time.Minute))
		}
		s.unanswered++
		return true
	}
	if done.After(s.now) {
		return false
	}
	sv.Status, sv.AnsweredAt, sv.Started, sv.Position = domain.SurveyAnswered, done, true, len(q.Questions)
	s.answers(sv, q, len(q.Questions), done)
	s.unanswered = 0
	if q.ID == domain.PreferencesID {
		s.lastPrefs = done
	}
	return true
}

// answers adds the answers to the first n questions of sv, the last at
// last, a minute or so apart; a detractor answer pauses the contact.
func (s *side) answers(sv *domain.Survey, q domain.Questionnaire, n int, last time.Time) {
	r, c := s.r, s.h.c
	idx := int64(len(s.h.surveys)) // sv is appended next
	csat := csatChoice.pick(r)
	lang := "fr"
	if c.Language == "en" {
		lang = "en"
	}
	times := make([]time.Time, n) // a minute or so apart, the last at last
	times[n-1] = last
	for i := n - 2; i >= 0; i-- {
		times[i] = times[i+1].Add(-time.Duration(40+r.IntN(50)) * time.Second)
	}
	var detractor time.Time
	for i, qu := range q.Questions[:n] {
		a := domain.Answer{Question: qu.ID, Type: qu.Type}
		switch qu.ID {
		case "csat":
			a.Number = csat
		case "nps":
			lo, hi := npsRange[csat][0], npsRange[csat][1]
			a.Number = lo + r.IntN(hi-lo+1)
		case "comment":
			if r.IntN(100) < 35 {
				a.Text = comments[lang][mood(csat)].pick(r)
			} else {
				a.Skipped = true
			}
		case "interests":
			s.multi(&a, interestOptions, 85, 3)
		case "categories":
			s.multi(&a, categoryOptions, 75, 2)
		case "channel":
			a.Options = []string{channelChoice.pick(r)}
		case "frequency":
			f := frequencyChoice.pick(r)
			a.Options = []string{f}
			fr, _ := domain.ParseFrequency(f)
			s.freqDays, s.never = int(fr), fr == domain.Never
		}
		at := times[i]
		if detractor.IsZero() && a.IsDetractor(domain.DefaultPolicy.Detractor.NPSBelow, domain.DefaultPolicy.Detractor.CSATBelow) {
			detractor = at
		}
		s.h.answers = append(s.h.answers, domain.StoredAnswer{SurveyID: idx, ContactID: c.ID, Questionnaire: q.ID, Answer: a, At: at})
	}
	if !detractor.IsZero() {
		s.detractor(detractor)
	}
}

// multi answers a multi question with 1 to most of options, share percent
// of the time (else skips it).
func (s *side) multi(a *domain.Answer, options []string, share, most int) {
	if s.r.IntN(100) >= share {
		a.Skipped = true
		return
	}
	a.Options = sample(s.r, options, 1+s.r.IntN(most))
}

// detractor records a detractor answer at at: the owner handles it within
// ten days, unless that is still to come or, for a recent one, forgot.
func (s *side) detractor(at time.Time) {
	r := s.r
	s.resp.DetractorAt, s.resp.HandledAt, s.resp.HandledBy, s.resp.HandledNote = at, time.Time{}, "", ""
	handled := s.workTime(at.Add(time.Duration(2+r.IntN(10*24))*time.Hour), time.Time{})
	if at.After(s.now.AddDate(0, 0, -45)) && r.IntN(100) < 40 {
		handled = s.now // the owner has not got round to it
	}
	if !handled.Before(s.now) {
		s.paused = true
		return
	}
	s.resp.HandledAt, s.resp.HandledBy, s.resp.HandledNote = handled, s.h.c.Owner, handledNotes.pick(r)
	// The next send is on a later day than the handling.
	s.resumeAt = handled.AddDate(0, 0, 1+r.IntN(14))
}

// sendable returns a time from the day of t on that the throttle allows:
// a weekday between 09:30 and 17:30 in the contact's zone, 3 days or more
// after any sales interaction.
func (s *side) sendable(t time.Time) time.Time {
	l := t.In(s.loc)
	t = time.Date(l.Year(), l.Month(), l.Day(), 9, 30, 0, 0, s.loc).Add(time.Duration(s.r.IntN(8*3600)) * time.Second)
	t = s.workTime(t, time.Time{})
	is := s.h.interactions
	for {
		i := sort.Search(len(is), func(i int) bool { return is[i].At.After(t) }) // the first after t
		if i == 0 {
			return t
		}
		until := is[i-1].At.In(s.loc).AddDate(0, 0, cooldownDays)
		if !t.Before(until) {
			return t
		}
		t = s.workTime(until.Add(time.Duration(1+s.r.IntN(24*3600))*time.Second), time.Time{})
	}
}

// workTime moves t forward to a weekday between 09:00 and 18:00 in the
// contact's zone (t itself when it is one), but not to limit or later when
// limit is set (it returns limit less a minute then).
func (s *side) workTime(t, limit time.Time) time.Time {
	for range 10 {
		l := t.In(s.loc)
		wd, h := l.Weekday(), l.Hour()
		switch {
		case wd == time.Saturday || wd == time.Sunday:
			t = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, s.loc).Add(time.Duration(s.r.IntN(3600)) * time.Second)
		case h < 9:
			t = time.Date(l.Year(), l.Month(), l.Day(), 9, 0, 0, 0, s.loc).Add(time.Duration(s.r.IntN(3600)) * time.Second)
		case h >= 18:
			t = time.Date(l.Year(), l.Month(), l.Day()+1, 9, 0, 0, 0, s.loc).Add(time.Duration(s.r.IntN(3600)) * time.Second)
		default:
			if !limit.IsZero() && !t.Before(limit) {
				return limit.Add(-time.Minute)
			}
			return t.UTC()
		}
	}
	return t.UTC()
}
