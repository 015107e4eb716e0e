package command

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/segments"
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
		part = strings.ToLower(args[0])
	}
	if len(args) > 1 || part != "" && part != "rfm" && part != "abc" && part != "pareto" {
		return nil, usageError(segmentsUsage, "segments shows rfm, abc or pareto, or all three with no word (got %s)", quote(strings.Join(args, " ")))
	}
	rep, err := svc.Report(ctx, part == "" || part == "pareto")
	if err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: fmt.Sprintf("Segments of %s, as of %s", domain.Count(rep.RFM.Customers, "customer"), rep.AsOf)}
	if rep.RFM.Customers == 0 {
		r.Sections = append(r.Sections, reply.Section{Text: "No customer has an order yet: record one with sale <contact> <amount>."})
	}
	var data any = rep
	switch part {
	case "rfm":
		r.Sections, data = append(r.Sections, rfmSections(rep)...), map[string]any{"as_of": rep.AsOf, "window_days": rep.WindowDays, "rfm": rep.RFM}
	case "abc":
		r.Sections, data = append(r.Sections, abcSection(rep)), map[string]any{"as_of": rep.AsOf, "abc": rep.ABC}
	case "pareto":
		r.Sections, data = append(r.Sections, paretoSections(rep)...), map[string]any{"as_of": rep.AsOf, "pareto": rep.Pareto}
	default:
		r.Sections = append(append(append(r.Sections, rfmSections(rep)...), abcSection(rep)), paretoSections(rep)...)
	}
	r.Data = data
	return r, nil
}

// rfmSections draws the segment sizes and the customers at each score.
func rfmSections(rep *segments.Report) []reply.Section {
	sizes := reply.Section{Heading: "RFM segments"}
	for _, s := range rep.RFM.Segments {
		sizes.Fields = append(sizes.Fields, reply.Field{Label: string(s.Segment), Value: strconv.Itoa(s.Customers)})
	}
	t := &reply.Table{Columns: []string{"score", "R", "F", "M"}}
	for i := 4; i >= 0; i-- {
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), strconv.Itoa(rep.RFM.R[i]), strconv.Itoa(rep.RFM.F[i]), strconv.Itoa(rep.RFM.M[i])})
	}
	return []reply.Section{sizes, {Heading: "Customers at each R, F and M score", Table: t}}
}

// abcSection draws the ABC groups.
func abcSection(rep *segments.Report) reply.Section {
	t := &reply.Table{Columns: []string{"class", "customers", "revenue", "share of revenue"}}
	for _, g := range []struct {
		name string
		g    domain.ABCGroup
	}{{"A", rep.ABC.A}, {"B", rep.ABC.B}, {"C", rep.ABC.C}} {
		t.Rows = append(t.Rows, []string{g.name, strconv.Itoa(g.g.Customers), domain.FormatAmount(g.g.Revenue), percent(g.g.Revenue, rep.ABC.Total)})
	}
	return reply.Section{Heading: "ABC classes (customers ranked by revenue)", Table: t}
}

// paretoSections draws the Pareto figure, then the top customers' traits
// under a heading of their own (fields draw before a section's text, so
// the two cannot share a section).
func paretoSections(rep *segments.Report) []reply.Section {
	sec := reply.Section{Heading: "Pareto",
		Text: fmt.Sprintf("%.1f %% of customers (%d) make the first %g %% of revenue.", 100*rep.Pareto.Share, rep.Pareto.Customers, rep.Pareto.RevenuePercent)}
	if len(rep.Pareto.Traits) == 0 {
		sec.Text += fmt.Sprintf(" No trait stands out among the top %g %%.", rep.Pareto.TopPercent)
		return []reply.Section{sec}
	}
	traits := reply.Section{Heading: fmt.Sprintf("What the top %g %% have in common", rep.Pareto.TopPercent)}
	for i, tr := range rep.Pareto.Traits {
		if i == 10 {
			break
		}
		traits.Fields = append(traits.Fields, reply.Field{Label: tr.Key + "=" + tr.Value,
			Value: fmt.Sprintf("%.0f %% of the top vs %.0f %% of all (lift %.1f)", 100*tr.ShareTop, 100*tr.ShareAll, tr.Lift)})
	}
	return []reply.Section{sec, traits}
}

// percent is part/total as a percentage with one decimal.
func percent(part, total int64) string {
	if total == 0 {
		return "0.0 %"
	}
	return fmt.Sprintf("%.1f %%", 100*float64(part)/float64(total))
}

// segment answers segment save|list|delete.
func (e *Executor) segment(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	svc, err := e.segmentsService()
	if err != nil {
		return nil, err
	}
	sub := ""
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	switch {
	case sub == "list" && len(args) == 1:
		return segmentList(ctx, svc)
	case sub == "delete" && len(args) == 2:
		if err := svc.Delete(ctx, args[1]); err != nil {
			return nil, err
		}
		return &reply.Reply{Title: "Deleted the saved segment " + strings.ToLower(args[1]), Data: map[string]string{"deleted": strings.ToLower(args[1])}}, nil
	case sub == "save" && len(args) >= 3:
		return segmentSave(ctx, svc, a, args[1], args[2:])
	case sub == "save":
		return nil, usageError(segmentUsage, `segment save needs a name and a filter, as in segment save big-agro sector=agro employees>=50, or segment save big-agro 'sector == "agro" && employees >= 50'`)
	case sub == "delete":
		return nil, usageError(segmentUsage, "segment delete takes one name, as in segment delete big-agro")
	}
	return nil, usageError(segmentUsage, "segment takes save, list or delete (got %s)", quote(strings.Join(args, " ")))
}

func segmentSave(ctx context.Context, svc *segments.Service, a Actor, name string, words []string) (*reply.Reply, error) {
	filter, style, err := segments.ParseFilter(words)
	if err != nil {
		return nil, err
	}
	seg, err := svc.Save(ctx, a.ID, name, filter)
	if err != nil {
		return nil, err
	}
	how := "an expression of the scoring rules"
	if style == segments.StyleWords {
		how = "field=value words, translated into an expression"
	}
	sections := []reply.Section{{Fields: []reply.Field{{Label: "filter", Value: seg.Filter}, {Label: "written as", Value: how}}}}
	for _, f := range seg.Failures {
		sections = append(sections, reply.Section{Heading: "Warning", Text: fmt.Sprintf(
			"The filter fails on %d of %s, who are not members (first on %s: %s).",
			f.Contacts, domain.Count(seg.Contacts, "contact"), domain.ContactRef(f.FirstContact), f.FirstError)})
	}
	sections = append(sections, reply.Section{Text: "find segment=" + seg.Name + " lists its contacts."})
	return &reply.Reply{Title: fmt.Sprintf("Saved the segment %s: %s", seg.Name, domain.Count(seg.Members, "member")),
		Sections: sections,
		Data:     map[string]any{"segment": seg, "style": style},
		Actions:  []reply.Action{{Label: "Contacts", Command: "find segment=" + seg.Name}}}, nil
}

func segmentList(ctx context.Context, svc *segments.Service) (*reply.Reply, error) {
	list, err := svc.List(ctx)
	if err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: domain.Count(len(list), "saved segment"), Data: list}
	if len(list) == 0 {
		r.Sections = []reply.Section{{Text: "No saved segment yet: a manager saves one with segment save <name> <filter…>."}}
		return r, nil
	}
	t := &reply.Table{Columns: []string{"name", "members", "filter", "by"}}
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
