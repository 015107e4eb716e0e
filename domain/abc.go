package domain

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// This file holds the ABC classes of docs/segments.md: customers
// ranked by revenue (their RFM M) and cut at cumulative revenue shares, in
// exact integers, with the Pareto figure, the share of customers in A.

// ABCThresholds are the cumulative revenue shares, in %, below which a
// customer is still A, then B. They are read to 0.01 %.
type ABCThresholds struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

// DefaultABC are the documented thresholds (docs/segments.md): 80 % and 95 %.
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
