package domain

import (
	"maps"
	"slices"
	"time"
)

// This file holds the rules of what crmbot tells an owner to do next: when
// a lead is hot enough for an alert, and what made it so.

// HotPolicy says when a contact's owner is alerted that the lead is hot:
// when it enters Grade (or a better one), or gains Jump points or more
// within Window. A contact is alerted at most once per Every.
type HotPolicy struct {
	Grade  string // "" never alerts on a grade
	Jump   int    // 0 never alerts on a gain
	Window time.Duration
	Every  time.Duration
}

// Week is the window of a gain and the spacing of alerts.
const Week = 7 * 24 * time.Hour

// DefaultHotPolicy is the documented default (docs/configuration.md,
// alerts): grade A, or 20 points in 7 days; one alert a week at most.
var DefaultHotPolicy = HotPolicy{Grade: "A", Jump: 20, Window: Week, Every: Week}

// Validate checks the grade is a letter A–D and the jump not negative.
func (p HotPolicy) Validate() error {
	if p.Grade != "" && !slices.Contains([]string{"A", "B", "C", "D"}, p.Grade) {
		return Errorf(Invalid, "alerts.hot.grade must be A, B, C or D (got %q)", p.Grade)
	}
	if p.Jump < 0 {
		return Errorf(Invalid, "alerts.hot.jump must be a number of points, 0 or more (got %d)", p.Jump)
	}
	return nil
}

// Enabled reports whether the policy can alert at all.
func (p HotPolicy) Enabled() bool { return p.Grade != "" || p.Jump > 0 }

// atLeast reports whether grade is g or better (A is best; "" is none).
func atLeast(grade, g string) bool { return grade != "" && g != "" && grade <= g }

// HotReason says why a lead is hot.
type HotReason string

const (
	// EnteredGrade is a lead that reached the policy's grade.
	EnteredGrade HotReason = "grade"
	// Jumped is a lead that gained the policy's jump within its window.
	Jumped HotReason = "jump"
)

// ScoreChange is one change of a contact's stored score.
type ScoreChange struct {
	ID        int64
	ContactID int64
	At        time.Time
	OldScore  int
	NewScore  int
	OldGrade  string
	NewGrade  string
}

// HotCase is what the decision knows of one contact whose score changed.
type HotCase struct {
	// Changes are the contact's changes not examined yet, oldest first.
	Changes []ScoreChange
	// Score and Grade are the contact's now.
	Score int
	Grade string
	// Start is its score at the start of the window: the old score of its
	// first change within it.
	Start int
	// LastAlert is when it was last alerted (zero: never).
	LastAlert time.Time
	// Snoozed is set while its owner snoozed or muted it.
	Snoozed bool
	// Owner is whom the alert goes to.
	Owner string
}

// Decide says whether the case's contact is to be alerted at now, and why.
// Entering the grade comes first: it is the stronger news. A contact's
// creation is not news: what it is worth when added is its baseline.
func (p HotPolicy) Decide(c HotCase, now time.Time) (HotReason, bool) {
	if c.Snoozed || (!c.LastAlert.IsZero() && now.Sub(c.LastAlert) < p.Every) {
		return "", false
	}
	for _, ch := range c.Changes {
		created := ch.OldGrade == "" // a new contact's first score is no news
		if !created && atLeast(ch.NewGrade, p.Grade) && !atLeast(ch.OldGrade, p.Grade) && atLeast(c.Grade, p.Grade) {
			return EnteredGrade, true
		}
	}
	if p.Jump > 0 && c.Score-c.Start >= p.Jump {
		return Jumped, true
	}
	return "", false
}

// Before returns the facts as they stood at t, less the interactions and
// orders of recent (the contact's latest ones, newest first) made at t or
// later: what its score was built on before its latest activity. Windows
// of 30 and 90 days lose the same ones, t being within them.
func (f *Facts) Before(t time.Time, recent []Interaction, orders []Order) *Facts {
	out := &Facts{Counts: maps.Clone(f.Counts), Orders: f.Orders, Revenue: f.Revenue}
	if out.Counts == nil {
		out.Counts = map[InteractionKind]WindowCounts{}
	}
	for _, it := range recent {
		if it.At.Before(t) {
			out.LastInteraction = Latest(out.LastInteraction, it.At)
			continue
		}
		w := out.Counts[it.Kind]
		w.Total, w.Last30, w.Last90 = max(w.Total-1, 0), max(w.Last30-1, 0), max(w.Last90-1, 0)
		out.Counts[it.Kind] = w
	}
	if f.LastInteraction.Before(t) {
		out.LastInteraction = f.LastInteraction
	}
	for _, o := range orders {
		if o.Date.Before(t) {
			out.LastOrder = Latest(out.LastOrder, o.Date)
			continue
		}
		out.Orders, out.Revenue = max(out.Orders-1, 0), out.Revenue-o.Amount
	}
	if f.LastOrder.Before(t) {
		out.LastOrder = f.LastOrder
	}
	return out
}

// RulesGained returns the rules of after that before lacked, or that give
// more points in after: what made a score rise.
func RulesGained(before, after ScoreResult) []Fired {
	had := make(map[string]int, len(before.Fired))
	for _, f := range before.Fired {
		had[f.Rule] = f.Points
	}
	var out []Fired
	for _, f := range after.Fired {
		if p, ok := had[f.Rule]; !ok || f.Points > p {
			out = append(out, f)
		}
	}
	return out
}

// HotAlert is an alert sent to a contact's owner that the lead is hot.
type HotAlert struct {
	ID        int64     `json:"id"`
	ContactID int64     `json:"contact_id"`
	Owner     string    `json:"owner"`
	At        time.Time `json:"at"`
	Reason    HotReason `json:"reason"`
	Score     int       `json:"score"`
	Gained    int       `json:"gained"` // points gained within the window
}

// NudgeKind names a list of an owner's check-in.
type NudgeKind string

const (
	// HotLeads are the owner's contacts at the alert grade or alerted
	// within the week.
	HotLeads NudgeKind = "hot"
	// RottingDeals are the owner's contacts rotting at their stage.
	RottingDeals NudgeKind = "rotting"
	// QuietProspects are the owner's prospects with no contact for
	// QuietDays, not rotting already.
	QuietProspects NudgeKind = "quiet"
)

// NudgeKinds are the lists of a check-in, in the order it shows them.
var NudgeKinds = []NudgeKind{HotLeads, RottingDeals, QuietProspects}

// QuietDays is how long a prospect goes without contact to be quiet.
const QuietDays = 30

// NudgeParams is what an owner's lists are drawn by, at Now. HotScore is
// the lowest score of the hot grade.
type NudgeParams struct {
	Now      time.Time
	Hot      HotPolicy
	HotScore int
	Rot      RotPolicy
	Owner    string
}

// Acted is how many contacts of an owner's check-in they acted on (logged
// an interaction, moved, or snoozed after it was sent) of how many it
// listed.
type Acted struct {
	Owner  string `json:"owner"`
	Listed int    `json:"listed"`
	Acted  int    `json:"acted"`
}
