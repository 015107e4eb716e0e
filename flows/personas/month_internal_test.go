package personas

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without a zoneinfo database
)

// A month is the team's: the last evening of November in UTC is already
// December in Paris.
func TestMonthInTeamZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	if got := (&Service{Loc: paris}).month(at); got != "2026-12" {
		t.Errorf("Paris: %s", got)
	}
	if got := (&Service{}).month(at); got != "2026-11" {
		t.Errorf("no zone: %s", got)
	}
}
