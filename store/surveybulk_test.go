package store_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestBulkSurveys: respondents, surveys and answers written in bulk read
// back as written, through the same functions as the ones the customer's
// side writes one by one; surveys get ids after those already there, and
// a survey created afterwards gets the next one.
func TestBulkSurveys(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Alice Martin", TimeZone: "Europe/Paris", Frequency: "quarterly"})
		b := create(t, db, &domain.Contact{Name: "Bruno Petit"})
		c := create(t, db, &domain.Contact{Name: "Chloé Roux"})

		first := &domain.Survey{ContactID: c.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyQueued,
			RequestedBy: "alice", RequestedAt: day(2026, 11, 1), NextAt: day(2026, 11, 2)}
		if err := db.CreateSurvey(ctx, first); err != nil {
			t.Fatal(err)
		}

		rs := []domain.Respondent{
			{ContactID: a.ID, ChatID: 9_000_000_000 + a.ID, Language: "fr",
				Consent: domain.Consent{Given: true, At: day(2025, 1, 10)}, ConsentText: "v1",
				DetractorAt: day(2026, 3, 4), HandledAt: day(2026, 3, 5), HandledBy: "alice", HandledNote: "rappelée"},
			{ContactID: b.ID, ChatID: 9_000_000_000 + b.ID, Language: "en",
				Consent: domain.Consent{Given: true, At: day(2025, 2, 1)}, ConsentText: "v1",
				OptedOutAt: day(2026, 6, 1), UnreachableAt: day(2026, 7, 1), NotNowAt: day(2026, 8, 1)},
		}
		if err := db.InsertRespondents(ctx, rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got, err := db.Respondent(ctx, r.ContactID)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "respondent", got, r)
		}
		if got, err := db.RespondentByChat(ctx, 9_000_000_000+b.ID); err != nil || got == nil || got.ContactID != b.ID {
			t.Fatalf("respondent by chat: %+v, %v", got, err)
		}

		sent := day(2026, 5, 12).Add(10 * time.Hour)
		ss := []domain.Survey{
			{ContactID: a.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyAnswered,
				RequestedBy: "alice", RequestedAt: sent, SentAt: sent, RemindedAt: sent.AddDate(0, 0, 3),
				AnsweredAt: sent.AddDate(0, 0, 4), ExpiresAt: sent.AddDate(0, 0, 7), Started: true, Position: 3,
				Via: "telegram", MessageID: 77},
			{ContactID: a.ID, Questionnaire: "preferences", Version: 1, Status: domain.SurveyExpired,
				RequestedBy: "bruno", RequestedAt: sent.AddDate(0, 2, 0), SentAt: sent.AddDate(0, 2, 0),
				ExpiresAt: sent.AddDate(0, 2, 7), Toggled: []string{"news", "tips"}, Via: "telegram", Attempts: 1},
			{ContactID: b.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyOpen, Reason: "unconfirmed",
				RequestedBy: "chloe", RequestedAt: testNow.Add(-time.Hour), NextAt: testNow.AddDate(0, 0, 3),
				SentAt: testNow.Add(-time.Hour), ExpiresAt: testNow.AddDate(0, 0, 7), Via: "telegram"},
		}
		if err := db.InsertSentSurveys(ctx, ss); err != nil {
			t.Fatal(err)
		}
		for i, s := range ss {
			if s.ID != first.ID+1+int64(i) {
				t.Fatalf("survey %d got id %d, want %d", i, s.ID, first.ID+1+int64(i))
			}
			got, err := db.Survey(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameJSON(t, "survey", got, s)
		}
		next := &domain.Survey{ContactID: c.ID, Questionnaire: "preferences", Version: 1, Status: domain.SurveyQueued,
			RequestedAt: testNow}
		if err := db.CreateSurvey(ctx, next); err != nil {
			t.Fatal(err)
		}
		if next.ID != ss[2].ID+1 {
			t.Errorf("a survey created after the bulk got id %d, want %d", next.ID, ss[2].ID+1)
		}

		at := ss[0].AnsweredAt
		as := []domain.StoredAnswer{
			{SurveyID: ss[0].ID, ContactID: a.ID, Questionnaire: "satisfaction", At: at.Add(-2 * time.Minute),
				Answer: domain.Answer{Question: "csat", Type: domain.RatingQuestion, Number: 2}},
			{SurveyID: ss[0].ID, ContactID: a.ID, Questionnaire: "satisfaction", At: at.Add(-time.Minute),
				Answer: domain.Answer{Question: "nps", Type: domain.NPSQuestion, Number: 9}},
			{SurveyID: ss[0].ID, ContactID: a.ID, Questionnaire: "satisfaction", At: at,
				Answer: domain.Answer{Question: "comment", Type: domain.TextQuestion, Text: "Livraison en retard, mais service aimable."}},
			{SurveyID: ss[1].ID, ContactID: a.ID, Questionnaire: "preferences", At: ss[1].SentAt.Add(time.Hour),
				Answer: domain.Answer{Question: "interests", Type: domain.MultiQuestion, Options: []string{"news", "tips"}}},
			{SurveyID: ss[1].ID, ContactID: a.ID, Questionnaire: "preferences", At: ss[1].SentAt.Add(2 * time.Hour),
				Answer: domain.Answer{Question: "categories", Type: domain.MultiQuestion, Skipped: true}},
			{SurveyID: ss[1].ID, Questionnaire: "preferences", At: ss[1].SentAt.Add(3 * time.Hour),
				Answer: domain.Answer{Question: "channel", Type: domain.ChoiceQuestion, Options: []string{"telegram"}}},
		}
		if err := db.InsertAnswers(ctx, as); err != nil {
			t.Fatal(err)
		}
		got, err := db.Answers(ctx, 0, ss[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "answers of the satisfaction survey", got, as[:3])
		got, err = db.Answers(ctx, 0, ss[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "answers of the preferences survey", got, as[3:])
		counts, err := db.AnswerCounts(ctx, "satisfaction")
		if err != nil || len(counts) != 2 {
			t.Fatalf("answer counts %+v, %v; want csat and nps", counts, err)
		}
		comments, err := db.RecentComments(ctx, "satisfaction", 5)
		if err != nil || len(comments) != 1 || comments[0].Text != as[2].Text {
			t.Fatalf("comments %+v, %v", comments, err)
		}

		// The throttle sees what was written.
		hs, err := db.Histories(ctx, []int64{a.ID, b.ID, c.ID}, testNow, 0)
		if err != nil {
			t.Fatal(err)
		}
		ha := hs[a.ID]
		if len(ha.Sends) != 2 || !ha.Sends[0].SentAt.Equal(sent) || !ha.Sends[0].ReminderSent || ha.Sends[1].Questionnaire != "preferences" ||
			!ha.Consent.Given || !ha.Detractor.Handled || ha.Frequency != "quarterly" || ha.Open.Questionnaire != "" {
			t.Errorf("history of A: %+v", ha)
		}
		hb := hs[b.ID]
		if len(hb.Sends) != 1 || hb.Open.Questionnaire != "satisfaction" || !hb.OptedOut || !hb.Unreachable {
			t.Errorf("history of B: %+v", hb)
		}
		if hc := hs[c.ID]; len(hc.Sends) != 0 || hc.Consent.Given {
			t.Errorf("history of C: %+v", hc)
		}
	})
}

// TestBulkSurveysConflicts: a second record for a contact or a chat, a
// second answer to a question, an answer to a survey that does not exist
// fail the whole call, and nothing of it is written.
func TestBulkSurveysConflicts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		a := create(t, db, &domain.Contact{Name: "Alice Martin"})
		b := create(t, db, &domain.Contact{Name: "Bruno Petit"})
		r := domain.Respondent{ContactID: a.ID, ChatID: 42, Consent: domain.Consent{Given: true, At: day(2026, 1, 1)}}
		if err := db.InsertRespondents(ctx, []domain.Respondent{r}); err != nil {
			t.Fatal(err)
		}
		err := db.InsertRespondents(ctx, []domain.Respondent{{ContactID: b.ID, ChatID: 43}, {ContactID: a.ID}})
		wantCode(t, "a second record for a contact", err, domain.Conflict)
		err = db.InsertRespondents(ctx, []domain.Respondent{{ContactID: b.ID, ChatID: 42}})
		wantCode(t, "a chat linked twice", err, domain.Conflict)
		if got, err := db.Respondent(ctx, b.ID); err != nil || got != nil {
			t.Fatalf("B's record %+v (%v): want none", got, err)
		}

		ss := []domain.Survey{{ContactID: a.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyAnswered,
			RequestedAt: day(2026, 2, 1), SentAt: day(2026, 2, 1), AnsweredAt: day(2026, 2, 2)}}
		if err := db.InsertSentSurveys(ctx, ss); err != nil {
			t.Fatal(err)
		}
		ans := domain.StoredAnswer{SurveyID: ss[0].ID, ContactID: a.ID, Questionnaire: "satisfaction", At: day(2026, 2, 2),
			Answer: domain.Answer{Question: "csat", Type: domain.RatingQuestion, Number: 5}}
		if err := db.InsertAnswers(ctx, []domain.StoredAnswer{ans}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "a question answered twice", db.InsertAnswers(ctx, []domain.StoredAnswer{ans}), domain.Conflict)
		orphan := ans
		orphan.SurveyID = ss[0].ID + 100
		if err := db.InsertAnswers(ctx, []domain.StoredAnswer{orphan}); err == nil {
			t.Error("an answer to a survey that does not exist was written")
		}
		if n := storetest.Count(t, db, "SELECT COUNT(*) FROM answers WHERE question = ?", "csat"); n != 1 {
			t.Fatalf("%d answers, want 1", n)
		}
		// Ids given are kept; new ones skip them.
		more := []domain.Survey{
			{ContactID: b.ID, Questionnaire: "preferences", Version: 1, Status: domain.SurveyExpired, RequestedAt: day(2026, 3, 1), SentAt: day(2026, 3, 1)},
			{ID: ss[0].ID + 1, ContactID: b.ID, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyExpired, RequestedAt: day(2026, 4, 1), SentAt: day(2026, 4, 1)},
		}
		if err := db.InsertSentSurveys(ctx, more); err != nil {
			t.Fatal(err)
		}
		if more[1].ID != ss[0].ID+1 || more[0].ID != ss[0].ID+2 {
			t.Errorf("ids %d and %d, want %d and %d", more[0].ID, more[1].ID, ss[0].ID+2, ss[0].ID+1)
		}
	})
}

// TestBulkSurveysEmpty: nothing to write is no error.
func TestBulkSurveysEmpty(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := db.InsertRespondents(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertSentSurveys(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertAnswers(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}
