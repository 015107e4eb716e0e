package storetest

import "time"

// Paris is the team's time zone in the tests.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// Now is the tests' fixed time: Wednesday 25 November 2026, 10:00 in
// Paris, in ISO week 2026-W48.
var Now = time.Date(2026, 11, 25, 10, 0, 0, 0, Paris)

// Clock is a clock that stands still at Now.
func Clock() time.Time { return Now }
