package domain

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// This file holds RFM as docs/segments.md fixes it: which orders
// count as of a day (InRFMWindow, RFMBounds), the R, F and M scores and
// named segments of every customer, and their report. It is the one place
// of that arithmetic: the store aggregates the orders in SQL by the same
// rule (store.RFMInputs), and the use cases call RFM. Everything is a pure
// function of per-customer aggregates, so that the store may keep those up
// to date and never hand the orders themselves to this package.

// RFMSegment is a named RFM segment; its value is the English name that
// replies and JSON show.
type RFMSegment string

// The RFM segments of docs/segments.md.
const (
	RFMChampions         RFMSegment = "Champions"
	RFMLoyal             RFMSegment = "Loyal"
	RFMPotentialLoyalist RFMSegment = "Potential loyalist"
	RFMNew               RFMSegment = "New"
	RFMPromising         RFMSegment = "Promising"
	RFMNeedAttention     RFMSegment = "Need attention"
	RFMAboutToSleep      RFMSegment = "About to sleep"
	RFMAtRisk            RFMSegment = "At risk"
	RFMCantLoseThem      RFMSegment = "Can't lose them"
	RFMHibernating       RFMSegment = "Hibernating"
)

// RFMSegments lists every segment, best customers first: the order of the
// report and of the digest.
var RFMSegments = []RFMSegment{
	RFMChampions, RFMLoyal, RFMPotentialLoyalist, RFMNew, RFMPromising,
	RFMNeedAttention, RFMAboutToSleep, RFMAtRisk, RFMCantLoseThem, RFMHibernating,
}

// rfmTable is the table of docs/segments.md: rows R 1–2, 3, 4, 5; columns
// F 1 to 5.
var rfmTable = [4][5]RFMSegment{
	{RFMHibernating, RFMHibernating, RFMAtRisk, RFMAtRisk, RFMCantLoseThem},
	{RFMAboutToSleep, RFMAboutToSleep, RFMNeedAttention, RFMLoyal, RFMLoyal},
	{RFMPromising, RFMPotentialLoyalist, RFMPotentialLoyalist, RFMLoyal, RFMLoyal},
	{RFMNew, RFMPotentialLoyalist, RFMPotentialLoyalist, RFMChampions, RFMChampions},
}

// RFMSegmentOf returns the segment of an R and an F score (each 1–5), or ""
// when either is out of range.
func RFMSegmentOf(r, f int) RFMSegment {
	if r < 1 || r > 5 || f < 1 || f > 5 {
		return ""
	}
	return rfmTable[max(r, 2)-2][f-1]
}

// Slug is the segment's name as users type it in filters: "potential-loyalist",
// "cant-lose-them".
func (s RFMSegment) Slug() string { return slug(string(s)) }

// slug folds s to lower case without accents, apostrophes or dots, with one
// "-" for each run of spaces, underscores and dashes.
func slug(s string) string {
	s = strings.NewReplacer("'", "", "’", "", ".", "").Replace(Fold(strings.TrimSpace(s)))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' || r == '-' }), "-")
}

// rfmAliases maps the slugs users may type, English and French, to segments.
var rfmAliases = func() map[string]RFMSegment {
	m := map[string]RFMSegment{
		"fideles": RFMLoyal, "fideles-potentiels": RFMPotentialLoyalist, "nouveaux": RFMNew,
		"prometteurs": RFMPromising, "a-surveiller": RFMNeedAttention, "besoin-dattention": RFMNeedAttention,
		"endormis": RFMAboutToSleep, "sur-le-point-de-sendormir": RFMAboutToSleep, "a-risque": RFMAtRisk,
		"a-ne-pas-perdre": RFMCantLoseThem, "hibernants": RFMHibernating,
		"can-not-lose-them": RFMCantLoseThem, "cannot-lose-them": RFMCantLoseThem,
	}
	for _, s := range RFMSegments {
		m[s.Slug()] = s
	}
	return m
}()

// ParseRFMSegment reads a segment by its English name or slug, in any case,
// or by its usual French name ("fidèles", "à risque", …).
func ParseRFMSegment(s string) (RFMSegment, error) {
	if seg, ok := rfmAliases[slug(s)]; ok {
		return seg, nil
	}
	names := make([]string, len(RFMSegments))
	for i, seg := range RFMSegments {
		names[i] = seg.Slug()
	}
	return "", Errorf(Invalid, "%q is not an RFM segment: use %s", s, strings.Join(names, ", "))
}

// RFMInput is one customer's order aggregates as of a day. The caller counts
// only the orders dated on or before the as-of day (later orders are
// ignored) and passes only the customers with at least one such order: they
// are the RFM population. Contact ids are unique.
type RFMInput struct {
	ContactID int64
	// LastOrder is the date of the customer's last order on or before the
	// as-of day: a calendar day, read in UTC like Order.Date.
	LastOrder time.Time
	Orders    int   // number of orders on or before the as-of day, at least 1
	Amount    int64 // their sum, in cents
	// WindowOrders and WindowAmount count only the orders for which
	// InRFMWindow holds; RFM reads them when it is given a window.
	WindowOrders int
	WindowAmount int64
}

// RFMScore is a customer's RFM measures, their 1–5 scores and segment.
type RFMScore struct {
	ContactID int64      `json:"contact_id"`
	R         int        `json:"r"`
	F         int        `json:"f"`
	M         int        `json:"m"`
	Recency   int        `json:"recency_days"`   // whole days from the last order to the as-of day
	Frequency int        `json:"frequency"`      // number of orders (in the window, if any)
	Monetary  int64      `json:"monetary_cents"` // their sum, in cents
	Segment   RFMSegment `json:"segment"`
}

// InRFMWindow reports whether an order dated date counts in F and M as of
// asOf: it is dated on or before the as-of day and, with a window of N > 0
// days, within the last N days, the as-of day included (N = 1: the as-of
// day only). windowDays 0 means all history. date is read in UTC and asOf in
// its own location, as RFM reads them.
func InRFMWindow(date, asOf time.Time, windowDays int) bool {
	start, end := RFMBounds(asOf, windowDays)
	return date.Before(end) && (windowDays <= 0 || !date.Before(start))
}

// RFMBounds is InRFMWindow as two instants, for a database to filter the
// orders on: an order dated before end is dated on or before the as-of day
// (asOf's calendar day, in its own location), and with windowDays > 0 one
// dated on or after start is within the window; start is zero without a
// window. Both are midnights UTC, the order dates being days in UTC. The
// store's SQL aggregation of the RFM inputs is the SQL form of this rule.
func RFMBounds(asOf time.Time, windowDays int) (start, end time.Time) {
	y, m, d := asOf.Date()
	end = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	if windowDays > 0 {
		start = end.AddDate(0, 0, -windowDays)
	}
	return start, end
}

// utcDay numbers the calendar day of t in UTC, day 0 being 1970-01-01.
func utcDay(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s%86400 < 0 {
		d--
	}
	return d
}

// calendarDay numbers the calendar day of t in t's own location, so that
// "today in Paris" is the day the team means even just after midnight.
func calendarDay(t time.Time) int64 {
	y, m, d := t.Date()
	return utcDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// RFM scores every customer as docs/segments.md fixes it. asOf is the as-of day,
// read in its own location (pass today in the team's time zone, or a date
// at midnight UTC); windowDays > 0 limits F and M to the Window fields of
// the input, 0 uses all orders. On each of R, F and M, a customer's score
// is 1 + floor(5·(k−1)/n), where k−1 is the number of customers with a
// strictly worse value (F, M: smaller; R: more days), so equal values get
// equal scores. The result is in the order of in. It runs in O(n log n).
func RFM(in []RFMInput, asOf time.Time, windowDays int) ([]RFMScore, error) {
	out, err := RFMMeasures(in, asOf, windowDays)
	if err != nil {
		return nil, err
	}
	ScoreRFM(out)
	return out, nil
}

// RFMMeasures is the first half of RFM: each customer's contact id,
// recency, frequency and monetary value, checked, without scores. ABC
// needs no more; ScoreRFM adds the rest.
func RFMMeasures(in []RFMInput, asOf time.Time, windowDays int) ([]RFMScore, error) {
	if windowDays < 0 {
		return nil, Errorf(Invalid, "the RFM window must be 0 (all history) or a number of days, not %d", windowDays)
	}
	today := calendarDay(asOf)
	out := make([]RFMScore, len(in))
	for i := range in {
		if err := in[i].measure(&out[i], today, windowDays > 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ScoreRFM is the second half of RFM: it sets the R, F and M scores and
// the segment of customers measured by RFMMeasures. It reads their
// measures and writes no other field, so that ABC may read the same
// slice meanwhile.
func ScoreRFM(scores []RFMScore) {
	scoreDimensions(scores)
	for i := range scores {
		scores[i].Segment = RFMSegmentOf(scores[i].R, scores[i].F)
	}
}

// measure checks one input and sets its R, F and M measures in s (in place:
// copying a whole RFMScore costs a write barrier per customer).
func (in *RFMInput) measure(s *RFMScore, today int64, windowed bool) error {
	s.ContactID, s.Recency, s.Frequency, s.Monetary = in.ContactID, int(today-utcDay(in.LastOrder)), in.Orders, in.Amount
	if windowed {
		s.Frequency, s.Monetary = in.WindowOrders, in.WindowAmount
	}
	switch {
	case in.Orders < 1:
		return Errorf(Invalid, "%s has no order on or before the as-of day, so it is not in the RFM population", ContactRef(in.ContactID))
	case in.LastOrder.IsZero() || s.Recency < 0:
		return Errorf(Invalid, "the last order of %s must be dated on or before the as-of day (got %s)", ContactRef(in.ContactID), in.LastOrder.UTC().Format(time.DateOnly))
	case windowed && (in.WindowOrders < 0 || in.WindowOrders > in.Orders):
		return Errorf(Invalid, "%s has %d orders in the window but %d in all", ContactRef(in.ContactID), in.WindowOrders, in.Orders)
	}
	return nil
}

// rfmDimension reads one measure, higher being better, and stores its score.
type rfmDimension struct {
	value func(*RFMScore) int64
	set   func(*RFMScore, int)
}

var rfmDimensions = []rfmDimension{
	{func(s *RFMScore) int64 { return -int64(s.Recency) }, func(s *RFMScore, q int) { s.R = q }},
	{func(s *RFMScore) int64 { return int64(s.Frequency) }, func(s *RFMScore, q int) { s.F = q }},
	{func(s *RFMScore) int64 { return s.Monetary }, func(s *RFMScore, q int) { s.M = q }},
}

// scoreDimensions sets R, F and M of every score from its measures.
func scoreDimensions(out []RFMScore) {
	vals, scores := make([]int64, len(out)), make([]int, len(out))
	for _, d := range rfmDimensions {
		for i := range out {
			vals[i] = d.value(&out[i])
		}
		quintiles(vals, scores)
		for i := range out {
			d.set(&out[i], scores[i])
		}
	}
}

// quintiles sets scores[i] to 1 + floor(5·(k−1)/n), where k−1 is the number
// of values strictly smaller than vals[i]. Values within a range of n (days,
// order counts) are counted; others are sorted, then ties are walked as
// runs. Either way it is exact and at most O(n log n).
func quintiles(vals []int64, scores []int) {
	n := len(vals)
	if n == 0 {
		return
	}
	lo, hi := slices.Min(vals), slices.Max(vals)
	switch width := uint64(hi - lo); {
	case width < uint64(n):
		quintilesCounted(vals, lo, int(width), scores)
	case width < 1<<32 && uint64(n) <= 1<<32:
		quintilesPacked(vals, lo, scores)
	default:
		quintilesSorted(vals, scores)
	}
}

// quintilesCounted counts the values below each one with a histogram of
// the width+1 values from lo.
func quintilesCounted(vals []int64, lo int64, width int, scores []int) {
	below := make([]int, width+2)
	for _, v := range vals {
		below[v-lo+1]++
	}
	for i := 1; i < len(below); i++ {
		below[i] += below[i-1]
	}
	for i, v := range vals {
		scores[i] = 1 + 5*below[v-lo]/len(vals)
	}
}

// quintilesPacked sorts when every value fits in 32 bits above lo: value
// and index share one uint64, which sorts several times faster than pairs.
func quintilesPacked(vals []int64, lo int64, scores []int) {
	keys := make([]uint64, len(vals))
	for i, v := range vals {
		keys[i] = uint64(v-lo)<<32 | uint64(i)
	}
	slices.Sort(keys)
	scoreRuns(keys, func(a, b uint64) bool { return a>>32 == b>>32 }, func(k uint64) int { return int(uint32(k)) }, scores)
}

// quintilesSorted sorts (value, index) pairs: any int64 values.
func quintilesSorted(vals []int64, scores []int) {
	type pair struct {
		v int64
		i int
	}
	ps := make([]pair, len(vals))
	for i, v := range vals {
		ps[i] = pair{v, i}
	}
	slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.v, b.v) })
	scoreRuns(ps, func(a, b pair) bool { return a.v == b.v }, func(p pair) int { return p.i }, scores)
}

// scoreRuns walks sorted items: the items of a run of equal values all have
// as many strictly smaller values as the position where the run starts.
func scoreRuns[T any](sorted []T, same func(a, b T) bool, index func(T) int, scores []int) {
	n, start := len(sorted), 0
	for j, it := range sorted {
		if j > 0 && !same(sorted[j-1], it) {
			start = j
		}
		scores[index(it)] = 1 + 5*start/n
	}
}

// RFMReport sums up RFM scores: the segment sizes and the number of
// customers at each R, F and M score.
type RFMReport struct {
	Customers int           `json:"customers"`
	Segments  []SegmentSize `json:"segments"` // every segment in RFMSegments order, empty ones too
	R         [5]int        `json:"r"`        // R[s-1]: customers with an R score of s
	F         [5]int        `json:"f"`
	M         [5]int        `json:"m"`
}

// SegmentSize is the number of customers in one segment.
type SegmentSize struct {
	Segment   RFMSegment `json:"segment"`
	Customers int        `json:"customers"`
}

// NewRFMReport counts scores by segment and by score.
func NewRFMReport(scores []RFMScore) RFMReport {
	rep := RFMReport{Customers: len(scores), Segments: make([]SegmentSize, len(RFMSegments))}
	index := make(map[RFMSegment]int, len(RFMSegments))
	for i, seg := range RFMSegments {
		rep.Segments[i].Segment = seg
		index[seg] = i
	}
	for _, s := range scores {
		if i, ok := index[s.Segment]; ok {
			rep.Segments[i].Customers++
		}
		countScore(&rep.R, s.R)
		countScore(&rep.F, s.F)
		countScore(&rep.M, s.M)
	}
	return rep
}

func countScore(counts *[5]int, score int) {
	if score >= 1 && score <= 5 {
		counts[score-1]++
	}
}

// Size returns the number of customers in seg.
func (r RFMReport) Size(seg RFMSegment) int {
	for _, s := range r.Segments {
		if s.Segment == seg {
			return s.Customers
		}
	}
	return 0
}
