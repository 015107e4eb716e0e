package command

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/locale"
)

const (
	dupesUsage = "dupes [limit]"
	mergeUsage = "merge <duplicate> into <contact>"
	// dupesShown is how many pairs dupes lists unless told; dupesMax the
	// most it lists; mergeButtons how many pairs get a Merge button.
	dupesShown, dupesMax, mergeButtons = 20, 200, 5
)

func (e *Executor) dupes(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if e.Dupes == nil {
		return nil, domain.Errorf(domain.Unavailable, "finding duplicates is not set up in this crmbot process")
	}
	limit := dupesShown
	if len(args) > 1 {
		return nil, usageError(dupesUsage, "dupes takes at most a number of pairs to list, as in dupes 50")
	}
	if len(args) == 1 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 1 || n > dupesMax {
			return nil, usageError(dupesUsage, "%s is not a number of pairs from 1 to %d, as in dupes 50", quote(args[0]), dupesMax)
		}
		limit = n
	}
	rep, err := e.Dupes.Find(ctx, limit)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	if rep.Total == 0 {
		return &reply.Reply{Title: p.T("No likely duplicates among the contacts."), Data: rep}, nil
	}
	title := p.N(rep.Total, "%d likely duplicate pair", "%d likely duplicate pairs", rep.Total)
	if len(rep.Pairs) < rep.Total {
		title = p.T("%s, the %d surest:", title, len(rep.Pairs))
	}
	t := &reply.Table{Columns: []string{p.T("keep"), p.T("duplicate"), p.T("why"), p.T("sure")}}
	var actions []reply.Action
	for i, pair := range rep.Pairs {
		t.Rows = append(t.Rows, []string{DupeContact(pair.Kept, pair.Keep), DupeContact(pair.Duplicate, pair.Other),
			DupeReasons(p, pair.Dupe), p.Percent(pair.Confidence*100, 0)})
		if i < mergeButtons {
			line := "merge " + domain.ContactRef(pair.Other) + " into " + domain.ContactRef(pair.Keep)
			actions = append(actions, reply.Action{Label: p.T("Merge %s into %s", domain.ContactRef(pair.Other), domain.ContactRef(pair.Keep)), Command: line})
		}
	}
	return &reply.Reply{Title: title, Sections: []reply.Section{{Table: t},
		{Text: p.T("merge <duplicate> into <contact> folds the duplicate into the contact kept (needs manager).")}},
		Actions: actions, Data: rep}, nil
}

// DupeContact writes a contact of a pair as lists show it, or its
// reference when it is gone.
func DupeContact(c *domain.Contact, id int64) string {
	if c == nil { // merged or erased since the pairs were found
		return domain.ContactRef(id)
	}
	return crm.Describe(c)
}

// DupeReasons writes why a pair is likely one person, in p's language.
func DupeReasons(p *locale.Printer, d domain.Dupe) string {
	var out []string
	for _, r := range d.Reasons {
		switch r {
		case domain.SameEmail:
			out = append(out, p.T("same email once its +tag is dropped"))
		case domain.SamePhone:
			out = append(out, p.T("same phone"))
		case domain.SameNameCompany:
			out = append(out, p.T("same name and company"))
		case domain.CloseNames:
			out = append(out, p.N(d.Distance, "names %d letter apart at one company", "names %d letters apart at one company", d.Distance))
		}
	}
	return strings.Join(out, "; ")
}

func (e *Executor) merge(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	if e.Merger == nil {
		return nil, domain.Errorf(domain.Unavailable, "merging contacts is not set up in this crmbot process")
	}
	i := slices.IndexFunc(args, func(w string) bool { return domain.Keyword(w) == "into" })
	if i < 1 || i == len(args)-1 {
		return nil, usageError(mergeUsage, "merge needs the duplicate, the word into, then the contact to keep, as in merge C513 into C501")
	}
	m, err := e.Merger.Merge(ctx, a.ID, strings.Join(args[:i], " "), strings.Join(args[i+1:], " "))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	r := &reply.Reply{Title: p.T("Merged %s into %s", domain.ContactRef(m.MergedID), crm.Describe(m.Kept)), Data: m, Actions: cardActions(p, m.Kept)}
	if len(m.Conflicts) > 0 {
		t := &reply.Table{Columns: []string{p.T("field"), p.T("kept"), p.T("dropped")}}
		for _, c := range m.Conflicts {
			t.Rows = append(t.Rows, []string{c.Field, c.Kept, c.Dropped})
		}
		r.Sections = append(r.Sections, reply.Section{Heading: p.T("Both had these fields, differently: the kept contact's value stays"), Table: t})
	}
	r.Sections = append(r.Sections, reply.Section{Text: p.T("Every interaction, order, move, questionnaire and answer of %s is now %s's; score %d (%s). The merge is recorded.",
		domain.ContactRef(m.MergedID), m.Kept.Ref(), m.Kept.Score, m.Kept.Grade)})
	return r, nil
}
