package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// variety counts what the customer's side of a run holds.
type variety struct {
	respondents, byStage                                    map[domain.Stage]int
	statuses                                                map[domain.SurveyStatus]int
	questionnaires                                          map[string]int
	refused, optedOut, unreachable, notNow, paused, handled int
	reminded, comments, partial                             int
}

// checkCustomerSide: every linked contact has a plausible customer side
// (see checkRespondent); the others have none and no preferences; about 40 %
// of customers are linked, some prospects, no lead.
func checkCustomerSide(t *testing.T, d *dump) *variety {
	t.Helper()
	v := &variety{respondents: map[domain.Stage]int{}, byStage: map[domain.Stage]int{},
		statuses: map[domain.SurveyStatus]int{}, questionnaires: map[string]int{}}
	for _, c := range d.contacts {
		v.byStage[c.Stage]++
		checkRespondent(t, d.db, c, v)
	}
	t.Logf("respondents by stage %v of %v; surveys %v %v; reminded %d, comments %d, started and left %d; refused %d, opted out %d, unreachable %d, not now %d, detractors handled %d, paused %d",
		v.respondents, v.byStage, v.statuses, v.questionnaires, v.reminded, v.comments, v.partial, v.refused, v.optedOut, v.unreachable, v.notNow, v.handled, v.paused)
	if v.respondents[domain.Lead] != 0 {
		t.Errorf("%d leads are linked, want none", v.respondents[domain.Lead])
	}
	if n, all := v.respondents[domain.Customer], v.byStage[domain.Customer]; n < all/4 || n > all*3/5 {
		t.Errorf("%d of %d customers are linked, want about 40 %%", n, all)
	}
	if v.respondents[domain.Prospect]+v.respondents[domain.Qualified] == 0 {
		t.Error("no prospect is linked")
	}
	if v.statuses[domain.SurveyAnswered] == 0 || v.statuses[domain.SurveyExpired] == 0 || v.reminded == 0 || v.comments == 0 ||
		v.questionnaires[domain.SatisfactionID] == 0 || v.questionnaires[domain.PreferencesID] == 0 {
		t.Errorf("too little variety: %+v", v)
	}
	return v
}

// checkRespondent checks the customer's side of c against what the
// throttle, the conversation and the dispatcher would have made.
func checkRespondent(t *testing.T, db *store.DB, c *domain.Contact, v *variety) {
	t.Helper()
	ctx := context.Background()
	r, err := db.Respondent(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	surveys, err := db.SurveysOf(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers, err := db.Answers(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		if len(surveys) > 0 || len(answers) > 0 || c.Frequency != "" || c.PreferredChannel != "" || len(c.Interests) > 0 || c.Satisfaction != 0 {
			t.Errorf("%s has no chat but %d surveys, %d answers, preferences %q %q %v, satisfaction %d",
				c.Ref(), len(surveys), len(answers), c.Frequency, c.PreferredChannel, c.Interests, c.Satisfaction)
		}
		return
	}
	v.respondents[c.Stage]++
	if r.ChatID != demo.ChatIDBase+c.ID || r.Language != c.Language || r.ConsentText != survey.ConsentVersion ||
		r.Consent.At.Before(c.CreatedAt) || r.Consent.At.After(now) {
		t.Errorf("%s (created %s): respondent %+v", c.Ref(), c.CreatedAt, r)
	}
	switch {
	case !r.Consent.Given:
		v.refused++
		if len(surveys) > 0 {
			t.Errorf("%s refused consent but was sent %d surveys", c.Ref(), len(surveys))
		}
	case r.OptedOut():
		v.optedOut++
		if !r.Consent.WithdrawnAt.Equal(r.OptedOutAt) || r.OptedOutAt.Before(r.Consent.At) {
			t.Errorf("%s: opted out %s, consent %+v", c.Ref(), r.OptedOutAt, r.Consent)
		}
	}
	if !r.UnreachableAt.IsZero() {
		v.unreachable++
	}
	if !r.NotNowAt.IsZero() {
		v.notNow++
	}
	if r.Paused() {
		v.paused++
	} else if !r.DetractorAt.IsZero() {
		v.handled++
		if r.HandledBy != c.Owner || !r.HandledAt.After(r.DetractorAt) || r.HandledAt.After(now) {
			t.Errorf("%s: detractor %s handled %s by %q", c.Ref(), r.DetractorAt, r.HandledAt, r.HandledBy)
		}
	}
	if !r.DetractorAt.IsZero() && !slices.ContainsFunc(answers, func(a domain.StoredAnswer) bool {
		return a.At.Equal(r.DetractorAt) && a.IsDetractor(7, 3)
	}) {
		t.Errorf("%s: no detractor answer at %s", c.Ref(), r.DetractorAt)
	}
	interactions, err := db.RecentInteractions(ctx, c.ID, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(interactions)
	pol := domain.DefaultPolicy
	pol.Zone = domain.Zone("Europe/Paris")
	var prefs *domain.Contact // as the last preferences answered set it
	satisfaction := 0
	for i, sv := range surveys {
		v.statuses[sv.Status]++
		v.questionnaires[sv.Questionnaire]++
		q := questionnaire(sv.Questionnaire)
		if i > 0 && sv.SentAt.Before(surveys[i-1].SentAt) {
			t.Errorf("%s: survey %d sent before the one before it", c.Ref(), sv.ID)
		}
		if sv.Via != "telegram" || sv.Version != q.Version || sv.RequestedAt.After(sv.SentAt) || sv.SentAt.Before(r.Consent.At) ||
			!sv.NextAt.IsZero() || !sv.ExpiresAt.Equal(sv.SentAt.AddDate(0, 0, 7)) {
			t.Errorf("%s: survey %+v", c.Ref(), sv)
		}
		if !sv.RemindedAt.IsZero() {
			v.reminded++
			if sv.RemindedAt.Before(sv.SentAt.AddDate(0, 0, 3)) || !sv.RemindedAt.Before(sv.ExpiresAt) ||
				!sv.AnsweredAt.IsZero() && sv.AnsweredAt.Before(sv.RemindedAt) {
				t.Errorf("%s: survey %d sent %s, reminded %s, answered %s", c.Ref(), sv.ID, sv.SentAt, sv.RemindedAt, sv.AnsweredAt)
			}
		}
		// The throttle allowed it when it was sent.
		h := domain.NewHistory(contactAt(c, interactions, prefsAt(surveys[:i], answers), sv.SentAt), respondentAt(r, sv.SentAt),
			surveys[:i], nil, sv.SentAt)
		if dec := domain.Decide(pol, h, domain.Ask{Questionnaire: q.ID, PeriodDays: q.PeriodDays}, sv.SentAt); dec.Outcome != domain.Allow {
			t.Errorf("%s: survey %d (%s) sent at %s: the throttle says %s", c.Ref(), sv.ID, q.ID, sv.SentAt, dec)
		}
		var got []domain.StoredAnswer
		for _, a := range answers {
			if a.SurveyID == sv.ID {
				got = append(got, a)
			}
		}
		switch sv.Status {
		case domain.SurveyAnswered:
			if !sv.Started || sv.Position != len(q.Questions) || len(got) != len(q.Questions) || !sv.AnsweredAt.After(sv.SentAt) ||
				!sv.AnsweredAt.Before(sv.ExpiresAt) || sv.AnsweredAt.After(now) || !got[len(got)-1].At.Equal(sv.AnsweredAt) {
				t.Errorf("%s: answered survey %+v with %d answers", c.Ref(), sv, len(got))
			}
		case domain.SurveyExpired:
			if sv.Position != len(got) || sv.Started != (len(got) > 0) || !sv.AnsweredAt.IsZero() || sv.ExpiresAt.After(now) {
				t.Errorf("%s: expired survey %+v with %d answers", c.Ref(), sv, len(got))
			}
			if len(got) > 0 {
				v.partial++
			}
		case domain.SurveyCancelled, domain.SurveyFailed:
			if len(got) > 0 || i != len(surveys)-1 && sv.Reason != string(domain.NotNow) {
				t.Errorf("%s: %s survey %+v with %d answers, not the last", c.Ref(), sv.Status, sv, len(got))
			}
		default:
			t.Errorf("%s: survey %d is %s: sample data leaves nothing to send", c.Ref(), sv.ID, sv.Status)
		}
		for j, a := range got {
			qu := q.Questions[j]
			if a.Question != qu.ID || a.ContactID != c.ID || a.At.Before(sv.SentAt) || j > 0 && a.At.Before(got[j-1].At) {
				t.Errorf("%s: answer %d of survey %d: %+v", c.Ref(), j, sv.ID, a)
			}
			if back, err := qu.Parse(a.Value(), "en"); err != nil || back.Value() != a.Value() || a.Skipped && !qu.Optional {
				t.Errorf("%s: answer %+v to %s: %v", c.Ref(), a, qu.ID, err)
			}
			if a.Type == domain.TextQuestion && a.Text != "" {
				v.comments++
			}
			if a.Question == "csat" {
				satisfaction = a.Number
			}
		}
		if sv.Status == domain.SurveyAnswered && q.ID == domain.PreferencesID {
			prefs = &domain.Contact{}
			if prev := prefsAt(surveys[:i], answers); prev != nil {
				*prefs = *prev
			}
			for j, a := range got {
				if err := q.Questions[j].Apply(prefs, a.Answer, a.At); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if prefs == nil {
		prefs = &domain.Contact{}
	}
	if c.Frequency != prefs.Frequency || c.PreferredChannel != prefs.PreferredChannel || !slices.Equal(c.Interests, prefs.Interests) ||
		!slices.Equal(c.Categories, prefs.Categories) || c.Satisfaction != satisfaction {
		t.Errorf("%s: preferences %q %q %v %v satisfaction %d; the answers say %q %q %v %v, %d", c.Ref(), c.Frequency, c.PreferredChannel,
			c.Interests, c.Categories, c.Satisfaction, prefs.Frequency, prefs.PreferredChannel, prefs.Interests, prefs.Categories, satisfaction)
	}
}

func questionnaire(id string) domain.Questionnaire {
	for _, q := range domain.BuiltinQuestionnaires() {
		if q.ID == id {
			return q
		}
	}
	panic(id)
}

// prefsAt is the contact's preferences as the answered preferences surveys
// among sent set them, nil when none.
func prefsAt(sent []domain.Survey, answers []domain.StoredAnswer) *domain.Contact {
	var c *domain.Contact
	q := questionnaire(domain.PreferencesID)
	for _, sv := range sent {
		if sv.Questionnaire != domain.PreferencesID || sv.Status != domain.SurveyAnswered {
			continue
		}
		if c == nil {
			c = &domain.Contact{}
		}
		for _, a := range answers {
			if qu, ok := q.Question(a.Question); ok && a.SurveyID == sv.ID {
				if err := qu.Apply(c, a.Answer, a.At); err != nil {
					panic(err)
				}
			}
		}
	}
	return c
}

// contactAt is what the throttle knew of c at t.
func contactAt(c *domain.Contact, interactions []domain.Interaction, prefs *domain.Contact, t time.Time) *domain.Contact {
	at := &domain.Contact{ID: c.ID, TimeZone: c.TimeZone}
	if prefs != nil {
		at.Frequency = prefs.Frequency
	}
	for _, i := range interactions {
		if i.At.After(t) {
			break
		}
		at.LastContactAt = i.At
	}
	return at
}

// respondentAt is r as it stood at t, as far as its record tells.
func respondentAt(r *domain.Respondent, t time.Time) *domain.Respondent {
	at := *r
	before := func(x time.Time) time.Time {
		if x.Before(t) {
			return x
		}
		return time.Time{}
	}
	at.OptedOutAt, at.Consent.WithdrawnAt = before(r.OptedOutAt), before(r.Consent.WithdrawnAt)
	at.UnreachableAt, at.NotNowAt = before(r.UnreachableAt), before(r.NotNowAt)
	at.DetractorAt, at.HandledAt = before(r.DetractorAt), before(r.HandledAt)
	if at.DetractorAt.IsZero() {
		at.HandledAt = time.Time{}
	}
	return &at
}

// TestCustomerSideVariety: a larger run holds every state the customer's
// side can be in.
func TestCustomerSideVariety(t *testing.T) {
	db := storetest.Open(t, "sqlite", clock)
	st, err := demo.Generate(t.Context(), db, engine(t), demo.Options{Contacts: 3000, Seed: 11, Now: now, Owners: owners})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", st)
	v := checkCustomerSide(t, read(t, db))
	if v.refused == 0 || v.optedOut == 0 || v.unreachable == 0 || v.notNow == 0 || v.handled == 0 || v.paused == 0 || v.partial == 0 ||
		v.statuses[domain.SurveyCancelled] == 0 || v.statuses[domain.SurveyFailed] == 0 {
		t.Errorf("a state is missing: %+v", v)
	}
}
