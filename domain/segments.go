package domain

import (
	"cmp"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/vm"
)

// This file holds the customer segmentations of PRODUCT.md ("Segments" and
// "RFM, exactly"): RFM scores and named segments, ABC classes, the Pareto
// figure and traits, and saved segments. Everything is a pure function of
// per-customer aggregates, so that the store may keep those up to date and
// never hand the orders themselves to this package.

// RFMSegment is a named RFM segment; its value is the English name that
// replies and JSON show.
type RFMSegment string

// The RFM segments of PRODUCT.md.
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

// rfmTable is PRODUCT.md's table: rows R 1–2, 3, 4, 5; columns F 1 to 5.
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
	d := calendarDay(asOf) - utcDay(date)
	return d >= 0 && (windowDays <= 0 || d < int64(windowDays))
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

// RFM scores every customer as PRODUCT.md fixes it. asOf is the as-of day,
// read in its own location (pass today in the team's time zone, or a date
// at midnight UTC); windowDays > 0 limits F and M to the Window fields of
// the input, 0 uses all orders. On each of R, F and M, a customer's score
// is 1 + floor(5·(k−1)/n), where k−1 is the number of customers with a
// strictly worse value (F, M: smaller; R: more days), so equal values get
// equal scores. The result is in the order of in. It runs in O(n log n).
func RFM(in []RFMInput, asOf time.Time, windowDays int) ([]RFMScore, error) {
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
	scoreDimensions(out)
	for i := range out {
		out[i].Segment = RFMSegmentOf(out[i].R, out[i].F)
	}
	return out, nil
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

// ABCThresholds are the cumulative revenue shares, in %, below which a
// customer is still A, then B. They are read to 0.01 %.
type ABCThresholds struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// DefaultABC are the thresholds of PRODUCT.md: 80 % and 95 %.
var DefaultABC = ABCThresholds{A: 80, B: 95}

// Validate checks that 0 < A < B < 100.
func (t ABCThresholds) Validate() error {
	if !(t.A > 0 && t.A < t.B && t.B < 100) {
		return Errorf(Invalid, "ABC thresholds need 0 < a < b < 100 (cumulative revenue shares in %%), got a=%g b=%g", t.A, t.B)
	}
	return nil
}

// ABCClass is A, B or C.
type ABCClass string

// The ABC classes.
const (
	ClassA ABCClass = "A"
	ClassB ABCClass = "B"
	ClassC ABCClass = "C"
)

// ABCEntry is one customer's place in the ABC ranking.
type ABCEntry struct {
	ContactID int64    `json:"contact_id"`
	Revenue   int64    `json:"revenue_cents"`
	Class     ABCClass `json:"class"`
}

// ABCGroup is the number of customers of a class and their revenue.
type ABCGroup struct {
	Customers int   `json:"customers"`
	Revenue   int64 `json:"revenue_cents"`
}

// ABCResult is the ABC classification and the Pareto figure.
type ABCResult struct {
	Ranked []ABCEntry `json:"-"` // by revenue, highest first; equal revenue: lower contact id first
	Total  int64      `json:"total_cents"`
	A      ABCGroup   `json:"a"`
	B      ABCGroup   `json:"b"`
	C      ABCGroup   `json:"c"`
	// Pareto is the share of customers in A (0–1): with the default
	// thresholds, the share of customers that makes 80 % of revenue.
	Pareto float64 `json:"pareto"`
}

// ABC ranks customers by M, highest first (equal M: lower contact id
// first). A customer is A while the revenue of the customers ranked before
// them is below t.A % of the total, B while it is below t.B %, C after.
// The comparisons are exact, in integers.
func ABC(scores []RFMScore, t ABCThresholds) (ABCResult, error) {
	if err := t.Validate(); err != nil {
		return ABCResult{}, err
	}
	ranked, total, err := rankByRevenue(scores)
	if err != nil {
		return ABCResult{}, err
	}
	res := ABCResult{Ranked: make([]ABCEntry, len(ranked)), Total: total}
	a, b := basisPoints(t.A), basisPoints(t.B)
	var before int64
	for i, r := range ranked {
		class := ClassC
		if belowShare(before, total, b) {
			class = ClassB
		}
		if belowShare(before, total, a) {
			class = ClassA
		}
		res.Ranked[i] = ABCEntry{ContactID: r.id, Revenue: r.amount, Class: class}
		res.group(class).add(r.amount)
		before += r.amount
	}
	if n := len(ranked); n > 0 {
		res.Pareto = float64(res.A.Customers) / float64(n)
	}
	return res, nil
}

// ContactIDs returns the ranked customers' ids, highest revenue first: the
// ranking that ParetoTraits reads.
func (r *ABCResult) ContactIDs() []int64 {
	ids := make([]int64, len(r.Ranked))
	for i, e := range r.Ranked {
		ids[i] = e.ContactID
	}
	return ids
}

// revenue is a customer's M, without pointers so that it sorts fast.
type revenue struct{ amount, id int64 }

// rankByRevenue orders customers by M, highest first, then by contact id,
// and sums their revenue.
func rankByRevenue(scores []RFMScore) ([]revenue, int64, error) {
	rs := make([]revenue, len(scores))
	var total int64
	for i, s := range scores {
		if s.Monetary < 0 {
			return nil, 0, Errorf(Invalid, "%s has a negative revenue (%d cents)", ContactRef(s.ContactID), s.Monetary)
		}
		rs[i] = revenue{s.Monetary, s.ContactID}
		total += s.Monetary
	}
	slices.SortFunc(rs, func(a, b revenue) int {
		if a.amount != b.amount {
			return cmp.Compare(b.amount, a.amount)
		}
		return cmp.Compare(a.id, b.id)
	})
	return rs, total, nil
}

// group returns the totals of class c.
func (r *ABCResult) group(c ABCClass) *ABCGroup {
	switch c {
	case ClassA:
		return &r.A
	case ClassB:
		return &r.B
	}
	return &r.C
}

func (g *ABCGroup) add(revenue int64) {
	g.Customers++
	g.Revenue += revenue
}

// basisPoints turns a percentage into hundredths of a percent.
func basisPoints(pct float64) uint64 { return uint64(math.Round(pct * 100)) }

// belowShare reports whether part < bp/10000 of total, exactly: the
// products are compared on 128 bits. part and total are not negative.
func belowShare(part, total int64, bp uint64) bool {
	ph, pl := bits.Mul64(uint64(part), 10000)
	th, tl := bits.Mul64(uint64(total), bp)
	return ph < th || ph == th && pl < tl
}

// Trait is one attribute value of a customer, such as sector=agroalimentaire.
type Trait struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CustomerTraits gives each customer's attribute values, by contact id.
type CustomerTraits map[int64][]Trait

// ParetoOptions sets which customers are the top and which values count.
type ParetoOptions struct {
	TopPercent float64 // the top group: this share of customers, rounded up (default 20)
	MinSupport float64 // the least share of the top group, in %, that must have a value (default 10)
}

// DefaultPareto looks at the top 20 % and at values that at least 10 % of
// them share.
var DefaultPareto = ParetoOptions{TopPercent: 20, MinSupport: 10}

// TraitLift is an attribute value over-represented in the top group.
type TraitLift struct {
	Trait
	Top      int     `json:"top"`       // customers of the top group with the value
	All      int     `json:"all"`       // customers with it overall
	ShareTop float64 `json:"share_top"` // Top / size of the top group, 0–1
	ShareAll float64 `json:"share_all"` // All / number of customers, 0–1
	Lift     float64 `json:"lift"`      // ShareTop / ShareAll, above 1
}

// ParetoTraits answers "what the top customers have in common": ranked
// holds the customers by revenue, highest first (ABCResult.ContactIDs); the
// top group is its first opt.TopPercent %, rounded up. It returns the values
// whose share in the top group is above their share among all customers and
// at least opt.MinSupport %, by lift, highest first (equal lift: the more
// frequent in the top first, then by key and value). Keys and values are
// compared in lower case; a value counts once per customer.
func ParetoTraits(ranked []int64, traits CustomerTraits, opt ParetoOptions) ([]TraitLift, error) {
	if !(opt.TopPercent > 0 && opt.TopPercent <= 100 && opt.MinSupport >= 0 && opt.MinSupport <= 100) {
		return nil, Errorf(Invalid, "the Pareto top share must be above 0 and at most 100 %%, and the minimum support within 0–100 %% (got %g and %g)", opt.TopPercent, opt.MinSupport)
	}
	n := len(ranked)
	top := int((uint64(n)*basisPoints(opt.TopPercent) + 9999) / 10000)
	support := basisPoints(opt.MinSupport)
	var out []TraitLift
	for _, c := range countTraits(ranked, traits, top) {
		if c.Top*n > c.All*top && uint64(c.Top)*10000 >= uint64(top)*support {
			c.ShareTop, c.ShareAll = float64(c.Top)/float64(top), float64(c.All)/float64(n)
			c.Lift = c.ShareTop / c.ShareAll
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, compareLift)
	return out, nil
}

// countTraits counts, for each value, the customers that have it among all
// and among the first top of ranked.
func countTraits(ranked []int64, traits CustomerTraits, top int) map[Trait]*TraitLift {
	counts := map[Trait]*TraitLift{}
	for j, id := range ranked {
		for _, tr := range distinctTraits(traits[id]) {
			c := counts[tr]
			if c == nil {
				c = &TraitLift{Trait: tr}
				counts[tr] = c
			}
			c.All++
			if j < top {
				c.Top++
			}
		}
	}
	return counts
}

// compareLift orders by lift, highest first, exactly (the shares have the
// same denominators), then by count in the top, key and value.
func compareLift(a, b TraitLift) int {
	return cmp.Or(cmp.Compare(b.Top*a.All, a.Top*b.All), cmp.Compare(b.Top, a.Top),
		cmp.Compare(a.Key, b.Key), cmp.Compare(a.Value, b.Value))
}

// distinctTraits returns ts in lower case, without empty or repeated ones.
func distinctTraits(ts []Trait) []Trait {
	out := make([]Trait, 0, len(ts))
	for _, t := range ts {
		t = Trait{strings.ToLower(strings.TrimSpace(t.Key)), strings.ToLower(strings.TrimSpace(t.Value))}
		if t.Key != "" && t.Value != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// ContactTraits lists the attribute values of c that a persona sketch reads:
// firmographic and behavioural fields, the employees band, interests,
// preferred categories, tags and custom attributes (as attr.name). Keys are
// ScoreEnv's names.
func ContactTraits(c *Contact) []Trait {
	var ts []Trait
	add := func(key string, values ...string) {
		for _, v := range values {
			ts = append(ts, Trait{key, v})
		}
	}
	add("sector", c.Sector)
	add("source", c.Source)
	add("channel", c.Channel)
	add("city", c.City)
	add("country", c.Country)
	add("role", c.Role)
	add("gender", c.Gender)
	add("preferred_channel", c.PreferredChannel)
	add("employees", EmployeesBand(c.Employees))
	add("interests", c.Interests...)
	add("categories", c.Categories...)
	add("tags", c.Tags...)
	for _, k := range slices.Sorted(maps.Keys(c.Attrs)) {
		add(AttrPrefix+k, c.Attrs[k])
	}
	return distinctTraits(ts)
}

// EmployeesBand names the size band of a company: 1-4, 5-9, 10-49, 50-249,
// 250+; "" when the number of employees is not known.
func EmployeesBand(n int) string {
	bands := []struct {
		upTo int
		name string
	}{{0, ""}, {4, "1-4"}, {9, "5-9"}, {49, "10-49"}, {249, "50-249"}}
	for _, b := range bands {
		if n <= b.upTo {
			return b.name
		}
	}
	return "250+"
}

// SavedSegment is a named filter over contact fields, written in the
// language of the scoring rules.
type SavedSegment struct {
	Name   string `json:"name"`
	Filter string `json:"filter"`
}

// Validate checks the name and compiles the filter.
func (s SavedSegment) Validate() error {
	_, err := s.Compile()
	return err
}

// Compile checks the name and compiles the filter.
func (s SavedSegment) Compile() (*SegmentFilter, error) {
	if err := ValidSegmentName(s.Name); err != nil {
		return nil, err
	}
	return CompileSegment(s.Filter)
}

// ValidSegmentName checks a saved segment's name: 1 to 40 letters, digits,
// "-" or "_", and not the name of an RFM segment, so that segment=NAME is
// never ambiguous.
func ValidSegmentName(name string) error {
	n := utf8.RuneCountInString(name)
	ok := n >= 1 && n <= 40 && strings.IndexFunc(name, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
	}) < 0
	if !ok {
		return Errorf(Invalid, "%q is not a usable segment name: use 1 to 40 letters, digits, - or _, like big-agro", name)
	}
	if seg, err := ParseRFMSegment(name); err == nil {
		return Errorf(Invalid, "%q is the name of the RFM segment %q: choose another name", name, seg)
	}
	return nil
}

// SegmentFilter is a compiled segment filter. It is safe for concurrent use.
type SegmentFilter struct {
	src     string
	program *vm.Program
	vms     sync.Pool // of *vm.VM
}

const segmentExample = `Write it like a scoring rule's condition, as in: sector == "agro" && employees >= 50`

// CompileSegment compiles a filter expression over ScoreEnv, the language
// of the scoring rules, such as `sector == "agro" && employees >= 50`.
func CompileSegment(filter string) (*SegmentFilter, error) {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return nil, Errorf(Invalid, "a segment needs a filter. %s", segmentExample)
	}
	p, err := CompileExpr(filter)
	if err != nil {
		e := Errorf(Invalid, "the segment filter is not a valid expression: %v\n%s", err, segmentExample)
		e.Err = err
		return nil, e
	}
	f := &SegmentFilter{src: filter, program: p}
	f.vms.New = func() any { return new(vm.VM) }
	return f, nil
}

// String returns the filter's source.
func (f *SegmentFilter) String() string { return f.src }

// Match reports whether the contact that env describes is in the segment.
// An expression that fails at run time does not match, as a scoring rule
// that fails does not fire.
func (f *SegmentFilter) Match(env *ScoreEnv) bool {
	ok, _ := f.MatchErr(env)
	return ok
}

// MatchErr is Match, with the run-time error of the expression, if any.
func (f *SegmentFilter) MatchErr(env *ScoreEnv) (bool, error) {
	m := f.vms.Get().(*vm.VM)
	defer f.vms.Put(m)
	out, err := m.Run(f.program, env)
	return err == nil && out == true, err
}
