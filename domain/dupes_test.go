package domain_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

func TestDupeKeys(t *testing.T) {
	for in, want := range map[string]string{"Jeanne+CRM@Martin.fr": "jeanne@martin.fr", "jeanne@martin.fr": "jeanne@martin.fr",
		"+x@a.fr": "+x@a.fr", "a+b+c@d.fr": "a@d.fr", "no-at": "no-at"} {
		if got := domain.EmailKey(in); got != want {
			t.Errorf("EmailKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Hélène  DUPRÉ": "helene dupre", "Jean-Paul O'Neil": "jean paul o neil", "  ": ""} {
		if got := domain.NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct {
		a, b  string
		close bool
	}{
		{"jeanne martin", "jeane martin", true}, {"jeanne martin", "jeanne martine", true}, {"jeanne martin", "jeanne marlin", true},
		{"jeanne martin", "joanne marlin", true}, {"jeanne martin", "jeanne martin", false}, {"paul", "paula", true},
		{"paul", "saul", true}, {"ann", "bob", false}, {"jo", "ja", false}, {"paul martin", "pierre martin", false},
		{"jeanne martin", "joanna marlin", false},
	} {
		if _, got := domain.NamesClose(c.a, c.b); got != c.close {
			t.Errorf("NamesClose(%q, %q) = %v, want %v", c.a, c.b, got, c.close)
		}
	}
}

func TestDupeConfidence(t *testing.T) {
	d := domain.NewDupe(9, 3)
	if d.Keep != 3 || d.Other != 9 {
		t.Errorf("NewDupe(9, 3) keeps %d", d.Keep)
	}
	d.Add(domain.SameNameCompany, 0)
	d.Add(domain.SameNameCompany, 0) // once only
	if d.Confidence != 0.9 || len(d.Reasons) != 1 {
		t.Errorf("one reason: %+v", d)
	}
	d.Add(domain.SameEmail, 0)
	if d.Confidence < 0.994 || d.Confidence > 0.996 {
		t.Errorf("two reasons: %v, want 0.995", d.Confidence)
	}
	one, two := domain.NewDupe(1, 2), domain.NewDupe(1, 3)
	one.Add(domain.CloseNames, 1)
	two.Add(domain.CloseNames, 2)
	if one.Confidence <= two.Confidence || domain.CompareDupes(one, two) >= 0 {
		t.Errorf("one typo (%v) is not surer than two (%v)", one.Confidence, two.Confidence)
	}
}

func TestMergeContacts(t *testing.T) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	keep := &domain.Contact{ID: 1, Name: "Jeanne Martin", City: "Lyon", Tags: []string{"vip"}, Attrs: map[string]string{"a": "1"},
		CreatedAt: day, LastContactAt: day}
	other := &domain.Contact{ID: 2, Name: "J. Martin", City: "Paris", Email: "j@m.fr", Employees: 12, Tags: []string{"VIP", "bio"},
		Attrs: map[string]string{"a": "2", "b": "3"}, CreatedAt: day.AddDate(0, -1, 0), LastContactAt: day.AddDate(0, 0, 5)}
	m, conflicts := domain.MergeContacts(keep, other)
	if m.Name != "Jeanne Martin" || m.City != "Lyon" || m.Email != "j@m.fr" || m.Employees != 12 {
		t.Errorf("fields: %+v", m)
	}
	if len(m.Tags) != 2 || m.Attrs["a"] != "1" || m.Attrs["b"] != "3" || !m.CreatedAt.Equal(other.CreatedAt) || !m.LastContactAt.Equal(other.LastContactAt) {
		t.Errorf("tags %v attrs %v created %v last %v", m.Tags, m.Attrs, m.CreatedAt, m.LastContactAt)
	}
	want := []domain.FieldConflict{{Field: "city", Kept: "Lyon", Dropped: "Paris"}, {Field: "attr.a", Kept: "1", Dropped: "2"}}
	if len(conflicts) != 2 || conflicts[0] != want[0] || conflicts[1] != want[1] {
		t.Errorf("conflicts %+v, want %+v", conflicts, want)
	}
	if keep.Email != "" || keep.Attrs["b"] != "" {
		t.Error("MergeContacts changed the kept contact it was given")
	}
}

func TestMergeRespondents(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	given := domain.Consent{Given: true, At: at}
	refused := domain.Consent{At: at}
	withdrawn := domain.Consent{Given: true, At: at, WithdrawnAt: at.Add(time.Hour)}
	never := domain.Consent{}
	for _, c := range []struct {
		name        string
		keep, other domain.Consent
		want        domain.Consent
	}{
		{"both gave", given, given, given},
		{"other refused", given, refused, refused},
		{"other withdrew", given, withdrawn, withdrawn},
		{"kept refused", refused, given, refused},
		{"kept never asked", never, given, given},
		{"other never asked", given, never, given},
		{"neither asked", never, never, never},
	} {
		m := domain.MergeRespondents(&domain.Respondent{ContactID: 1, Consent: c.keep}, &domain.Respondent{ContactID: 2, ChatID: 7, Consent: c.other})
		if m.Consent != c.want || m.ChatID != 7 || m.ContactID != 1 {
			t.Errorf("%s: consent %+v chat %d, want %+v and the other's chat", c.name, m.Consent, m.ChatID, c.want)
		}
	}
	m := domain.MergeRespondents(&domain.Respondent{ChatID: 5}, &domain.Respondent{ChatID: 7, OptedOutAt: at, DetractorAt: at})
	if m.ChatID != 5 || !m.OptedOut() || !m.Paused() {
		t.Errorf("opt-out and pause of the other do not hold: %+v", m)
	}
}
