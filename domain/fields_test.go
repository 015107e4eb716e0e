package domain_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var fieldsNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

func TestContactSetGet(t *testing.T) {
	cases := []struct {
		key, value string
		get        string                    // what Get(key) gives afterwards
		raw        func(*domain.Contact) any // the stored value
		want       any
	}{
		{"name", "  Hélène Dupré ", "Hélène Dupré", func(c *domain.Contact) any { return c.Name }, "Hélène Dupré"},
		{"nom", "Jeanne", "Jeanne", func(c *domain.Contact) any { return c.Name }, "Jeanne"},
		{"email", "Jeanne@Example.FR", "jeanne@example.fr", func(c *domain.Contact) any { return c.Email }, "jeanne@example.fr"},
		{"e-mail", "a@b.fr", "a@b.fr", func(c *domain.Contact) any { return c.Email }, "a@b.fr"},
		{"phone", "06 12 34 56 78", "+33612345678", func(c *domain.Contact) any { return c.Phone }, "+33612345678"},
		{"téléphone", "0612345678", "+33612345678", func(c *domain.Contact) any { return c.Phone }, "+33612345678"},
		{"company", "Acme SARL", "Acme SARL", func(c *domain.Contact) any { return c.Company }, "Acme SARL"},
		{"société", "Boulangerie Émile", "Boulangerie Émile", func(c *domain.Contact) any { return c.Company }, "Boulangerie Émile"},
		{"ville", "Lyon", "Lyon", func(c *domain.Contact) any { return c.City }, "Lyon"},
		{"COUNTRY", "France", "France", func(c *domain.Contact) any { return c.Country }, "France"},
		{"language", "FR", "fr", func(c *domain.Contact) any { return c.Language }, "fr"},
		{"timezone", "America/Montreal", "America/Montreal", func(c *domain.Contact) any { return c.TimeZone }, "America/Montreal"},
		{"role", "PDG", "PDG", func(c *domain.Contact) any { return c.Role }, "PDG"},
		{"employees", "1 200", "1200", func(c *domain.Contact) any { return c.Employees }, 1200},
		{"effectif", "12", "12", func(c *domain.Contact) any { return c.Employees }, 12},
		{"birth_year", "1980", "1980", func(c *domain.Contact) any { return c.BirthYear }, 1980},
		{"capital", "1 200,50 €", "1200.5", func(c *domain.Contact) any { return c.Capital }, int64(120050)},
		{"budget", "15000", "15000", func(c *domain.Contact) any { return c.Budget }, int64(1500000)},
		{"budget", "0,07", "0.07", func(c *domain.Contact) any { return c.Budget }, int64(7)},
		{"project_date", "20/12/2026", "2026-12-20", func(c *domain.Contact) any { return c.ProjectDate }, day(2026, 12, 20)},
		{"expected_date", "today", "2026-11-20", func(c *domain.Contact) any { return c.ProjectDate }, day(2026, 11, 20)},
		{"tags", "vip, Salon ; VIP | export,,", "vip, Salon, export", func(c *domain.Contact) any { return c.Tags }, []string{"vip", "Salon", "export"}},
		{"interests", "bio; local", "bio, local", func(c *domain.Contact) any { return c.Interests }, []string{"bio", "local"}},
		{"categories", "pain", "pain", func(c *domain.Contact) any { return c.Categories }, []string{"pain"}},
		{"stage", "prospect-assuré", "qualified", func(c *domain.Contact) any { return c.Stage }, domain.Qualified},
		{"étape", "client", "customer", func(c *domain.Contact) any { return c.Stage }, domain.Customer},
		{"owner", "U0SALES1", "U0SALES1", func(c *domain.Contact) any { return c.Owner }, "U0SALES1"},
		{"attr.loyalty_card", "gold", "gold", func(c *domain.Contact) any { return c.Attrs }, map[string]string{"loyalty_card": "gold"}},
		{"attr.Loyalty-Card", "silver", "silver", func(c *domain.Contact) any { return c.Attrs }, map[string]string{"loyalty-card": "silver"}},
	}
	for _, tc := range cases {
		c := &domain.Contact{Name: "X", Stage: domain.Lead}
		if err := c.Set(tc.key, tc.value, fieldsNow); err != nil {
			t.Errorf("Set(%s=%q): %v", tc.key, tc.value, err)
			continue
		}
		if got := tc.raw(c); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Set(%s=%q) stored %#v, want %#v", tc.key, tc.value, got, tc.want)
		}
		if got := c.Get(tc.key); got != tc.get {
			t.Errorf("after Set(%s=%q), Get = %q, want %q", tc.key, tc.value, got, tc.get)
		}
		// What Get writes, Set reads back to the same value.
		again := &domain.Contact{Name: "X", Stage: domain.Lead}
		if err := again.Set(tc.key, c.Get(tc.key), fieldsNow); err != nil || !reflect.DeepEqual(tc.raw(again), tc.want) {
			t.Errorf("Set(%s=Get()) = %#v, %v; want %#v", tc.key, tc.raw(again), err, tc.want)
		}
	}
}

// full is a contact with every settable field and an attribute set.
func full(t *testing.T) *domain.Contact {
	t.Helper()
	c := &domain.Contact{Name: "X", Stage: domain.Lead}
	set := map[string]string{
		"name": "Jeanne Martin", "email": "j@example.fr", "phone": "0612345678", "company": "Acme",
		"role": "CEO", "sector": "agro", "employees": "55", "capital": "10000", "city": "Lyon",
		"country": "France", "language": "fr", "timezone": "Europe/Paris", "gender": "f",
		"birth_year": "1980", "product": "ERP", "budget": "12 000", "project_date": "2027-01-15",
		"source": "salon", "channel": "phone", "interests": "bio, local", "categories": "pain",
		"preferred_channel": "telegram", "frequency": "monthly", "stage": "prospect", "tags": "vip",
		"owner": "U1", "attr.card": "gold",
	}
	for _, f := range domain.Fields {
		if _, ok := set[f.Name]; !ok {
			t.Fatalf("the test sets no value for field %s: add one", f.Name)
		}
	}
	for k, v := range set {
		if err := c.Set(k, v, fieldsNow); err != nil {
			t.Fatalf("Set(%s=%q): %v", k, v, err)
		}
	}
	return c
}

func TestContactSetEmptyClears(t *testing.T) {
	for _, f := range domain.Fields {
		c := full(t)
		err := c.Set(f.Name, "", fieldsNow)
		switch f.Name {
		case "name", "stage": // a contact always has both
			wantInvalid(t, f.Name+"=", err)
			if c.Get(f.Name) == "" {
				t.Errorf("a refused %s= cleared the field", f.Name)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set(%s=): %v", f.Name, err)
		}
		if got := c.Get(f.Name); got != "" {
			t.Errorf("after %s=, Get = %q, want empty", f.Name, got)
		}
		// Only that field changed.
		want := full(t)
		for _, g := range domain.Fields {
			if g.Name != f.Name && c.Get(g.Name) != want.Get(g.Name) {
				t.Errorf("%s= also changed %s: %q, was %q", f.Name, g.Name, c.Get(g.Name), want.Get(g.Name))
			}
		}
	}
	c := full(t)
	if err := c.Set("attr.card", "  ", fieldsNow); err != nil || len(c.Attrs) != 0 || c.Get("attr.card") != "" {
		t.Errorf("attr.card= left %v, %v", c.Attrs, err)
	}
	if err := c.Set("attr.never_set", "", fieldsNow); err != nil {
		t.Errorf("clearing an attribute that is not set: %v", err)
	}
}

func TestContactSetRefusesBadValues(t *testing.T) {
	cases := []struct {
		key, value string
		says       []string // the message names the field and the problem
	}{
		{"email", "jeanne", []string{"email", "jeanne"}},
		{"phone", "12", []string{"phone", "12"}},
		{"employees", "twelve", []string{"employees", "whole number"}},
		{"employees", "-3", []string{"employees", "whole number"}},
		{"birth_year", "19.5", []string{"birth_year", "whole number"}},
		{"capital", "lots", []string{"capital", "amount"}},
		{"budget", "-100", []string{"budget", "negative"}},
		{"project_date", "31/02/2026", []string{"project_date", "31/02/2026"}},
		{"stage", "won", []string{"stage", "won"}},
		{"timezone", "Mars/Olympus", []string{"timezone", "time zone"}},
		{"name", "", []string{"name"}},
		{"colour", "blue", []string{`"colour" is not a contact field`, "attr.colour=value"}},
		{"favourite colour", "blue", []string{`"favourite colour" is not a contact field`, "attr.name=value"}},
		{"attr.a b", "x", []string{`"a b"`, "attribute"}},
		{"attr.", "x", []string{"attribute"}},
		{"attr." + strings.Repeat("k", 41), "x", []string{"attribute"}},
		{"city", strings.Repeat("é", 501), []string{"city", "too long"}},
		{"city", "\xff\xfe", []string{"city", "UTF-8"}},
	}
	for _, tc := range cases {
		c := full(t)
		err := c.Set(tc.key, tc.value, fieldsNow)
		wantInvalid(t, tc.key+"="+tc.value, err)
		if err == nil {
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Set(%s=%q): %q does not say %q", tc.key, tc.value, err, s)
			}
		}
		if !reflect.DeepEqual(c, full(t)) {
			t.Errorf("a refused Set(%s=%q) changed the contact", tc.key, tc.value)
		}
	}
	// Every field name appears in the unknown field message, so users can
	// pick the right one.
	msg := domain.UnknownFieldError("colour").Error()
	for _, name := range domain.FieldNames() {
		if !strings.Contains(msg, name) {
			t.Errorf("the unknown field message does not list %s: %s", name, msg)
		}
	}
}

func TestContactGetUnknownAndDisplay(t *testing.T) {
	c := full(t)
	if got := c.Get("colour"); got != "" {
		t.Errorf("Get(colour) = %q", got)
	}
	if got := c.Get("attr.missing"); got != "" {
		t.Errorf("Get(attr.missing) = %q", got)
	}
	for key, want := range map[string]string{"budget": "12 000 €", "capital": "10 000 €", "city": "Lyon", "employees": "55"} {
		if got := c.Display(key); got != want {
			t.Errorf("Display(%s) = %q, want %q", key, got, want)
		}
	}
	c.Budget = 0
	if got := c.Display("budget"); got != "" {
		t.Errorf("Display of a zero budget = %q, want empty", got)
	}
	if err := c.Set("attr.zeta", "1", fieldsNow); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("attr.alpha", "2", fieldsNow); err != nil {
		t.Fatal(err)
	}
	if got := c.AttrKeys(); !slices.Equal(got, []string{"alpha", "card", "zeta"}) {
		t.Errorf("AttrKeys = %v", got)
	}
}

func TestLookupField(t *testing.T) {
	for name, want := range map[string]string{"name": "name", "NOM": "name", " ville ": "city", "tz": "timezone",
		"origine": "source", "intérêts": "interests", "tag": "tags", "poste": "role"} {
		f, ok := domain.LookupField(name)
		if !ok || f.Name != want {
			t.Errorf("LookupField(%q) = %q, %v; want %q", name, f.Name, ok, want)
		}
	}
	if _, ok := domain.LookupField("score"); ok {
		t.Error("score is computed, it must not be settable")
	}
	if got := domain.FieldNames(); len(got) != len(domain.Fields) || got[0] != "name" {
		t.Errorf("FieldNames = %v", got)
	}
}

func TestSplitList(t *testing.T) {
	for in, want := range map[string][]string{
		"":               nil,
		" , ;|":          nil,
		"a":              {"a"},
		"a, b;c|d":       {"a", "b", "c", "d"},
		"Bio, bio, BIO":  {"Bio"},
		" pain , vin  ,": {"pain", "vin"},
	} {
		if got := domain.SplitList(in); !slices.Equal(got, want) {
			t.Errorf("SplitList(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContactValidateAndTags(t *testing.T) {
	c := full(t)
	if err := c.Validate(); err != nil {
		t.Errorf("a full contact is invalid: %v", err)
	}
	for _, bad := range []func(*domain.Contact){
		func(c *domain.Contact) { c.Name = "  " },
		func(c *domain.Contact) { c.Name = strings.Repeat("a", 201) },
		func(c *domain.Contact) { c.BirthYear = 1850 },
		func(c *domain.Contact) { c.BirthYear = 2200 },
	} {
		c := full(t)
		bad(c)
		wantInvalid(t, "Validate", c.Validate())
	}
	if !c.HasTag("VIP") || c.HasTag("vi") {
		t.Errorf("HasTag on %v", c.Tags)
	}
	c.ID = 42
	if c.Ref() != "C42" {
		t.Errorf("Ref = %q", c.Ref())
	}
}

func TestErrors(t *testing.T) {
	e := domain.Errorf(domain.NotFound, "no contact %s", "C4")
	if e.Error() != "no contact C4" || domain.ErrorCode(e) != domain.NotFound || !domain.IsCode(e, domain.NotFound) {
		t.Errorf("Errorf gave %q code %s", e, e.Code)
	}
	u := e.WithUsage("show <contact>")
	if u.Usage != "show <contact>" || e.Usage != "" || u.Message != e.Message {
		t.Errorf("WithUsage changed the original or lost the message: %+v %+v", e, u)
	}
	wrapped := &domain.Error{Code: domain.Conflict, Err: e}
	if wrapped.Error() != "no contact C4" || wrapped.Unwrap() != e {
		t.Errorf("wrapped error: %q", wrapped)
	}
	if domain.IsCode(nil, domain.Internal) {
		t.Error("a nil error has a code")
	}
	if got := domain.ErrorCode(fmt.Errorf("read: %w", e)); got != domain.NotFound {
		t.Errorf("the code of a wrapped domain error is %s", got)
	}
	if got := domain.ErrorCode(errors.New("disk full")); got != domain.Internal {
		t.Errorf("the code of a plain error is %s, want internal", got)
	}
}
