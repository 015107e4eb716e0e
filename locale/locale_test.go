package locale_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmbot/crmbot/locale"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]locale.Lang{"en": locale.English, "en-US": locale.English, "fr": locale.French,
		"fr-FR": locale.French, "fr_CA": locale.French, "Français": locale.French} {
		if got, ok := locale.Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := locale.Parse("de-DE"); ok {
		t.Error("Parse(de-DE) is ok; crmbot writes no German")
	}
}

// French's "one" covers 0 and 1 (CLDR), English's only 1.
func TestPlural(t *testing.T) {
	en, fr := locale.For(locale.English), locale.For(locale.French)
	for _, c := range []struct {
		n      int
		en, fr string
	}{{0, "0 questionnaires", "0 questionnaire"}, {1, "1 questionnaire", "1 questionnaire"}, {2, "2 questionnaires", "2 questionnaires"}} {
		if got := en.N(c.n, "%d questionnaire", "%d questionnaires", c.n); got != c.en {
			t.Errorf("en N(%d) = %q, want %q", c.n, got, c.en)
		}
		if got := fr.N(c.n, "%d questionnaire", "%d questionnaires", c.n); got != c.fr {
			t.Errorf("fr N(%d) = %q, want %q", c.n, got, c.fr)
		}
	}
}

func TestConventions(t *testing.T) {
	en, fr := locale.For(locale.English), locale.For(locale.French)
	day := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{en.Date(day), "2026-12-07"}, {fr.Date(day), "07/12/2026"},
		{en.Day(day), "Mon 7 Dec"}, {fr.Day(day), "lun. 7 déc."},
		{en.DateTime(day), "2026-12-07 09:30 UTC"}, {fr.DateTime(day), "lun. 7 déc. 2026, 09:30 UTC"},
		{en.Percent(12.5, 1), "12.5%"}, {fr.Percent(12.5, 1), "12,5\u00a0%"},
		{en.Number(1200), "1200"}, {fr.Number(1200), "1\u202f200"}, {fr.Number(-1234567), "-1\u202f234\u202f567"},
		{fr.Decimal(1200.5, 2), "1\u202f200,50"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// A message the catalog lacks is written in English and reported; one
// without words needs no translation.
func TestMissing(t *testing.T) {
	var missing []string
	fr := locale.For(locale.French).OnMissing(func(id string) { missing = append(missing, id) })
	if got := fr.T("no such message %d", 3); got != "no such message 3" {
		t.Errorf("got %q", got)
	}
	if got := fr.T("%s: %v", "a", 1); got != "a: 1" {
		t.Errorf("got %q", got)
	}
	if len(missing) != 1 || missing[0] != "no such message %d" {
		t.Errorf("missing = %q", missing)
	}
	if locale.From(context.Background()).Lang() != locale.English {
		t.Error("a context without a printer is not English")
	}
	if locale.From(locale.With(context.Background(), fr)).Lang() != locale.French {
		t.Error("the context's printer is lost")
	}
}

type counted struct{ n int }

func (c counted) MessageFormat() (string, []any)    { return "%d questionnaires", []any{c.n} }
func (c counted) MessageCount() (int, string, bool) { return c.n, "%d questionnaire", true }
func TestCounted(t *testing.T) {
	if got := locale.For(locale.French).Msg(counted{0}); got != "0 questionnaire" {
		t.Errorf("got %q", got)
	}
	if got := locale.For(locale.English).Msg(counted{0}); got != "0 questionnaires" {
		t.Errorf("got %q", got)
	}
}
