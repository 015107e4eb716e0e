package domain

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// This file holds the Pareto traits of docs/segments.md: what the
// top customers by revenue have in common, as attribute values
// over-represented among them.

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
