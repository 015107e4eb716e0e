package domain

import "time"

// RotPolicy says after how many days without an interaction a contact at
// a stage is rotting: {prospect: 14, qualified: 21}. A stage it leaves out
// never rots.
type RotPolicy map[Stage]int

// Cutoff is the time before which the last interaction (or the entry into
// stage) makes a contact at stage rotting at now; ok is false for a stage
// that does not rot.
func (p RotPolicy) Cutoff(stage Stage, now time.Time) (time.Time, bool) {
	days, ok := p[stage]
	if !ok || days <= 0 {
		return time.Time{}, false
	}
	return now.AddDate(0, 0, -days), true
}

// Rot says whether a contact at stage, last active at last (its last
// interaction, its entry into the stage or its creation, the latest of
// them), is rotting at now, and for how many whole days it has been idle.
func (p RotPolicy) Rot(stage Stage, last, now time.Time) (idle int, rotting bool) {
	cutoff, ok := p.Cutoff(stage, now)
	if !ok {
		return 0, false
	}
	return int(now.Sub(last).Hours() / 24), last.Before(cutoff)
}

// Latest is the latest of times, the zero time for none.
func Latest(times ...time.Time) time.Time {
	var out time.Time
	for _, t := range times {
		if t.After(out) {
			out = t
		}
	}
	return out
}
