package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// wantInvalid fails t unless err is a domain error with code Invalid.
func wantInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !domain.IsCode(err, domain.Invalid) {
		t.Errorf("%s: error %v (code %s), want an Invalid error", what, err, domain.ErrorCode(err))
	}
}

func TestParseAmount(t *testing.T) {
	ok := []struct {
		in    string
		cents int64
	}{
		{"1200", 120000},
		{"0", 0},
		{"1200.50", 120050},
		{"1200,50", 120050},
		{"1200.5", 120050},
		{"1200,05", 120005},
		{"1 200,50 €", 120050},
		{"1\u00a0200,50\u00a0€", 120050}, // no-break space, as French keyboards and spreadsheets type it
		{"1\u202f200,50\u202f€", 120050}, // narrow no-break space, as Excel and LibreOffice write it
		{"1,200.50", 120050},
		{"1.200,50 EUR", 120050},
		{"1'200.50", 120050},
		{"12 345 678,90", 1234567890},
		{"1,234", 123400}, // three digits after the mark: a thousands separator
		{"€1200", 120000},
		{"€ 1200", 120000},
		{"1200€", 120000},
		{"1200 eur", 120000},
		{"1200 Eur", 120000},
		{"12 euros", 1200},
		{"12 Euros", 1200},
		{"  99,9  ", 9990},
		{"0,5", 50},
	}
	for _, c := range ok {
		got, err := domain.ParseAmount(c.in)
		if err != nil || got != c.cents {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.in, got, err, c.cents)
		}
	}
	bad := []string{
		"", "   ", "€", "abc", "12abc", "12.3.4", "1.2.3", "1,2345", "1 20", "12 345 67",
		"1200 20.11.2026", // an amount and a date run together must not make a fortune
		"1,200.5.0", "0x10", "1e3", ",50", "12,50,", "99999999999999",
	}
	for _, in := range bad {
		got, err := domain.ParseAmount(in)
		wantInvalid(t, "ParseAmount("+in+")", err)
		if got != 0 {
			t.Errorf("ParseAmount(%q) = %d with an error, want 0", in, got)
		}
	}
	for _, in := range []string{"-5", "-1 200,50 €", "€-3", "- 12"} {
		_, err := domain.ParseAmount(in)
		wantInvalid(t, "ParseAmount("+in+")", err)
		if err != nil && !strings.Contains(err.Error(), "negative") {
			t.Errorf("ParseAmount(%q): %q does not say the amount is negative", in, err)
		}
	}
}

func TestFormatAmountReadsBack(t *testing.T) {
	for _, c := range []struct {
		cents int64
		text  string
	}{
		{0, "0 €"}, {5, "0,05 €"}, {120050, "1 200,50 €"}, {100000000, "1 000 000 €"}, {99900, "999 €"},
	} {
		if got := domain.FormatAmount(c.cents); got != c.text {
			t.Errorf("FormatAmount(%d) = %q, want %q", c.cents, got, c.text)
		}
		if back, err := domain.ParseAmount(c.text); err != nil || back != c.cents {
			t.Errorf("ParseAmount(FormatAmount(%d)) = %d, %v", c.cents, back, err)
		}
	}
}

func TestLooksLikeAmountPart(t *testing.T) {
	for w, want := range map[string]bool{
		"1": true, "200,50": true, "€": true, "EUR": true, "euros": true, "€12": true,
		"12€": true, "call": false, "": false, "€€": false, "20/11/2026": false,
	} {
		if got := domain.LooksLikeAmountPart(w); got != want {
			t.Errorf("LooksLikeAmountPart(%q) = %v, want %v", w, got, want)
		}
	}
}

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	loc := paris(t)
	// Ten past midnight in Paris is still the evening before in UTC: today
	// and yesterday follow the team's calendar, not UTC's.
	justAfterMidnight := time.Date(2026, 11, 21, 0, 10, 0, 0, loc)
	justBeforeMidnight := time.Date(2026, 11, 20, 23, 50, 0, 0, loc)
	newYear := time.Date(2027, 1, 1, 0, 5, 0, 0, loc)
	cases := []struct {
		in   string
		now  time.Time
		want time.Time
	}{
		{"2026-11-20", justAfterMidnight, day(2026, 11, 20)},
		{"20/11/2026", justAfterMidnight, day(2026, 11, 20)},
		{"1/2/2026", justAfterMidnight, day(2026, 2, 1)},
		{"20.11.2026", justAfterMidnight, day(2026, 11, 20)},
		{" 29/02/2028 ", justAfterMidnight, day(2028, 2, 29)},
		{"today", justAfterMidnight, day(2026, 11, 21)},
		{"TODAY", justAfterMidnight, day(2026, 11, 21)},
		{"aujourd'hui", justAfterMidnight, day(2026, 11, 21)},
		{"yesterday", justAfterMidnight, day(2026, 11, 20)},
		{"hier", justAfterMidnight, day(2026, 11, 20)},
		{"today", justBeforeMidnight, day(2026, 11, 20)},
		{"yesterday", justBeforeMidnight, day(2026, 11, 19)},
		{"yesterday", newYear, day(2026, 12, 31)},
		{"today", newYear, day(2027, 1, 1)},
	}
	for _, c := range cases {
		got, err := domain.ParseDate(c.in, c.now)
		if err != nil || !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("ParseDate(%q, %s) = %s, %v; want %s", c.in, c.now, got, err, c.want)
		}
	}
	for _, in := range []string{"", "31/02/2026", "2026-02-30", "29/02/2027", "32/01/2026", "13/13/2026",
		"2026-13-01", "20-11-2026", "next week", "1850-01-01", "20/11/26", "2026/11/20"} {
		got, err := domain.ParseDate(in, justAfterMidnight)
		wantInvalid(t, "ParseDate("+in+")", err)
		if !got.IsZero() {
			t.Errorf("ParseDate(%q) = %s with an error, want the zero time", in, got)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"jeanne@example.fr":           "jeanne@example.fr",
		"  Jeanne.Martin@Example.FR ": "jeanne.martin@example.fr",
		"a+tag@sub.example.com":       "a+tag@sub.example.com",
	} {
		if got, err := domain.NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "jeanne", "jeanne@", "@example.fr", "jeanne@example", "jeanne@@example.fr",
		"Jeanne <jeanne@example.fr>", "<jeanne@example.fr>", "jeanne martin@example.fr", "jeanne@exa mple.fr"} {
		_, err := domain.NormalizeEmail(in)
		wantInvalid(t, "NormalizeEmail("+in+")", err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"06 12 34 56 78":        "+33612345678",
		"0612345678":            "+33612345678",
		"06.12.34.56.78":        "+33612345678",
		"06-12-34-56-78":        "+33612345678",
		"+33 6 12 34 56 78":     "+33612345678",
		"+33 (0)6 12 34 56 78":  "+33612345678", // the French trunk 0 written in brackets
		"0033 6 12 34 56 78":    "+33612345678",
		"+1 (555) 123-4567":     "+15551234567",
		"+44\u00a020 7946 0958": "+442079460958",
		" 01 23 45 67 89 ":      "+33123456789",
		"(0)6 12 34 56 78":      "+33612345678",
		"0033 (0)6 12 34 56 78": "+33612345678",
	} {
		if got, err := domain.NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "12", "612345678", "06 12 34 56 7", "06 12 34 56 78 90", "+33 6 12 ab",
		"++33612345678", "33+612345678", "+1234567", "+1234567890123456", "jeanne@example.fr"} {
		_, err := domain.NormalizePhone(in)
		wantInvalid(t, "NormalizePhone("+in+")", err)
	}
}

func TestParseContactID(t *testing.T) {
	for _, c := range []struct {
		in string
		id int64
		ok bool
	}{
		{"C42", 42, true}, {"c42", 42, true}, {"42", 42, true}, {" C7 ", 7, true},
		{"C0", 0, false}, {"0", 0, false}, {"C", 0, false}, {"CC42", 0, false}, {"C-4", 0, false},
		{"C4a", 0, false}, {"Jeanne", 0, false}, {"1234567890123456789", 0, false}, {"", 0, false},
	} {
		id, ok := domain.ParseContactID(c.in)
		if ok != c.ok || (ok && id != c.id) {
			t.Errorf("ParseContactID(%q) = %d, %v; want %d, %v", c.in, id, ok, c.id, c.ok)
		}
	}
	if got := domain.ContactRef(42); got != "C42" {
		t.Errorf("ContactRef(42) = %q", got)
	}
}

func TestParseStage(t *testing.T) {
	for in, want := range map[string]domain.Stage{
		"lead": domain.Lead, "piste": domain.Lead, "LEAD": domain.Lead, " Piste ": domain.Lead,
		"prospect":  domain.Prospect,
		"qualified": domain.Qualified, "prospect-assure": domain.Qualified, "prospect-assuré": domain.Qualified,
		"assure": domain.Qualified, "assuré": domain.Qualified, "ASSURÉ": domain.Qualified,
		"qualifie": domain.Qualified, "qualifié": domain.Qualified, "Prospect-Assuré": domain.Qualified,
		"customer": domain.Customer, "client": domain.Customer, "Client": domain.Customer,
		"lost": domain.Lost, "perdu": domain.Lost,
	} {
		if got, err := domain.ParseStage(in); err != nil || got != want {
			t.Errorf("ParseStage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "won", "clients", "prospect assuré", "lead!"} {
		_, err := domain.ParseStage(in)
		wantInvalid(t, "ParseStage("+in+")", err)
	}
	// Every stage parses back from its own name.
	for _, st := range domain.Stages {
		if got, err := domain.ParseStage(string(st)); err != nil || got != st {
			t.Errorf("ParseStage(%q) = %q, %v", st, got, err)
		}
	}
}

func TestStageNext(t *testing.T) {
	for st, want := range map[domain.Stage]domain.Stage{
		domain.Lead: domain.Prospect, domain.Prospect: domain.Qualified, domain.Qualified: domain.Customer,
		domain.Customer: "", domain.Lost: "",
	} {
		if got := st.Next(); got != want {
			t.Errorf("%s.Next() = %q, want %q", st, got, want)
		}
	}
}

func TestParseInteractionKind(t *testing.T) {
	for in, want := range map[string]domain.InteractionKind{
		"call": domain.Call, "appel": domain.Call, "phone": domain.Call, "CALL": domain.Call,
		"meeting": domain.Meeting, "rdv": domain.Meeting, "réunion": domain.Meeting, "reunion": domain.Meeting,
		"email": domain.EmailSent, "mail": domain.EmailSent,
		"email-opened": domain.EmailOpened, "opened": domain.EmailOpened, "open": domain.EmailOpened,
		"click": domain.Click, "clic": domain.Click,
		"form": domain.Form, "formulaire": domain.Form,
		"download": domain.Download, "téléchargement": domain.Download, "telechargement": domain.Download,
		"request": domain.Request, "demande": domain.Request,
		"visit": domain.Visit, "visite": domain.Visit, " Visit ": domain.Visit,
	} {
		if got, err := domain.ParseInteractionKind(in); err != nil || got != want {
			t.Errorf("ParseInteractionKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, k := range domain.InteractionKinds {
		if got, err := domain.ParseInteractionKind(string(k)); err != nil || got != k {
			t.Errorf("ParseInteractionKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, in := range []string{"", "sms", "lunch", "email opened"} {
		_, err := domain.ParseInteractionKind(in)
		wantInvalid(t, "ParseInteractionKind("+in+")", err)
	}
	sales := map[domain.InteractionKind]bool{domain.Call: true, domain.Meeting: true, domain.EmailSent: true, domain.Visit: true}
	for _, k := range domain.InteractionKinds {
		if k.IsSales() != sales[k] {
			t.Errorf("%s.IsSales() = %v, want %v", k, k.IsSales(), sales[k])
		}
	}
}
