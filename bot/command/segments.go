package command

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/locale"
)

const (
	segmentsUsage = "segments [rfm|abc|pareto]"
	segmentUsage  = "segment save <name> <filter…> | segment list | segment delete <name>"
)

// segmentsService returns the segmentation service, or an error when the
// executor was built without one.
func (e *Executor) segmentsService() (*segments.Service, error) {
	if e.Segments == nil {
		return nil, domain.Errorf(domain.Unavailable, "segments are not set up in this crmbot process")
	}
	return e.Segments, nil
}

// segmentsReport answers segments [rfm|abc|pareto]: the current
// segmentation, or one part of it.
func (e *Executor) segmentsReport(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	svc, err := e.segmentsService()
	if err != nil {
		return nil, err
	}
	part := ""
	if len(args) > 0 {
		part = keyword(args[0])
	}
	if len(args) > 1 || part != "" && part != "rfm" && part != "abc" && part != "pareto" {
		return nil, usageError(segmentsUsage, "segments shows rfm, abc or pareto, or all three with no word (got %s)", quote(strings.Join(args, " ")))
	}
	rep, err := svc.Report(ctx, part == "" || part == "pareto")
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	r := &reply.Reply{Title: p.T("Segments of %s, as of %s", p.N(rep.RFM.Customers, "%d customer", "%d customers", rep.RFM.Customers), day(p, rep.AsOf))}
	if rep.RFM.Customers == 0 {
		r.Sections = append(r.Sections, reply.Section{Text: p.T("No customer has an order yet: record one with sale <contact> <amount>.")})
	}
	var data any = rep
	switch part {
	case "rfm":
		r.Sections, data = append(r.Sections, rfmSections(p, rep)...), map[string]any{"as_of": rep.AsOf, "window_days": rep.WindowDays, "rfm": rep.RFM}
	case "abc":
		r.Sections, data = append(r.Sections, abcSection(p, rep)), map[string]any{"as_of": rep.AsOf, "abc": rep.ABC}
	case "pareto":
		r.Sections, data = append(r.Sections, paretoSections(p, rep)...), map[string]any{"as_of": rep.AsOf, "pareto": rep.Pareto}
	default:
		r.Sections = append(append(append(r.Sections, rfmSections(p, rep)...), abcSection(p, rep)), paretoSections(p, rep)...)
	}
	r.Data = data
	return r, nil
}

// rfmSections draws the segment sizes and the customers at each score.
func rfmSections(p *locale.Printer, rep *segments.Report) []reply.Section {
	sizes := reply.Section{Heading: p.T("RFM segments")}
	for _, s := range rep.RFM.Segments {
		sizes.Fields = append(sizes.Fields, reply.Field{Label: p.T(string(s.Segment)), Value: strconv.Itoa(s.Customers)})
	}
	t := &reply.Table{Columns: []string{p.T("score"), "R", "F", "M"}}
	for i := 4; i >= 0; i-- {
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), strconv.Itoa(rep.RFM.R[i]), strconv.Itoa(rep.RFM.F[i]), strconv.Itoa(rep.RFM.M[i])})
	}
	return []reply.Section{sizes, {Heading: p.T("Customers at each R, F and M score"), Table: t}}
}

// abcSection draws the ABC groups.
func abcSection(p *locale.Printer, rep *segments.Report) reply.Section {
	t := &reply.Table{Columns: []string{p.T("class"), p.T("customers"), p.T("revenue"), p.T("share of revenue")}}
	for _, g := range []struct {
		name string
		g    domain.ABCGroup
	}{{"A", rep.ABC.A}, {"B", rep.ABC.B}, {"C", rep.ABC.C}} {
		t.Rows = append(t.Rows, []string{g.name, strconv.Itoa(g.g.Customers), domain.FormatAmount(g.g.Revenue), percent(p, g.g.Revenue, rep.ABC.Total)})
	}
	return reply.Section{Heading: p.T("ABC classes (customers ranked by revenue)"), Table: t}
}

// paretoSections draws the Pareto figure, then the top customers' traits
// under a heading of their own (fields draw before a section's text, so
// the two cannot share a section).
func paretoSections(p *locale.Printer, rep *segments.Report) []reply.Section {
	sec := reply.Section{Heading: "Pareto",
		Text: p.T("%s of customers (%d) make the first %s of revenue.", pct(p, 100*rep.Pareto.Share, 1), rep.Pareto.Customers, pctG(p, rep.Pareto.RevenuePercent))}
	if len(rep.Pareto.Traits) == 0 {
		sec.Text += " " + p.T("No trait stands out among the top %s.", pctG(p, rep.Pareto.TopPercent))
		return []reply.Section{sec}
	}
	traits := reply.Section{Heading: p.T("What the top %s have in common", pctG(p, rep.Pareto.TopPercent))}
	for i, tr := range rep.Pareto.Traits {
		if i == 10 {
			break
		}
		traits.Fields = append(traits.Fields, reply.Field{Label: tr.Key + "=" + tr.Value,
			Value: p.T("%s of the top vs %s of all (lift %s)", pct(p, 100*tr.ShareTop, 0), pct(p, 100*tr.ShareAll, 0), p.Decimal(tr.Lift, 1))})
	}
	return []reply.Section{sec, traits}
}

// percent is part/total as a percentage with one decimal.
func percent(p *locale.Printer, part, total int64) string {
	if total == 0 {
		return pct(p, 0, 1)
	}
	return pct(p, 100*float64(part)/float64(total), 1)
}

// pctG writes a percentage with as many decimals as it has (20 %, 12.5 %).
func pctG(p *locale.Printer, v float64) string {
	if p.French() {
		return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1) + "\u00a0%"
	}
	return fmt.Sprintf("%g %%", v)
}

// segment answers segment save|list|delete.
func (e *Executor) segment(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	svc, err := e.segmentsService()
	if err != nil {
		return nil, err
	}
	sub := ""
	if len(args) > 0 {
		sub = keyword(args[0])
	}
	p := locale.From(ctx)
	switch {
	case sub == "list" && len(args) == 1:
		return segmentList(ctx, p, svc)
	case sub == "delete" && len(args) == 2:
		if err := svc.Delete(ctx, args[1]); err != nil {
			return nil, err
		}
		return &reply.Reply{Title: p.T("Deleted the saved segment %s", strings.ToLower(args[1])), Data: map[string]string{"deleted": strings.ToLower(args[1])}}, nil
	case sub == "save" && len(args) >= 3:
		return segmentSave(ctx, p, svc, a, args[1], args[2:])
	case sub == "save":
		return nil, usageError(segmentUsage, `segment save needs a name and a filter, as in segment save big-agro sector=agro employees>=50, or segment save big-agro 'sector == "agro" && employees >= 50'`)
	case sub == "delete":
		return nil, usageError(segmentUsage, "segment delete takes one name, as in segment delete big-agro")
	}
	return nil, usageError(segmentUsage, "segment takes save, list or delete (got %s)", quote(strings.Join(args, " ")))
}

func segmentSave(ctx context.Context, p *locale.Printer, svc *segments.Service, a Actor, name string, words []string) (*reply.Reply, error) {
	filter, style, err := segments.ParseFilter(words)
	if err != nil {
		return nil, err
	}
	seg, err := svc.Save(ctx, a.ID, name, filter)
	if err != nil {
		return nil, err
	}
	how := p.T("an expression of the scoring rules")
	if style == segments.StyleWords {
		how = p.T("field=value words, translated into an expression")
	}
	sections := []reply.Section{{Fields: []reply.Field{{Label: p.T("filter"), Value: seg.Filter}, {Label: p.T("written as"), Value: how}}}}
	for _, f := range seg.Failures {
		sections = append(sections, reply.Section{Heading: p.T("Warning"), Text: p.T(
			"The filter fails on %d of %s, who are not members (first on %s: %s).",
			f.Contacts, p.N(seg.Contacts, "%d contact", "%d contacts", seg.Contacts), domain.ContactRef(f.FirstContact), f.FirstError)})
	}
	sections = append(sections, reply.Section{Text: p.T("find segment=%s lists its contacts.", seg.Name)})
	return &reply.Reply{Title: p.T("Saved the segment %s: %s", seg.Name, p.N(seg.Members, "%d member", "%d members", seg.Members)),
		Sections: sections,
		Data:     map[string]any{"segment": seg, "style": style},
		Actions:  []reply.Action{{Label: p.T("Contacts"), Command: "find segment=" + seg.Name}}}, nil
}

func segmentList(ctx context.Context, p *locale.Printer, svc *segments.Service) (*reply.Reply, error) {
	list, err := svc.List(ctx)
	if err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: p.N(len(list), "%d saved segment", "%d saved segments", len(list)), Data: list}
	if len(list) == 0 {
		r.Sections = []reply.Section{{Text: p.T("No saved segment yet: a manager saves one with segment save <name> <filter…>.")}}
		return r, nil
	}
	t := &reply.Table{Columns: []string{p.T("name"), p.T("members"), p.T("filter"), p.T("by")}}
	for _, s := range list {
		t.Rows = append(t.Rows, []string{s.Name, strconv.Itoa(s.Members), s.Filter, s.Author})
	}
	r.Sections = []reply.Section{{Table: t}}
	return r, nil
}

// segmentFilter restricts q to the members of segment name (an RFM or a
// saved segment): find segment=champions.
func (e *Executor) segmentFilter(ctx context.Context, q *domain.ContactQuery, op domain.Op, name, usage string) error {
	if op != domain.Eq || strings.TrimSpace(name) == "" {
		return usageError(usage, "segment= takes the name of an RFM segment (champions, at-risk, …) or of a saved segment, as in segment=champions")
	}
	svc, err := e.segmentsService()
	if err != nil {
		return err
	}
	ids, _, err := svc.Members(ctx, name)
	if err != nil {
		return err
	}
	if q.IDs != nil {
		ids = intersect(q.IDs, ids)
	}
	q.IDs = ids
	return nil
}

// intersect returns the ids in both sorted lists, never nil.
func intersect(a, b []int64) []int64 {
	out := []int64{}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}
