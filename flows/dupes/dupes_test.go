package dupes_test

import (
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var now = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

type fixture struct {
	t      *testing.T
	db     *store.DB
	crm    *crm.Service
	find   *dupes.Service
	merger *dupes.Merger
}

// each runs fn on SQLite and PostgreSQL.
func each(t *testing.T, fn func(f *fixture)) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		svc := &crm.Service{Store: db, Scoring: domain.DefaultEngine(), Now: clock, Loc: time.UTC}
		fn(&fixture{t: t, db: db, crm: svc, find: &dupes.Service{Store: db}, merger: &dupes.Merger{Store: db, CRM: svc, Now: clock}})
	})
}

// add adds a contact with fields, forcing past the likely-duplicate check.
func (f *fixture) add(name string, kv ...string) *domain.Contact {
	f.t.Helper()
	var set []crm.Assignment
	for i := 0; i+1 < len(kv); i += 2 {
		set = append(set, crm.Assignment{Key: kv[i], Value: kv[i+1]})
	}
	c, err := f.crm.Add(f.t.Context(), "U1", name, set, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	return storetest.Count(f.t, f.db, q, args...)
}

// TestFind plants each kind of duplicate among look-alikes that are not,
// and finds exactly the planted pairs, the surest first.
func TestFind(t *testing.T) {
	each(t, func(f *fixture) {
		t := f.t
		jeanne := f.add("Jeanne Martin", "company", "Fromagerie Martin", "email", "jeanne@martin.fr")
		jeanne2 := f.add("JEANNE MARTIN", "company", "fromagerie martin")                         // same name and company
		tagged := f.add("J. Martin", "company", "Autre", "email", "jeanne+crm@martin.fr")         // same email once untagged
		typo := f.add("Jeane Martin", "company", "Fromagerie Martin")                             // close name, same company
		f.add("Jeanne Martin", "company", "Boulangerie Durand")                                   // same name, other company
		f.add("Paul Martin", "company", "Fromagerie Martin")                                      // other name, same company
		hélène := f.add("Hélène Dupré", "company", "Café Dupré", "email", "helene+news@dupre.fr") // tagged, no base
		f.add("Helene Dupre", "company", "Boulangerie")                                           // same name, other company
		_ = hélène
		rep, err := f.find.Find(f.t.Context(), 20)
		if err != nil {
			t.Fatal(err)
		}
		type pair struct{ keep, other int64 }
		got := map[pair]domain.Dupe{}
		for _, p := range rep.Pairs {
			got[pair{p.Keep, p.Other}] = p.Dupe
			if p.Kept == nil || p.Duplicate == nil || p.Kept.ID != p.Keep || p.Duplicate.ID != p.Other {
				t.Errorf("pair %d/%d comes without its contacts", p.Keep, p.Other)
			}
		}
		want := map[pair]domain.DupeReason{
			{jeanne.ID, jeanne2.ID}: domain.SameNameCompany,
			{jeanne.ID, tagged.ID}:  domain.SameEmail,
			{jeanne.ID, typo.ID}:    domain.CloseNames, // jeanne2 is jeanne's namesake: one pair
		}
		if len(got) != len(want) || rep.Total != len(want) {
			t.Fatalf("found %d pairs (total %d), want %d: %+v", len(got), rep.Total, len(want), rep.Pairs)
		}
		for p, r := range want {
			if d, ok := got[p]; !ok || d.Reasons[0] != r {
				t.Errorf("pair C%d/C%d: %+v, want %s", p.keep, p.other, d, r)
			}
		}
		for i := 1; i < len(rep.Pairs); i++ {
			if rep.Pairs[i].Confidence > rep.Pairs[i-1].Confidence {
				t.Errorf("pairs not surest first: %v", rep.Pairs)
			}
		}
		// A limit keeps the surest and still counts them all.
		rep, err = f.find.Find(f.t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Pairs) != 1 || rep.Total != 3 || rep.Pairs[0].Other != tagged.ID {
			t.Errorf("limit 1: %+v (total %d), want the tagged email's pair of 3", rep.Pairs, rep.Total)
		}
	})
}
