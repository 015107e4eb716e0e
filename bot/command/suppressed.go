package command

import (
	"context"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
)

// SuppressionList is what suppressed reads of the suppression list.
type SuppressionList interface {
	EachSuppressed(ctx context.Context, batch int, fn func([]store.SuppressedContact) error) error
	SuppressionCounts(ctx context.Context) (map[domain.SuppressReason]int, int, error)
}

const suppressedUsage = "suppressed [opted_out|erased]"

// suppressedShown is how many suppressed contacts the reply lists.
const suppressedShown = 50

func (e *Executor) suppressed(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if e.Suppressions == nil {
		return nil, domain.Errorf(domain.Unavailable, "the suppression list is not set up in this crmbot process")
	}
	var only domain.SuppressReason
	switch {
	case len(args) > 1:
		return nil, usageError(suppressedUsage, "suppressed takes at most a reason: opted_out or erased")
	case len(args) == 1:
		only = domain.SuppressReason(keyword(args[0]))
		if only != domain.SuppressOptedOut && only != domain.SuppressErased {
			return nil, usageError(suppressedUsage, "%s is not a reason of the suppression list: use opted_out or erased", quote(args[0]))
		}
	}
	p := locale.From(ctx)
	t := &reply.Table{Columns: []string{p.T("contact"), p.T("why"), p.T("since")}}
	total := 0
	err := e.Suppressions.EachSuppressed(ctx, 5000, func(list []store.SuppressedContact) error {
		for _, s := range list {
			if only != "" && s.Suppression.Reason != only {
				continue
			}
			total++
			if len(t.Rows) < suppressedShown {
				t.Rows = append(t.Rows, []string{crm.Describe(s.Contact), suppressReason(p, s.Suppression.Reason), p.Date(s.Suppression.At)})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	counts, erased, err := e.Suppressions.SuppressionCounts(ctx)
	if err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: p.N(total, "%d contact is on the suppression list", "%d contacts are on the suppression list", total),
		Data: map[string]any{"contacts": total, "identifiers": counts, "erased_people": erased}}
	if len(t.Rows) > 0 {
		r.Sections = append(r.Sections, reply.Section{Table: t})
	}
	r.Sections = append(r.Sections, reply.Section{Text: p.T("The list holds %d identifiers (emails, phones, Telegram accounts) as keyed hashes: %d from opt-outs, %d from erasures; %s. A contact on it is not asked until the person consents again.",
		counts[domain.SuppressOptedOut]+counts[domain.SuppressErased], counts[domain.SuppressOptedOut], counts[domain.SuppressErased],
		p.N(erased, "%d person erased", "%d people erased", erased))})
	return r, nil
}

// suppressReason writes why an identifier is on the list.
func suppressReason(p *locale.Printer, r domain.SuppressReason) string {
	if r == domain.SuppressErased {
		return p.T("erased at their request")
	}
	return p.T("opted out")
}
