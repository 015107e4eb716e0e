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
