package command

import (
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
)

// This file writes what decay and the two axes add to a score: a decayed
// rule's age and factor, the total rounded once, the fit grade and the
// engagement.

// firedText writes a rule that fired: "+10 Filled a form", or, when its
// points decayed, "+10 Filled a form (60 days ago, ×0.25) → +2.5".
func firedText(p *locale.Printer, f domain.Fired) string {
	return fmt.Sprintf("%+d %s", f.Points, firedRule(p, f))
}

// firedRule is firedText without the points in front: the rule column of
// score's table.
func firedRule(p *locale.Printer, f domain.Fired) string {
	name := ruleName(p, f.Rule)
	d := f.Decay
	if !faded(f) {
		return name
	}
	return p.T("%s (%s, ×%s) → %s", name, p.N(d.AgeDays, "%d day ago", "%d days ago", d.AgeDays),
		shortDecimal(p, d.Factor), signedDecimal(p, d.Points))
}

// faded reports whether f's points decayed: activity of today keeps
// them whole, and says nothing of it.
func faded(f domain.Fired) bool { return f.Decay != nil && f.Decay.Factor < 1 }

// shortDecimal writes f with at most two decimals, without trailing
// zeros: 0.25, 0.5, 1.
func shortDecimal(p *locale.Printer, f float64) string {
	s := p.Decimal(f, 2)
	if strings.ContainsAny(s, ".,") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".,")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

func signedDecimal(p *locale.Printer, f float64) string {
	s := shortDecimal(p, f)
	if !strings.HasPrefix(s, "-") {
		s = "+" + s
	}
	return s
}

// scoreTotal writes the total of a score: "Total 47." as before decay;
// with decayed rules the unrounded sum and its rounding, once.
func scoreTotal(p *locale.Printer, r domain.ScoreResult) string {
	sum, decayed := 0.0, false
	for _, f := range r.Fired {
		if faded(f) {
			sum, decayed = sum+f.Decay.Points, true
		} else {
			sum += float64(f.Points)
		}
	}
	switch {
	case !decayed && r.Raw != r.Score:
		return p.T("Total %d, clamped to %d.", r.Raw, r.Score)
	case !decayed:
		return p.T("Total %d.", r.Raw)
	case r.Raw != r.Score:
		return p.T("Total %s, rounded to %d, clamped to %d.", shortDecimal(p, sum), r.Raw, r.Score)
	}
	return p.T("Total %s, rounded to %d.", shortDecimal(p, sum), r.Raw)
}

// axesFields are the fit grade and the engagement of a score, as the card
// and score show them.
func axesFields(p *locale.Printer, r domain.ScoreResult) []reply.Field {
	return []reply.Field{
		{Label: p.T("fit"), Value: p.T("%s (%s)", r.Fit, p.N(r.FitPoints, "%d point", "%d points", r.FitPoints))},
		{Label: p.T("engagement"), Value: p.T("%d of 100", r.Engagement)},
	}
}

// axisLabel names a field to sort by: fit and engagement in the reader's
// language, the others as fieldLabel does.
func axisLabel(p *locale.Printer, name string) string {
	switch name {
	case "fit":
		return p.T("fit")
	case "engagement":
		return p.T("engagement")
	}
	return fieldLabel(p, name)
}

// fitEngagementSection draws the digest's fit × engagement matrix: a row
// per fit grade, a column per engagement quartile, contacts in each cell.
func fitEngagementSection(p *locale.Printer, m domain.FitMatrix) reply.Section {
	t := &reply.Table{Columns: append([]string{p.T("fit / engagement")}, domain.EngagementColumns...)}
	for i, grade := range domain.FitRows {
		row := []string{grade}
		for _, n := range m[i] {
			row = append(row, p.Number(int64(n)))
		}
		t.Rows = append(t.Rows, row)
	}
	return reply.Section{Heading: p.T("Fit × engagement"), Table: t}
}
