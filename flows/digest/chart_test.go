package digest_test

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
)

// The chart is a PNG of the funnel and the segments, even with empty
// stages and segments.
func TestChartIsAPNG(t *testing.T) {
	d := &digest.Digest{Week: "2026-W48", Pipeline: &crm.Pipeline{Counts: map[domain.Stage]int{domain.Lead: 12, domain.Customer: 3}}}
	for i, seg := range domain.RFMSegments {
		d.RFM.Segments = append(d.RFM.Segments, digest.SegmentChange{Segment: seg, Customers: i % 3})
	}
	b, err := d.Chart()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 800 || r.Dy() < 300 {
		t.Errorf("chart of %v, want a wide image", r)
	}
}

// Issue 11 item 13: the chart draws the pipeline as a funnel with its
// counts and the week's conversion, and the RFM segments with their sizes
// and weekly change (read here from the SVG drawing of the same chart).
func TestChartShowsTheFigures(t *testing.T) {
	d := &digest.Digest{Week: "2026-W48", Pipeline: &crm.Pipeline{
		Counts:      map[domain.Stage]int{domain.Lead: 120, domain.Prospect: 40, domain.Qualified: 12, domain.Customer: 30, domain.Lost: 9},
		Conversions: []crm.Conversion{{From: domain.Lead, To: domain.Prospect, Moved: 6, Base: 48, RatePct: 12.5}},
	}}
	d.RFM.Segments = []digest.SegmentChange{{Segment: domain.RFMChampions, Customers: 7, Change: new(2)}, {Segment: domain.RFMAtRisk, Customers: 3}}
	svg, err := digest.ChartSVG(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Pipeline", "lead", ">120<", "prospect", ">40<", "12.5 % (6 of 48)", "lost", ">9<",
		"RFM segments", string(domain.RFMChampions), ">7 (+2)<", ">3<"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("the chart does not show %q", want)
		}
	}
}
