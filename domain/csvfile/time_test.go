package csvfile_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain/csvfile"
)

func TestTimeCells(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, paris)
	for _, tc := range []struct{ cell, want string }{
		{"2026-11-20T09:30:00Z", "2026-11-20T09:30:00Z"},
		{"2026-11-20T09:30:00+02:00", "2026-11-20T07:30:00Z"},
		{"2026-11-20 09:30:15", "2026-11-20T08:30:15Z"},
		{"2026-11-20 09:30", "2026-11-20T08:30:00Z"},
		{"2026-11-20T09:30", "2026-11-20T08:30:00Z"},
		{"20/11/2026 09:30", "2026-11-20T08:30:00Z"},
		{"2/1/2026 9:05", "2026-01-02T08:05:00Z"},
		{"2026-11-20", "2026-11-20T00:00:00Z"},
		{"today", "2026-11-25T00:00:00Z"},
	} {
		got, err := csvfile.ParseTime(tc.cell, now)
		if err != nil || csvfile.FormatTime(got) != tc.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", tc.cell, got, err, tc.want)
		}
	}
	if _, err := csvfile.ParseTime("soon", now); err == nil {
		t.Error("soon is read as a time")
	}
	if got := csvfile.FormatTime(time.Date(2026, 3, 1, 9, 30, 15, 999, paris)); got != "2026-03-01T08:30:15Z" {
		t.Errorf("FormatTime = %q", got)
	}
	if got := csvfile.FormatTime(time.Time{}); got != "" {
		t.Errorf("FormatTime(zero) = %q", got)
	}
}
