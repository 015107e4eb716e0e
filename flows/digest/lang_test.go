package digest_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store/storetest"
)

// The digest is written in the language of the context it is built with;
// its JSON is the same in every language; In gives a copy in another.
func TestDigestTakesTheReadersLanguage(t *testing.T) {
	db := storetest.Open(t, "sqlite", now)
	seed(t, db)
	svc := &digest.Service{Store: db, Options: digest.Options{Loc: paris}}
	en, err := svc.AsOf(t.Context(), now())
	if err != nil {
		t.Fatal(err)
	}
	fr, err := svc.AsOf(locale.With(t.Context(), locale.For(locale.French)), now())
	if err != nil {
		t.Fatal(err)
	}
	if en.Lang != locale.English || fr.Lang != locale.French {
		t.Fatalf("languages %q and %q, want en and fr", en.Lang, fr.Lang)
	}
	jsEN, _ := json.Marshal(en)
	jsFR, _ := json.Marshal(fr)
	if !bytes.Equal(jsEN, jsFR) {
		t.Errorf("the JSON depends on the language:\n%s\n%s", jsEN, jsFR)
	}
	if c := fr.In(locale.English); c.Lang != locale.English || fr.Lang != locale.French || c.Week != fr.Week {
		t.Errorf("In: %q (from %q), week %s", c.Lang, fr.Lang, c.Week)
	}
}

// The French chart names the stages and segments in French and writes its
// figures as French does (decimal comma, grouped thousands).
func TestChartInFrench(t *testing.T) {
	d := &digest.Digest{Week: "2026-W48", Lang: locale.French, Pipeline: &crm.Pipeline{
		Counts:      map[domain.Stage]int{domain.Lead: 1200, domain.Prospect: 40, domain.Qualified: 12, domain.Customer: 30, domain.Lost: 9},
		Conversions: []crm.Conversion{{From: domain.Lead, To: domain.Prospect, Moved: 6, Base: 48, RatePct: 12.5}},
	}}
	d.RFM.Segments = []digest.SegmentChange{{Segment: domain.RFMCantLoseThem, Customers: 7, Change: new(2)}, {Segment: domain.RFMAtRisk, Customers: 3}}
	svg, err := digest.ChartSVG(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Pipeline, 2026-W48", ">piste<", ">qualifié<", ">client<", ">perdu<", ">1\u202f200<",
		"12,5\u00a0% (6 sur 48)", "Segments RFM, 2026-W48", ">À ne pas perdre<", ">À risque<", ">7 (+2)<"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the French chart does not show %q", want)
		}
	}
	for _, english := range []string{"RFM segments", ">lead<", "Can't lose them", " of 48"} {
		if bytes.Contains(svg, []byte(english)) {
			t.Errorf("the French chart shows %q", english)
		}
	}
	d.RFM.Segments = nil
	if svg, _ := digest.ChartSVG(d); !bytes.Contains(svg, []byte("Pas encore de client")) {
		t.Error("the French chart without customers does not say so")
	}
}

// Every stage and RFM segment the chart names has its French: a stage or
// segment added to domain needs its name in the catalog.
func TestEveryStageAndSegmentHasFrench(t *testing.T) {
	for _, s := range domain.Stages {
		if !locale.Has(locale.French, string(s)) {
			t.Errorf("no French for the stage %q", s)
		}
	}
	for _, s := range domain.RFMSegments {
		if !locale.Has(locale.French, string(s)) {
			t.Errorf("no French for the segment %q", s)
		}
	}
}
