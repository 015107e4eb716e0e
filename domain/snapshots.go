package domain

import (
	"fmt"
	"time"
)

// ISOWeek names the ISO 8601 week of t, read in t's own location, as
// "2026-W48": the key of weekly snapshots and digest posts. The names sort
// in time order.
func ISOWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ScoreSnapshot is a contact's score and grade as recorded in one ISO week.
type ScoreSnapshot struct {
	ContactID int64  `json:"contact_id"`
	Week      string `json:"week"`
	Score     int    `json:"score"`
	Grade     string `json:"grade"`
}

// SegmentMember is a customer's RFM segment, as recorded in a weekly
// snapshot.
type SegmentMember struct {
	ContactID int64      `json:"contact_id"`
	Segment   RFMSegment `json:"segment"`
}
