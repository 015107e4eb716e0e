package slackbot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (docs.slack.dev/reference/block-kit): a message
// holds at most 50 blocks; a section's or context's text at most 3,000
// characters; a section at most 10 fields of 2,000 characters; a header 150
// characters; an actions block 25 elements; a button's text 75 characters
// and its value 2,000.
const (
	maxBlocks      = 50
	maxText        = 3000
	maxFields      = 10
	maxFieldText   = 2000
	maxHeader      = 150
	maxElements    = 25
	maxButtonLabel = 75
	maxButtonValue = 2000
	// maxFallback is the length of the plain-text fallback we send; Slack
	// cuts a message's text at 40,000 characters, but notifications show
	// far less.
	maxFallback = 3000
)

// actionPrefix starts the action_id of the buttons that run a command line
// held in their value.
const actionPrefix = "crm_run_"

// Draw renders a reply as Block Kit blocks within Slack's limits, with the
// plain-text fallback Slack shows in notifications. A reply too long for one
// message is cut with a note that says how much was left out; its actions
// (such as "Next page") always stay, as buttons. The few words Draw writes
// itself are in the reply's language (r.Lang).
func Draw(r *reply.Reply) ([]slack.Block, string) {
	p := locale.For(r.Lang)
	text := clip(r.Text(), maxFallback)
	actions := actionBlocks("crm_actions", r.Actions)
	if r.Error != nil {
		return append(drawError(p, r.Error), actions...), text
	}
	if _, ok := r.Data.(*personas.Report); ok {
		return drawPersonas(r, actions), text
	}
	d := &drawing{room: maxBlocks - len(actions) - 1} // one for the cut note
	if r.Title != "" {
		d.add(slack.NewHeaderBlock(plain(clip(r.Title, maxHeader))))
	}
	for _, s := range r.Sections {
		d.section(s)
	}
	if d.cut > 0 {
		d.blocks = append(d.blocks, note(p.N(d.cut, "%d more line does not fit in one Slack message: narrow the command with filters or limit=, or see the next page.",
			"%d more lines do not fit in one Slack message: narrow the command with filters or limit=, or see the next page.", d.cut)))
	}
	return append(d.blocks, actions...), text
}

// drawing is a message being drawn: its blocks, the room left for content
// and how many lines did not fit.
type drawing struct {
	blocks []slack.Block
	room   int
	cut    int
}

// add appends b if there is room, and reports whether there was.
func (d *drawing) add(b slack.Block) bool {
	if len(d.blocks) >= d.room {
		return false
	}
	d.blocks = append(d.blocks, b)
	return true
}

// section draws one section of a reply: its heading, fields, table, text.
func (d *drawing) section(s reply.Section) {
	if len(s.Fields) == 0 && s.Table == nil {
		if s.Heading != "" || s.Text != "" {
			d.text(s.Heading, s.Text)
		}
		d.actions(s.Actions)
		return
	}
	if s.Heading != "" {
		d.text(s.Heading, "")
	}
	d.fields(s.Fields)
	if s.Table != nil {
		d.table(s.Table)
	}
	if s.Text != "" {
		d.text("", s.Text)
	}
	d.actions(s.Actions)
}

// actions draws a section's own buttons under it, when there is room for
// them; their block ids follow the blocks drawn, so that each is unique in
// the message.
func (d *drawing) actions(list []reply.Action) {
	blocks := actionBlocks(fmt.Sprintf("crm_section_%d", len(d.blocks)), list)
	if len(d.blocks)+len(blocks) > d.room {
		return
	}
	d.blocks = append(d.blocks, blocks...)
}

// text draws one mrkdwn section: a bold heading, if any, over text, in at
// most maxText characters.
func (d *drawing) text(heading, text string) {
	s := ""
	if heading != "" {
		s = "*" + mrkdwn(heading, maxHeader) + "*"
		if text != "" {
			s += "\n"
		}
	}
	s += mrkdwn(text, maxText-utf8.RuneCountInString(s))
	if !d.add(slack.NewSectionBlock(markdown(s), nil, nil)) {
		d.cut += strings.Count(s, "\n") + 1
	}
}

// fields draws label–value pairs, ten to a section.
func (d *drawing) fields(fs []reply.Field) {
	for len(fs) > 0 {
		n := min(len(fs), maxFields)
		objs := make([]*slack.TextBlockObject, n)
		for i, f := range fs[:n] {
			objs[i] = markdown(mrkdwn("*"+f.Label+"*\n"+f.Value, maxFieldText))
		}
		if !d.add(slack.NewSectionBlock(nil, objs, nil)) {
			d.cut += len(fs)
			return
		}
		fs = fs[n:]
	}
}

// table draws a table as monospaced code blocks, aligned as the console
// prints it, each under maxText characters.
func (d *drawing) table(t *reply.Table) {
	lines := strings.Split((&reply.Reply{Sections: []reply.Section{{Table: t}}}).Text(), "\n")
	const fences = len("```\n") + len("\n```")
	var chunk []string
	size := 0
	flush := func() bool {
		if len(chunk) == 0 {
			return true
		}
		ok := d.add(slack.NewSectionBlock(markdown("```\n"+strings.Join(chunk, "\n")+"\n```"), nil, nil))
		chunk, size = nil, 0
		return ok
	}
	for i, l := range lines {
		l = mrkdwn(l, maxText-fences)
		n := utf8.RuneCountInString(l) + 1
		if size+n+fences > maxText && !flush() {
			d.cut += len(lines) - i
			return
		}
		chunk, size = append(chunk, l), size+n
	}
	if n := len(chunk); !flush() {
		d.cut += n
	}
}

// actionBlocks draws a reply's actions as buttons, 25 to a block; each
// button's value is the command line it runs.
func actionBlocks(blockID string, actions []reply.Action) []slack.Block {
	var buttons []slack.BlockElement
	for i, a := range actions {
		if a.Command == "" || len(a.Command) > maxButtonValue {
			continue // Slack would refuse the whole message
		}
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s%d", actionPrefix, i), a.Command, plain(clip(a.Label, maxButtonLabel)))
		buttons = append(buttons, b)
	}
	var out []slack.Block
	for len(buttons) > 0 {
		n := min(len(buttons), maxElements)
		out = append(out, slack.NewActionBlock(fmt.Sprintf("%s_%d", blockID, len(out)), buttons[:n]...))
		buttons = buttons[n:]
	}
	return out
}

// drawError draws a failed command: what was wrong, then the right usage.
func drawError(p *locale.Printer, e *reply.Error) []slack.Block {
	blocks := []slack.Block{slack.NewSectionBlock(markdown(":warning: "+mrkdwn(e.Message, maxText-len(":warning: "))), nil, nil)}
	if e.Usage != "" {
		blocks = append(blocks, note(p.T("Usage: %s", e.Usage)))
	}
	return blocks
}

// note is a context block of small grey text.
func note(s string) slack.Block {
	return slack.NewContextBlock("", markdown(mrkdwn(s, maxText)))
}

func markdown(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}
