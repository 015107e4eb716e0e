package domain

import (
	"cmp"
	"strings"
	"unicode/utf8"
)

// DupeReason says why two contacts are likely one person.
type DupeReason string

// The reasons two contacts are likely duplicates, from the strongest.
const (
	SameEmail       DupeReason = "same_email"        // one address, once its +tag is dropped
	SamePhone       DupeReason = "same_phone"        // one number, once written internationally
	SameNameCompany DupeReason = "same_name_company" // names and companies equal, case and accents aside
	CloseNames      DupeReason = "close_names"       // names a typo or two apart, at one company
)

// dupeConfidence is how sure each reason alone makes crmbot, from 0 to 1.
var dupeConfidence = map[DupeReason]float64{SameEmail: 0.95, SamePhone: 0.95, SameNameCompany: 0.9, CloseNames: 0.6}

// Dupe is a pair of contacts that are likely one person: Keep, the older,
// and Other, which merge other into keep folds into it.
type Dupe struct {
	Keep    int64        `json:"keep_id"`
	Other   int64        `json:"other_id"`
	Reasons []DupeReason `json:"reasons"`
	// Distance is the edit distance of the names for CloseNames.
	Distance   int     `json:"distance,omitempty"`
	Confidence float64 `json:"confidence"`
}

// Add records one more reason for the pair, which makes it surer: two
// independent reasons of 0.9 and 0.6 give 0.96.
func (d *Dupe) Add(r DupeReason, distance int) {
	for _, have := range d.Reasons {
		if have == r {
			return
		}
	}
	c := dupeConfidence[r]
	if r == CloseNames && distance > 1 {
		c -= 0.15 // two typos are less sure than one
	}
	d.Reasons = append(d.Reasons, r)
	if r == CloseNames {
		d.Distance = distance
	}
	d.Confidence = 1 - (1-d.Confidence)*(1-c)
}

// NewDupe returns the pair of contacts a and b, the older (lower id) kept.
func NewDupe(a, b int64) Dupe {
	if a > b {
		a, b = b, a
	}
	return Dupe{Keep: a, Other: b}
}

// CompareDupes orders pairs the surest first, then by the kept contact's
// id, then the other's: a stable order for lists and pages.
func CompareDupes(a, b Dupe) int {
	if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Keep, b.Keep); c != 0 {
		return c
	}
	return cmp.Compare(a.Other, b.Other)
}

// EmailKey is an email address as duplicates are sought by: in lower case,
// without the +tag of its local part (jeanne+crm@martin.fr is
// jeanne@martin.fr), which mail services deliver to the same box.
func EmailKey(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return e
	}
	local, domain := e[:at], e[at:]
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	return local + domain
}

// NameKey is a name or a company as duplicates are sought by: folded (no
// case, no accents) with its spaces and punctuation reduced to one space.
func NameKey(s string) string {
	return strings.Join(strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= utf8.RuneSelf)
	}), " ")
}

// NamesClose reports whether two name keys are a typo or two apart: at most
// one edit for names under ten letters, two from ten, never half the name.
// It returns the distance; equal names are not close (they are the same).
func NamesClose(a, b string) (int, bool) {
	if a == b || a == "" || b == "" {
		return 0, false
	}
	n := min(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	limit := 1
	if n >= 10 {
		limit = 2
	}
	if abs(utf8.RuneCountInString(a)-utf8.RuneCountInString(b)) > limit {
		return 0, false
	}
	d := editDistanceWithin(a, b, limit)
	return d, d <= limit && d*2 < n
}

// editDistanceWithin returns the Levenshtein distance of a and b when it is
// at most k, else k+1: only the diagonal band of width 2k+1 is computed and
// it stops as soon as a row exceeds k. dupes compares a million names with
// their neighbours; a full distance for each was most of its time.
func editDistanceWithin(a, b string, k int) int {
	var ab, bb [64]rune
	ra, rb := appendRunes(ab[:0], a), appendRunes(bb[:0], b)
	n, m := len(ra), len(rb)
	if abs(n-m) > k {
		return k + 1
	}
	const far = 1 << 20
	var prevb, curb [64]int
	prev, cur := prevb[:0], curb[:0]
	if m+1 > len(prevb) {
		prev, cur = make([]int, 0, m+1), make([]int, 0, m+1)
	}
	prev, cur = prev[:m+1], cur[:m+1]
	for j := range prev {
		prev[j] = j
		if j > k {
			prev[j] = far
		}
	}
	for i := 1; i <= n; i++ {
		lo, hi := max(1, i-k), min(m, i+k)
		for j := range cur {
			cur[j] = far
		}
		if i <= k {
			cur[0] = i
		}
		best := cur[0]
		for j := lo; j <= hi; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
			best = min(best, cur[j])
		}
		if best > k {
			return k + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[m], k+1)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
