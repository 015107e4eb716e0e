package command

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/locale"
)

func (e *Executor) help(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	p := locale.From(ctx)
	if len(args) > 0 {
		s := lookup(args[0])
		if s == nil {
			return nil, usageError("help [command]", "there is no command %s.%s Type help to list them.", quote(args[0]), domain.DidYouMean(args[0], commandNames()))
		}
		usage := p.T(s.usage)
		sec := reply.Section{Fields: []reply.Field{{Label: p.T("usage"), Value: usage}}}
		if fr := frenchWords(s.name); len(fr) > 0 {
			sec.Fields = append(sec.Fields, reply.Field{Label: p.T("in French"), Value: strings.Join(fr, ", ")})
		}
		for _, ex := range s.examples {
			sec.Fields = append(sec.Fields, reply.Field{Label: p.T("example"), Value: p.T(ex)})
		}
		if s.soon != "" {
			sec.Text = p.T("Not available yet: it comes with %s.", p.T(s.soon))
		}
		// The usage's first word is the command as the reader types it.
		name, _, _ := strings.Cut(usage, " ")
		return &reply.Reply{Title: name + " — " + p.T(s.summary), Sections: []reply.Section{sec, helpRefs(p)}}, nil
	}
	t := &reply.Table{Columns: []string{p.T("command"), p.T("does")}}
	for _, s := range specs {
		does := p.T(s.summary)
		if s.soon != "" {
			does += p.T(" (coming soon)")
		}
		t.Rows = append(t.Rows, []string{p.T(s.usage), does})
	}
	return &reply.Reply{Title: p.T("crmbot commands"), Sections: []reply.Section{{Table: t}, helpRefs(p),
		{Text: p.T("help <command> shows examples.")}}}, nil
}

func helpRefs(p *locale.Printer) reply.Section {
	names := make([]string, len(domain.Fields))
	for i, f := range domain.Fields {
		names[i] = typedField(p, f.Name)
	}
	return reply.Section{Heading: p.T("Writing values"), Fields: []reply.Field{
		{Label: p.T("contact"), Value: p.T("an id (C42 or 42), an email, a phone number, or a part of the name that matches one contact")},
		{Label: p.T("words"), Value: p.T(`quotes group words: add "Jeanne Martin" company="Fromagerie Martin"`)},
		{Label: p.T("amounts"), Value: "1200, 1200.50, 1 200,50 €"},
		{Label: p.T("dates"), Value: p.T("2026-11-20, 20/11/2026, today, yesterday")},
		{Label: p.T("fields"), Value: p.T("%s; attr.<name>=value for your own", strings.Join(names, ", "))},
	}}
}

// splitArgs separates key=value words from the other words.
func splitArgs(args []string) (words []string, set []crm.Assignment) {
	for _, a := range args {
		if k, v, ok := assignment(a); ok {
			set = append(set, crm.Assignment{Key: k, Value: v})
			continue
		}
		words = append(words, a)
	}
	return words, set
}

const addUsage = "add <name> [key=value…]"

func (e *Executor) add(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	words, set := splitArgs(args)
	if len(words) == 0 {
		return nil, usageError(addUsage, `add needs the contact's name, as in add "Jeanne Martin" email=jeanne@martin.fr`)
	}
	// A last word force (after a name) adds a likely duplicate anyway.
	force := len(words) > 1 && keyword(words[len(words)-1]) == "force"
	if force {
		words = words[:len(words)-1]
	}
	p := locale.From(ctx)
	c, err := e.CRM.Add(ctx, a.ID, strings.Join(words, " "), set, force)
	if dup := (*crm.LikelyDuplicate)(nil); errors.As(err, &dup) {
		r := e.failure(p, "add", err, addUsage)
		r.Actions = []reply.Action{{Label: p.T("Add anyway"), Command: "add " + quoteWords(args) + " force"}}
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	r := cardReply(p, &crm.Card{Contact: c, Score: domain.ScoreResult{Score: c.Score, Grade: c.Grade}}, false)
	r.Title = p.T("Added %s", r.Title)
	return r, nil
}

func (e *Executor) edit(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	words, set := splitArgs(args)
	if len(words) == 0 {
		return nil, usageError("edit <contact> key=value…", "edit needs a contact and key=value pairs, as in edit C42 city=Lyon")
	}
	c, err := e.CRM.Edit(ctx, a.ID, strings.Join(words, " "), set)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	var changed []reply.Field
	for _, s := range set {
		key := s.Key
		if f, ok := domain.LookupField(key); ok {
			key = f.Name
		}
		v := c.Display(key) // money as the card writes it: 1 200,50 €
		if v == "" {
			v = p.T("(cleared)")
		}
		changed = append(changed, reply.Field{Label: fieldLabel(p, key), Value: v})
	}
	return &reply.Reply{Title: p.T("Updated %s", crm.Describe(c)), Sections: []reply.Section{{Fields: changed},
		{Text: p.T("Score %d (%s)", c.Score, c.Grade)}}, Data: c, Actions: cardActions(p, c)}, nil
}

func (e *Executor) show(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 {
		return nil, usageError("show <contact>", "show needs a contact: an id (C42), an email, a phone or a part of the name")
	}
	card, err := e.CRM.Show(ctx, strings.Join(args, " "))
	if err != nil {
		return nil, err
	}
	consent, err := e.consentState(ctx, card.Contact)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	r := cardReply(p, card, true)
	r.Sections = append(r.Sections, consentSection(p, consent))
	data := &Card{Card: card, Consent: consent}
	if e.Personas != nil {
		f := card.Facts
		if data.Persona, err = e.Personas.ClosestTo(ctx, card.Contact, f.Orders, f.Revenue, f.LastOrder); err != nil {
			return nil, err
		}
		if cp := data.Persona; cp != nil {
			r.Sections = append(r.Sections, reply.Section{Text: p.T("Closest persona: %d — %s (personas of %s).", cp.Persona.Number, cp.Persona.Name, p.Date(cp.Of.In(e.Loc)))})
		}
	}
	r.Data = data
	if consent != nil && !consent.DetractorPauseSince.IsZero() {
		r.Actions = append(r.Actions, reply.Action{Label: p.T("Handled"), Command: "handled " + card.Contact.Ref()})
	}
	return r, nil
}

const findUsage = "find [word…] [field=value…] [sort=field|-field] [limit=N] [page=N]"

// query reads filters, sort=, limit= and page= words; a bare word matches
// the name or company.
func (e *Executor) query(ctx context.Context, args []string, usage string) (domain.ContactQuery, int, error) {
	q := domain.ContactQuery{Limit: 20}
	page := 1
	for _, w := range args {
		if keyword(w) == "rotting" { // find rotting: the deals idle past their stage's rot days
			rq, err := e.CRM.RottingQuery(q)
			if err != nil {
				return q, 0, withUsage(err, usage)
			}
			q = rq
			continue
		}
		field, op, value, ok := domain.SplitFilter(w)
		if !ok {
			field, op, value = "name", domain.Contains, w
		}
		switch name := keyword(field); name {
		case "sort":
			sort := strings.ToLower(value)
			name, _, ok := domain.FilterFieldKind(keyword(strings.TrimPrefix(sort, "-"))) // tri=-profil sorts by fit
			if !ok || op != domain.Eq {
				return q, 0, usageError(usage, "cannot sort by %s: use a field such as name, score, created or -score for the highest first", quote(value))
			}
			q.Sort, q.Desc = name, strings.HasPrefix(sort, "-") // tri=-ville sorts by city
			continue
		case "limit", "page":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 1000 || op != domain.Eq {
				typed := strings.ToLower(field)
				return q, 0, usageError(usage, "%s takes a number from 1 to 1000, as in %s=20 (got %s)", typed, typed, quote(w))
			}
			if name == "limit" {
				q.Limit = n
			} else {
				page = n
			}
			continue
		case "segment":
			if err := e.segmentFilter(ctx, &q, op, value, usage); err != nil {
				return q, 0, err
			}
			continue
		case "fit":
			field = name // profil=A reads as fit=A
		case "persona":
			if err := e.personaFilter(ctx, &q, op, value, usage); err != nil {
				return q, 0, err
			}
			continue
		}
		f, err := domain.ParseFilter(field, op, value, e.now())
		if err != nil {
			return q, 0, withUsage(err, usage) // its message, for the reader's language
		}
		if f.Field == "name" && f.Op == domain.Contains {
			f.Value, f.Arg = domain.Fold(value), domain.Fold(value)
			f.Field = "search"
		}
		q.Filters = append(q.Filters, f)
	}
	q.Offset = (page - 1) * q.Limit
	return q, page, nil
}

func (e *Executor) find(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	q, page, err := e.query(ctx, args, findUsage)
	if err != nil {
		return nil, err
	}
	q.Count = q.Offset + q.Limit + countAhead
	list, total, err := e.CRM.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	rots, err := e.CRM.RotOf(ctx, list)
	if err != nil {
		return nil, err
	}
	r := contactList(p, list, rots)
	from, to := q.Offset+1, q.Offset+len(list)
	more := total > int64(q.Count) // counted up to q.Count only
	switch {
	case total == 0:
		r.Title = p.T("No contact matches.")
	case len(list) == 0:
		r.Title = p.T("%s; page %d is past the end.", countMatching(p, total), page)
	case more:
		r.Title = p.T("Contacts %d–%d of more than %d", from, to, q.Count)
	default:
		r.Title = p.T("Contacts %d–%d of %d", from, to, total)
	}
	if int64(to) < total {
		next := strings.Join(append(withoutPage(args), fmt.Sprintf("page=%d", page+1)), " ")
		r.Sections = append(r.Sections, reply.Section{Text: p.T("More: find %s", next)})
		r.Actions = append(r.Actions, reply.Action{Label: p.T("Next page"), Command: "find " + next})
	}
	data := map[string]any{"total": total, "page": page, "limit": q.Limit, "contacts": list}
	if more {
		data["total"], data["more_than"] = nil, q.Count
	}
	r.Data = data
	return r, nil
}

// countAhead is how many matches find counts past its page at most: a
// count reads every match it counts, which on a million contacts costs
// far more than the page; past it, the reply says "more than".
const countAhead = 200

// countMatching says how many contacts match, the verb agreeing.
func countMatching(p *locale.Printer, n int64) string {
	return p.N(int(n), "%d contact matches", "%d contacts match", n)
}

func withoutPage(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(strings.ToLower(a), "page=") {
			out = append(out, quoteWord(a))
		}
	}
	return out
}

// quoteWords writes words back as a command line that Split reads as them.
func quoteWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}

// quoteWord writes w so that Split reads it back as the one word w: as it
// is when it needs no quotes, else key="value" or "word". A word holding
// both kinds of straight quote is written as several runs, each in the
// quote that does not occur in it, which Split joins back into one word.
func quoteWord(w string) string {
	if words, err := Split(w); err == nil && len(words) == 1 && words[0] == w {
		return w
	}
	var b strings.Builder
	if k, v, ok := assignment(w); ok {
		b.WriteString(k + "=")
		w = v
	}
	runes := []rune(w)
	for first := true; first || len(runes) > 0; first = false {
		open, n := '"', 0
		for _, q := range []rune{'"', '\''} {
			m := slices.IndexFunc(runes, func(r rune) bool { return r == closing[q] || q == '"' && r == '”' })
			if m < 0 {
				m = len(runes)
			}
			if m > n {
				open, n = q, m
			}
		}
		b.WriteRune(open)
		b.WriteString(string(runes[:n]))
		b.WriteRune(closing[open])
		runes = runes[n:]
	}
	return b.String()
}

func contactList(p *locale.Printer, list []*domain.Contact, rots map[int64]crm.Rot) *reply.Reply {
	// "id" reads the same in French, and go-i18n reserves it as a key.
	t := &reply.Table{Columns: []string{"id", p.T("name"), p.T("company"), p.T("stage"), p.T("score"), p.T("owner")}}
	for _, c := range list {
		stage := stageName(p, c.Stage)
		if r, ok := rots[c.ID]; ok {
			stage = rotMark + " " + p.N(r.Idle, "%[1]s, %[2]d day idle", "%[1]s, %[2]d days idle", stage, r.Idle)
		}
		t.Rows = append(t.Rows, []string{c.Ref(), c.Name, c.Company, stage, fmt.Sprintf("%d %s", c.Score, c.Grade), c.Owner})
	}
	return &reply.Reply{Sections: []reply.Section{{Table: t}}}
}

// rotMark marks a rotting deal in cards and lists.
const rotMark = "🟥"

// splitAt finds the first word after the contact that match accepts and
// returns the contact reference before it and the words after it.
func splitAt(args []string, match func(string) bool) (ref string, at string, rest []string, ok bool) {
	for i := 1; i < len(args); i++ {
		if match(args[i]) {
			return strings.Join(args[:i], " "), args[i], args[i+1:], true
		}
	}
	return "", "", nil, false
}

// notFoundAfter explains why splitAt found no word that parse accepts
// after the contact: too few words, the one word after the contact, or, when
// the contact may be several words long, every word after the first.
func notFoundAfter(args []string, parse func(string) error, usage string, tooFew, want domain.Msg) error {
	switch len(args) {
	case 0, 1:
		return usageError(usage, "%s", tooFew)
	case 2:
		return parse(args[1]) // Run adds the usage
	}
	return usageError(usage, "none of the words after the contact (%s) is %s", quote(strings.Join(args[1:], " ")), want)
}

func (e *Executor) move(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	const usage = "move <contact> <stage> [note]"
	parse := func(w string) error { _, err := domain.ParseStage(w); return err }
	ref, stage, rest, ok := splitAt(args, func(w string) bool { return parse(w) == nil })
	if !ok {
		return nil, notFoundAfter(args, parse, usage, domain.M("move needs a contact and a stage, as in move C42 prospect"),
			domain.M("a pipeline stage: use lead, prospect, qualified, customer or lost (French: piste, qualifié, client or gagné, perdu), as in move C42 prospect"))
	}
	c, m, err := e.CRM.Move(ctx, a.ID, ref, stage, strings.Join(rest, " "))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Moved %s from %s to %s", crm.Describe(c), stageName(p, m.From), stageName(p, m.To)),
		Data: m, Actions: cardActions(p, c)}, nil
}

func (e *Executor) log(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	const usage = "log <contact> <kind> [note]"
	parse := func(w string) error { _, err := domain.ParseInteractionKind(w); return err }
	ref, kind, rest, ok := splitAt(args, func(w string) bool { return parse(w) == nil })
	if !ok {
		return nil, notFoundAfter(args, parse, usage, domain.M("log needs a contact and a kind, as in log C42 call"),
			domain.M("an interaction kind: use call, meeting, email, email-opened, click, form, download, request or visit, as in log C42 call"))
	}
	c, i, err := e.CRM.Log(ctx, a.ID, ref, kind, strings.Join(rest, " "))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Logged %s with %s — score %d (%s)", kindName(p, i.Kind), crm.Describe(c), c.Score, c.Grade),
		Data: i, Actions: cardActions(p, c)}, nil
}

func (e *Executor) sale(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	const usage = "sale <contact> <amount> [date] [note]"
	isAmount := func(w string) bool {
		// A date such as 20.11.2026 looks like an amount but is not one;
		// a negative amount is taken, for ParseAmount to refuse it; a
		// quoted amount ("1 200,50 €") is one word with its spaces.
		if _, err := domain.ParseDate(w, e.now()); err == nil {
			return false
		}
		_, err := domain.ParseAmount(w)
		return err == nil || domain.LooksLikeAmountPart(strings.TrimPrefix(w, "-")) && strings.ContainsAny(w, "0123456789")
	}
	ref, first, rest, ok := splitAt(args, isAmount)
	if !ok {
		parse := func(w string) error { _, err := domain.ParseAmount(w); return err }
		return nil, notFoundAfter(args, parse, usage, domain.M("sale needs a contact and an amount, as in sale C42 1200 or sale C42 1 200,50 €"),
			domain.M("an amount: write it like 1200, 1200.50 or 1 200,50 €, as in sale C42 1200"))
	}
	parts, rest := amountWords(first, rest)
	amount, err := domain.ParseAmount(strings.Join(parts, " "))
	if err != nil {
		return nil, err // Run adds the usage
	}
	day, err := domain.ParseDate("today", e.now())
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		if d, err := domain.ParseDate(rest[0], e.now()); err == nil {
			day, rest = d, rest[1:]
		} else if looksDateish(rest[0]) {
			return nil, err
		}
	}
	c, o, err := e.CRM.Sale(ctx, a.ID, ref, amount, day, strings.Join(rest, " "))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Recorded a sale of %s on %s for %s — now %s, score %d (%s)",
		domain.FormatAmount(o.Amount), p.Date(o.Date), crm.Describe(c), stageName(p, c.Stage), c.Score, c.Grade),
		Data: o, Actions: cardActions(p, c)}, nil
}

var (
	// leadGroup is the first word of an amount typed with thousands
	// separated by spaces: 1 to 3 digits, maybe after a €.
	leadGroup = regexp.MustCompile(`^€?[0-9]{1,3}$`)
	// thousands is a group of three digits after it, maybe with the
	// decimals or the € that end the amount.
	thousands = regexp.MustCompile(`^[0-9]{3}([.,][0-9]{1,2})?€?$`)
)

// amountWords gathers the words of an amount from its first word: the
// thousands groups of "1 200 000,50" and a currency word ("€", "EUR",
// "euros") after it. It stops at anything else, so that "1200 3 boxes"
// is 1200 € and the note "3 boxes", and "1200 20.11.2026" a date.
func amountWords(first string, rest []string) (parts, after []string) {
	parts = []string{first}
	grouping := leadGroup.MatchString(first)
	for len(rest) > 0 {
		w := rest[0]
		switch {
		case w == "€" || strings.EqualFold(w, "eur") || strings.EqualFold(w, "euro") || strings.EqualFold(w, "euros"):
			return append(parts, "€"), rest[1:]
		case grouping && thousands.MatchString(w):
			parts, rest = append(parts, w), rest[1:]
			grouping = len(w) == 3
		default:
			return parts, rest
		}
	}
	return parts, rest
}

// looksDateish tells a mistyped date (32/13/2026) from the first word of a
// note, so that the former is refused rather than kept as a note.
func looksDateish(w string) bool {
	digits := 0
	for _, r := range w {
		if r >= '0' && r <= '9' {
			digits++
		} else if r != '/' && r != '-' && r != '.' {
			return false
		}
	}
	return digits >= 4 && strings.ContainsAny(w, "/-.")
}

func (e *Executor) score(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 {
		return nil, usageError("score <contact>", "score needs a contact, as in score C42")
	}
	rep, err := e.CRM.Score(ctx, strings.Join(args, " "))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	t := &reply.Table{Columns: []string{p.T("points"), p.T("rule")}}
	for _, f := range rep.Result.Fired {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%+d", f.Points), firedRule(p, f)})
	}
	sec := reply.Section{Heading: p.T("Rules that fired"), Table: t}
	if len(rep.Result.Fired) == 0 {
		sec = reply.Section{Text: p.T("No rule fired.")}
	}
	sections := []reply.Section{sec, {Text: scoreTotal(p, rep.Result), Fields: axesFields(p, rep.Result)}}
	if len(rep.History) > 0 {
		h := &reply.Table{Columns: []string{p.T("week"), p.T("score"), p.T("grade")}}
		for _, s := range rep.History {
			h.Rows = append(h.Rows, []string{s.Week, strconv.Itoa(s.Score), s.Grade})
		}
		sections = append(sections, reply.Section{Heading: p.T("Weekly history"), Table: h})
	}
	return &reply.Reply{Title: p.T("Score of %s: %d (%s)", crm.Describe(rep.Contact), rep.Result.Score, rep.Result.Grade),
		Sections: sections, Data: rep}, nil
}

func (e *Executor) top(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	const usage = "top [N] [field=value…]"
	n := 10
	if len(args) > 0 {
		if v, err := strconv.Atoi(args[0]); err == nil {
			if v < 1 || v > 200 {
				return nil, usageError(usage, "top takes a number from 1 to 200 (got %d)", v)
			}
			n, args = v, args[1:]
		}
	}
	q, _, err := e.query(ctx, args, usage)
	if err != nil {
		return nil, err
	}
	if q.Sort == "" { // top sorts by score unless told otherwise (sort=-engagement)
		q.Sort, q.Desc = "score", true
	}
	q.Limit, q.Offset, q.Count = n, 0, domain.CountNone
	list, _, err := e.CRM.Find(ctx, q)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	rots, err := e.CRM.RotOf(ctx, list)
	if err != nil {
		return nil, err
	}
	r := contactList(p, list, rots)
	r.Title = p.N(len(list), "Top %d score", "Top %d scores", len(list))
	if q.Sort != "score" {
		r.Title = p.N(len(list), "Top %[1]d by %[2]s", "Top %[1]d by %[2]s", len(list), axisLabel(p, q.Sort))
	}
	r.Data = list
	return r, nil
}

func (e *Executor) pipeline(ctx context.Context, _ Actor, _ []string) (*reply.Reply, error) {
	rep, err := e.CRM.PipelineReport(ctx)
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Pipeline, week of %s", p.Date(rep.WeekStart)),
		Sections: pipelineSections(p, rep), Data: rep}, nil
}

// pipelineSections draws the pipeline report: counts per stage, the week's
// moves and conversion. The digest shows the same.
func pipelineSections(p *locale.Printer, rep *crm.Pipeline) []reply.Section {
	counts := reply.Section{Heading: p.T("Contacts per stage")}
	for _, st := range domain.Stages {
		v := strconv.Itoa(rep.Counts[st])
		if n, ok := rep.Rotting[st]; ok && n > 0 {
			v += " " + p.N(n, "(%s %d rotting)", "(%s %d rotting)", rotMark, n)
		}
		counts.Fields = append(counts.Fields, reply.Field{Label: stageName(p, st), Value: v})
	}
	moves := reply.Section{Heading: p.T("Moves this week"), Text: p.T("No move this week.")}
	if len(rep.Moves) > 0 {
		moves.Text = ""
		for _, m := range rep.Moves {
			moves.Fields = append(moves.Fields, reply.Field{Label: stageName(p, m.From) + " → " + stageName(p, m.To), Value: strconv.Itoa(m.Count)})
		}
	}
	conv := reply.Section{Heading: p.T("Conversion this week")}
	for _, c := range rep.Conversions {
		conv.Fields = append(conv.Fields, reply.Field{Label: stageName(p, c.From) + " → " + stageName(p, c.To),
			Value: p.T("%s (%d of %d)", pct(p, c.RatePct, 1), c.Moved, c.Base)})
	}
	return []reply.Section{counts, moves, conv}
}
