package dupes_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// records plants one of each kind of record on c.
func (f *fixture) records(c *domain.Contact, chat int64, consent domain.Consent, survey domain.SurveyStatus) {
	f.t.Helper()
	ctx := f.t.Context()
	ref := c.Ref()
	if _, _, err := f.crm.Log(ctx, "U1", ref, "form", "filled "+ref); err != nil {
		f.t.Fatal(err)
	}
	if _, _, err := f.crm.Sale(ctx, "U1", ref, 12000, now.AddDate(0, 0, -3), ""); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.SaveRespondent(ctx, &domain.Respondent{ContactID: c.ID, ChatID: chat, Consent: consent}); err != nil {
		f.t.Fatal(err)
	}
	s := &domain.Survey{ContactID: c.ID, Questionnaire: "satisfaction", Version: 1, Status: survey, RequestedAt: now, SentAt: now}
	if err := f.db.CreateSurvey(ctx, s); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.SaveAnswer(ctx, domain.StoredAnswer{SurveyID: s.ID, ContactID: c.ID, Questionnaire: "satisfaction",
		Answer: domain.Answer{Question: "csat", Type: domain.RatingQuestion, Number: 4}, At: now}); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.CreateInvite(ctx, "tok-"+ref, c.ID, "U1", now.AddDate(0, 0, 30)); err != nil {
		f.t.Fatal(err)
	}
	if err := f.db.InsertScoreSnapshots(ctx, []domain.ScoreSnapshot{{ContactID: c.ID, Week: "2026-W47", Score: 10, Grade: "D"},
		{ContactID: c.ID, Week: "2026-W" + ref[1:], Score: 5, Grade: "D"}}); err != nil {
		f.t.Fatal(err)
	}
}

// TestMergeMovesEverything merges a duplicate with every kind of record
// into the contact kept, on both databases: all of it is the kept one's,
// the fields it lacked are filled, a conflict is listed, the refusal of
// consent holds, the chat moved, the merge is recorded and the score is
// recomputed from the records of both.
func TestMergeMovesEverything(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		keep := f.add("Jeanne Martin", "company", "Fromagerie Martin", "city", "Lyon", "tags", "vip")
		other := f.add("Jeanne Martin", "company", "Fromagerie Martin", "city", "Paris", "phone", "0612345678", "tags", "bio", "attr.card", "gold")
		f.records(keep, 0, domain.Consent{Given: true, At: now.Add(-time.Hour)}, domain.SurveyAnswered)
		f.records(other, 4242, domain.Consent{Given: false, At: now.Add(-2 * time.Hour)}, domain.SurveyOpen)
		m, err := f.merger.Merge(f.t.Context(), "U9", other.Ref(), keep.Ref())
		if err != nil {
			t.Fatal(err)
		}
		for table, want := range map[string]int64{"interactions": 2, "orders": 2, "moves": 2, "surveys": 2, "answers": 2,
			"invite_tokens": 2, "score_snapshots": 3, "respondents": 1} {
			if n := f.count("SELECT COUNT(*) FROM "+table+" WHERE contact_id = ?", keep.ID); n != want {
				t.Errorf("%s of the kept contact: %d, want %d", table, n, want)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM contacts WHERE id = ?", other.ID); n != 0 {
			t.Errorf("the merged contact is still there")
		}
		if n := f.count("SELECT orders FROM customer_stats WHERE contact_id = ?", keep.ID); n != 2 {
			t.Errorf("order figures: %d orders, want 2", n)
		}
		if n := f.count("SELECT COUNT(*) FROM merges WHERE kept_id = ? AND merged_id = ? AND merged_by = 'U9'", keep.ID, other.ID); n != 1 {
			t.Errorf("the merge is not recorded")
		}
		c, err := f.db.Contact(f.t.Context(), keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.City != "Lyon" || c.Phone != "+33612345678" || len(c.Tags) != 2 || c.Attrs["card"] != "gold" {
			t.Errorf("merged fields: city %q phone %q tags %v attrs %v", c.City, c.Phone, c.Tags, c.Attrs)
		}
		if len(m.Conflicts) != 1 || m.Conflicts[0] != (domain.FieldConflict{Field: "city", Kept: "Lyon", Dropped: "Paris"}) {
			t.Errorf("conflicts: %+v", m.Conflicts)
		}
		r, err := f.db.Respondent(f.t.Context(), keep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.ChatID != 4242 || r.Consent.Given {
			t.Errorf("questionnaire state: chat %d consent %+v; want the other's chat and its refusal", r.ChatID, r.Consent)
		}
		alone := f.add("Jeanne Martin", "company", "Fromagerie Martin")
		if err := f.crm.Rescore(f.t.Context(), alone); err != nil {
			t.Fatal(err)
		}
		if c.Score <= alone.Score || c.Score != m.Kept.Score {
			t.Errorf("score %d (reply %d): not recomputed from both contacts' records", c.Score, m.Kept.Score)
		}
	})
}

// TestMergeRefused: two linked chats, two questionnaires under way, one
// contact named twice: refused, nothing changed.
func TestMergeRefused(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		a := f.add("Jeanne Martin", "company", "Fromagerie Martin")
		b := f.add("Jeanne Martin", "company", "Fromagerie Martin")
		c := f.add("Jeanne Martin", "company", "Fromagerie Martin")
		f.records(a, 1, domain.Consent{Given: true, At: now}, domain.SurveyOpen)
		f.records(b, 2, domain.Consent{Given: true, At: now}, domain.SurveyAnswered)
		f.records(c, 0, domain.Consent{}, domain.SurveyQueued)
		before := f.count("SELECT COUNT(*) FROM contacts") + f.count("SELECT COUNT(*) FROM interactions") + f.count("SELECT COUNT(*) FROM respondents")
		for _, c := range []struct {
			other, keep string
			code        domain.Code
			says        string
		}{
			{b.Ref(), a.Ref(), domain.Conflict, "each linked to a Telegram chat"},
			{c.Ref(), a.Ref(), domain.Conflict, "both have a questionnaire under way"},
			{a.Ref(), a.Ref(), domain.Invalid, "are the same contact"},
			{"C999", a.Ref(), domain.NotFound, ""},
		} {
			_, err := f.merger.Merge(f.t.Context(), "U9", c.other, c.keep)
			if domain.ErrorCode(err) != c.code || c.says != "" && !strings.Contains(err.Error(), c.says) {
				t.Errorf("merge %s into %s: %v, want %s saying %q", c.other, c.keep, err, c.code, c.says)
			}
		}
		after := f.count("SELECT COUNT(*) FROM contacts") + f.count("SELECT COUNT(*) FROM interactions") + f.count("SELECT COUNT(*) FROM respondents")
		if before != after || f.count("SELECT COUNT(*) FROM merges") != 0 {
			t.Errorf("a refused merge changed something: %d rows before, %d after", before, after)
		}
	})
}
