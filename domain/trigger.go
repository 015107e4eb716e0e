package domain

import "time"

// Trigger makes a questionnaire ask itself: Days after a sale, Days after
// a move to a stage (To), or EveryDays after the contact's last answer to
// it. What it queues goes through the throttle like any send.
type Trigger struct {
	After     string `json:"after,omitempty"` // sale or move; empty with EveryDays
	To        Stage  `json:"to,omitempty"`    // the stage of a move trigger
	Days      int    `json:"days,omitempty"`
	EveryDays int    `json:"every_days,omitempty"`
}

// The causes a trigger follows.
const (
	AfterSale = "sale"
	AfterMove = "move"
)

// Check says what is wrong with t, as a message; zero when it is right.
func (t Trigger) Check() Msg {
	switch {
	case t.EveryDays != 0 && (t.After != "" || t.Days != 0 || t.To != ""):
		return M("a trigger is either after a sale or a move, with days, or every_days on its own")
	case t.EveryDays < 0 || t.Days < 0:
		return M("a trigger's days cannot be negative")
	case t.EveryDays > 0:
		return Msg{}
	case t.After == AfterSale && t.To == "":
		return Msg{}
	case t.After == AfterMove && ValidStage(t.To):
		return Msg{}
	case t.After == AfterMove:
		return M("a move trigger needs the stage it follows: to: lost (lead, prospect, qualified, customer or lost)")
	}
	return M("a trigger is {after: sale, days: 7}, {after: move, to: lost, days: 1} or {every_days: 365}")
}

// TriggerCause is one occasion of a trigger: a sale, a move or an answer
// that makes a questionnaire due for a contact at Due. Key names it once
// for all processes (sale:42), so that it queues one send only.
type TriggerCause struct {
	Questionnaire string    `json:"questionnaire"`
	ContactID     int64     `json:"contact_id"`
	Key           string    `json:"key"`
	Due           time.Time `json:"due"`
	// At is when the cause happened: the sale's day, the move, the answer.
	At time.Time `json:"at"`
	// Amount is a sale's, in cents.
	Amount int64 `json:"amount,omitempty"`
	// Ref is the id of the sale, move or answered survey.
	Ref int64 `json:"-"`
}

// TriggerWindow is what a round of triggers reads: the occasions due from
// From to Until, with ids above After (the rounds' pages), at most Limit;
// with Since set, only those come due since then or written since (an id
// above SinceID).
type TriggerWindow struct {
	From, Until time.Time
	After       int64
	Since       time.Time
	SinceID     int64
	Limit       int
}

// ValidStage reports whether s is a pipeline stage.
func ValidStage(s Stage) bool {
	for _, st := range Stages {
		if st == s {
			return true
		}
	}
	return false
}
