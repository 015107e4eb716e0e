package command_test

import (
	"encoding/json"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/store"
)

// segmentsService is the segmentation service newEnv wires into the
// executor, as cmd/crmbot/app.go does, with the default thresholds.
func segmentsService(db *store.DB, clk *clock) *segments.Service {
	return &segments.Service{Store: db, Now: clk.Now, Loc: paris, ABC: domain.DefaultABC, Pareto: domain.DefaultPareto}
}

// dataOf decodes a reply's Data as JSON into v, as a script reads it.
func dataOf(t *testing.T, r *reply.Reply, v any) {
	t.Helper()
	b, err := json.Marshal(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

func TestSegmentsCommands(t *testing.T) {
	e := seeded(t)
	e.actor.Roles = []command.Role{command.Manager}
	// Empty base: the report says so.
	r := e.ok(t, "segments")
	mustContain(t, "segments with no customer", r.Text(), "No customer has an order yet")

	// C1 buys often and lately; C2 once, long ago. With two customers,
	// the better one scores 1 + floor(5·1/2) = 3: Need attention.
	for _, line := range []string{"sale C1 100", "sale C1 200 yesterday", "sale C1 300 2026-11-01", "sale C2 50 2025-01-15"} {
		e.ok(t, line)
	}
	r = e.ok(t, "segments rfm")
	var rfm struct {
		AsOf string `json:"as_of"`
		RFM  struct {
			Customers int `json:"customers"`
			Segments  []struct {
				Segment   string `json:"segment"`
				Customers int    `json:"customers"`
			} `json:"segments"`
			R [5]int `json:"r"`
			F [5]int `json:"f"`
			M [5]int `json:"m"`
		} `json:"rfm"`
	}
	dataOf(t, r, &rfm)
	if rfm.AsOf != "2026-11-25" || rfm.RFM.Customers != 2 || rfm.RFM.R != [5]int{1, 0, 1, 0, 0} || rfm.RFM.F != [5]int{1, 0, 1, 0, 0} {
		t.Errorf("segments rfm data: %+v", rfm)
	}
	sizes := map[string]int{}
	for _, s := range rfm.RFM.Segments {
		sizes[s.Segment] = s.Customers
	}
	if len(rfm.RFM.Segments) != 10 || sizes["Need attention"] != 1 || sizes["Hibernating"] != 1 {
		t.Errorf("segment sizes %v", sizes)
	}
	mustContain(t, "segments rfm", r.Text(), "Need attention", "Customers at each R, F and M score")
	r = e.ok(t, "segments abc")
	var abc struct {
		ABC struct {
			A struct{ Customers int } `json:"a"`
			B struct{ Customers int } `json:"b"`
			C struct{ Customers int } `json:"c"`
		} `json:"abc"`
	}
	dataOf(t, r, &abc)
	if abc.ABC.A.Customers != 1 || abc.ABC.B.Customers != 1 || abc.ABC.C.Customers != 0 {
		t.Errorf("segments abc: %+v", abc)
	}
	mustContain(t, "segments pareto", e.ok(t, "segments pareto").Text(), "50.0 % of customers (1) make the first 80 % of revenue")
	mustContain(t, "segments", e.ok(t, "SEGMENTS").Text(), "RFM segments", "ABC classes", "Pareto")

	// find segment= with an RFM segment, in English or French, and other filters.
	if got := ids(t, e.ok(t, "find segment=need-attention")); len(got) != 1 || got[0] != "C1" {
		t.Errorf("find segment=need-attention: %v", got)
	}
	if got := ids(t, e.ok(t, "find segment=hibernants")); len(got) != 1 || got[0] != "C2" {
		t.Errorf("find segment=hibernants: %v", got)
	}
	if r := e.ok(t, "find segment=champions"); r.Title != "No contact matches." {
		t.Errorf("find segment=champions: %s", r.Title)
	}

	// Saved segments, in both styles.
	r = e.ok(t, "segment save big sector=agroalimentaire employees>=10")
	mustContain(t, "segment save words", r.Text(), `sector == "agroalimentaire" && employees >= 10`, "field=value words")
	r = e.ok(t, `segment save buyers 'orders >= 1 && stage == "customer"'`)
	mustContain(t, "segment save expression", r.Text(), "an expression of the scoring rules")
	r = e.ok(t, "segment list")
	var list []struct {
		Name    string `json:"name"`
		Filter  string `json:"filter"`
		Author  string `json:"author"`
		Members int    `json:"members"`
	}
	dataOf(t, r, &list)
	if len(list) != 2 || list[0].Name != "big" || list[1].Name != "buyers" || list[1].Members != 2 || list[0].Author != e.actor.ID {
		t.Errorf("segment list: %+v", list)
	}
	if got := ids(t, e.ok(t, "find segment=buyers")); len(got) != 2 {
		t.Errorf("find segment=buyers: %v", got)
	}
	if got := ids(t, e.ok(t, "find segment=buyers segment=à-surveiller")); len(got) != 1 || got[0] != "C1" {
		t.Errorf("two segments: %v", got)
	}

	// Bad input: a clear error, nothing changed.
	before := e.snapshot(t)
	for _, c := range []struct {
		line string
		code domain.Code
		says string
	}{
		{"segments xyz", domain.Invalid, "segments shows rfm, abc or pareto"},
		{"segment", domain.Invalid, "segment takes save, list or delete"},
		{"segment save big", domain.Invalid, "segment save needs a name and a filter"},
		{"segment save big employees>1", domain.Conflict, "already exists"},
		{"segment save champions employees>1", domain.Invalid, "RFM segment"},
		{"segment save x color=red", domain.Invalid, `cannot use "color"`},
		{`segment save x sector == "agro"`, domain.Invalid, "Quote the whole expression"},
		{"segment save x employees >=", domain.Invalid, "not a valid expression"},
		{"segment delete nope", domain.NotFound, "no saved segment"},
		{"find segment=nope", domain.NotFound, "there is no segment"},
		{"find segment!=loyal", domain.Invalid, "segment= takes the name"},
	} {
		r := e.fail(t, c.line, c.code)
		mustContain(t, c.line, r.Error.Message, c.says)
	}
	e.unchanged(t, "refused segment commands", before)
	if got := len(e.ok(t, "segment list").Data.([]segments.Saved)); got != 2 {
		t.Errorf("%d saved segments after refusals, want 2", got)
	}
	e.ok(t, "segment delete BIG")
	if got := len(e.ok(t, "segment list").Data.([]segments.Saved)); got != 1 {
		t.Errorf("%d saved segments after delete, want 1", got)
	}
}
