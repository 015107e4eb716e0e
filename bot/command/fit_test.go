package command_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
)

// TestDecayAndAxes, through the command parser: with a half-life of 30
// days, a form filled 60 days ago counts a quarter of its points in score
// (rounded once at the total); find filters on fit and engagement, top
// sorts by engagement, in English and French; the card shows both and the
// digest counts the fit × engagement matrix.
func TestDecayAndAxes(t *testing.T) {
	e := newEnv(t)
	rules := append(slices.Clone(domain.DefaultRules), domain.Rule{Name: "form filled", When: "forms > 0", Points: 10})
	eng, err := domain.NewEngine(rules, domain.DefaultGrades, domain.WithDecay(30))
	if err != nil {
		t.Fatal(err)
	}
	e.crm.Scoring = eng
	const fit = "role=CEO employees=80 sector=btp budget=15000" // 15 + 10 + 10 + 15: fit A
	e.clock.Set(start.AddDate(0, 0, -60))
	e.ok(t, `add "Ada Martin" `+fit)
	e.ok(t, "log C1 form")
	e.clock.Set(start)
	e.ok(t, `add "Bob Durand" `+fit)
	for _, kind := range []string{"form", "download", "request", "email-opened", "email-opened", "email-opened", "click", "click"} {
		e.ok(t, "log C2 "+kind)
	}
	r := e.ok(t, "score C1")
	for _, want := range []string{"form filled (60 days ago, ×0.25) → +2.5", "Total 52.5, rounded to 53.", "fit         A (50 points)", "engagement  5 of 100"} { // 2.5 of the 55 engagement points
		if !strings.Contains(r.Text(), want) {
			t.Errorf("score C1 lacks %q:\n%s", want, r.Text())
		}
	}
	if r.Title != "Score of C1 Ada Martin: 53 (B)" {
		t.Errorf("score C1 title %q", r.Title)
	}
	// The stored scores follow once everyone is rescored (crmbot run does
	// it daily with decay on).
	if _, err := crm.Rescore(t.Context(), e.db, eng, start); err != nil {
		t.Fatal(err)
	}
	if r := e.ok(t, "find fit=A engagement>=50"); !strings.Contains(r.Text(), "Bob Durand") || strings.Contains(r.Text(), "Ada") {
		t.Errorf("find fit=A engagement>=50:\n%s", r.Text())
	}
	if r := e.ok(t, "find fit=a"); !strings.Contains(r.Text(), "Bob Durand") || !strings.Contains(r.Text(), "Ada Martin") {
		t.Errorf("find fit=a:\n%s", r.Text())
	}
	e.fail(t, "find fit>=B", domain.Invalid)
	r = e.ok(t, "top sort=-engagement")
	if r.Title != "Top 2 by engagement" || strings.Index(r.Text(), "Bob") > strings.Index(r.Text(), "Ada") {
		t.Errorf("top sort=-engagement:\n%s", r.Text())
	}
	if r := e.ok(t, "top"); r.Title != "Top 2 scores" || strings.Index(r.Text(), "Bob") > strings.Index(r.Text(), "Ada") {
		t.Errorf("top:\n%s", r.Text())
	}
	fr := locale.With(ctx(t), locale.For(locale.French))
	if r := e.exec.Run(fr, e.actor, "meilleurs tri=-engagement"); !r.OK || r.Title != "Top 2 par engagement" {
		t.Errorf("meilleurs tri=-engagement:\n%s", r.Text())
	}
	if r := e.exec.Run(fr, e.actor, "chercher profil=A engagement>=50"); !r.OK || !strings.Contains(r.Text(), "Bob Durand") || strings.Contains(r.Text(), "Ada") {
		t.Errorf("chercher profil=A engagement>=50:\n%s", r.Text())
	}
	if r := e.exec.Run(fr, e.actor, "score C1"); !strings.Contains(r.Text(), "form filled (il y a 60 jours, ×0,25) → +2,5") || !strings.Contains(r.Text(), "Total 52,5, arrondi à 53.") {
		t.Errorf("score C1 in French:\n%s", r.Text())
	}
	if r := e.ok(t, "show C2"); !strings.Contains(r.Text(), "fit         A (50 points)") || !strings.Contains(r.Text(), "engagement  100 of 100") ||
		strings.Contains(r.Text(), "days ago") {
		t.Errorf("show C2:\n%s", r.Text())
	}
	e.exec.Digests = &digest.Service{Store: e.db, Options: digest.Options{Loc: paris}}
	r = e.ok(t, "digest")
	if d := r.Data.(*digest.Digest); d.FitEngagement != (domain.FitMatrix{{1, 0, 0, 1}}) {
		t.Errorf("digest matrix %v, want Ada (A, 0–24) and Bob (A, 75–100)", d.FitEngagement)
	}
	if !strings.Contains(r.Text(), "Fit × engagement") {
		t.Errorf("the digest lacks its matrix:\n%s", r.Text())
	}
}
