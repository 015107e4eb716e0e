package csvfile

import (
	"time"

	"github.com/crmbot/crmbot/domain"
)

// FormatTime writes a point in time in a cell: RFC 3339 in UTC, to the
// second, which every spreadsheet and ParseTime read back the same
// whatever the time zone of the one who opens the file. The zero time is
// an empty cell.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// ParseTime reads a point in time from a cell: RFC 3339 as FormatTime
// writes it, a date and time as spreadsheets write them (in now's time
// zone, the user's), or a day as domain.ParseDate reads it (midnight UTC).
// The result is in UTC.
func ParseTime(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04",
		"02/01/2006 15:04:05", "02/01/2006 15:04", "2/1/2006 15:04:05", "2/1/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, v, now.Location()); err == nil {
			return t.UTC(), nil
		}
	}
	return domain.ParseDate(v, now)
}
