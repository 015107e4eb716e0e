package domain_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// The messages kept as formats and arguments (for the transport to write
// in French) read in English as they did when they were strings: each
// want below is what the code wrote before.
func TestMessagesReadInEnglishAsBefore(t *testing.T) {
	since := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)
	_, amount := domain.ParseAmount("12,3,4")
	var c domain.Contact
	_, segment := domain.CompileSegment("")
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"a cap's reason (Countf, one)", domain.Reason{Code: domain.YearlyCap, Count: 1, Since: since, Until: until}.Text().String(),
			"already 1 questionnaires, the most in 365 days, the oldest on 2026-01-05 09:00 UTC: until 2027-01-05 09:00 UTC"},
		{"a refused consent", domain.Reason{Code: domain.NoConsent, Refused: true, Since: since}.Text().String(),
			"consent refused on 2026-01-05 09:00 UTC: nothing is sent until the customer consents (/start in Telegram)"},
		{"a cool-down", domain.Reason{Code: domain.Cooldown, Days: 14, Since: since, Until: until}.Text().String(),
			"sales interaction on 2026-01-05 09:00 UTC: 14-day cool-down, until 2027-01-05 09:00 UTC"},
		{"a decision's summary", domain.Decision{Outcome: domain.Deny, Reasons: []domain.Reason{{Code: domain.OptedOut}, {Code: domain.PrefersNever}}}.String(),
			"deny: opted out: final until the customer opts back in; the customer asked never to receive questionnaires"},
		{"a parse error with its hint", amount.Error(),
			`"12,3,4" is not an amount: write it like 1200, 1200.50 or 1 200,50 €`},
		{"a field's error", c.Set("email", "jeanne", time.Time{}).Error(),
			`email: "jeanne" is not an email address: write it like jeanne@example.fr`},
		{"an unknown field, with a suggestion", c.Set("emial", "x", time.Time{}).Error(),
			`"emial" is not a contact field. Did you mean email? Fields: ` + fieldList + `. For a field of your own, write attr.emial=value.`},
		{"an unknown field, with the attribute hint", c.Set("my card", "x", time.Time{}).Error(),
			`"my card" is not a contact field. Fields: ` + fieldList + `. For a field of your own, write attr.name=value.`},
		{"the segment example", segment.Error(),
			`a segment needs a filter. Write it like a scoring rule's condition, as in: sector == "agro" && employees >= 50`},
		{"Countf, one", domain.Countf(1, "%d contact", "%d contacts", 1).String(), "1 contact"},
		{"Countf, other", domain.Countf(0, "%d contact", "%d contacts", 0).String(), "0 contacts"},
		{"Join", domain.Join([]domain.Msg{domain.M("line %d", 2), domain.M("%d %%", 100)}, "% ").String(), "line 2% 100 %"},
		{"Join of none", domain.Join(nil, "; ").String(), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, tc.got, tc.want)
		}
	}
}

const fieldList = "name, email, phone, company, role, sector, employees, capital, city, country, language, timezone, gender, birth_year, product, budget, project_date, source, channel, interests, categories, preferred_channel, frequency, stage, tags, owner"
