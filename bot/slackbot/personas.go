package slackbot

import (
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/slack-go/slack"
)

// drawPersonas draws the reply of personas as one card a persona: its
// heading with its size and revenue share (the section's first two
// fields, as the command writes them) on one line, its traits and its
// members' figures as fields, ten to a block, then a divider; the note
// on how they were made in small grey text; the buttons that list each
// persona's customers. Five personas take 26 blocks at most (a header,
// five times a line, two blocks of fields and a divider, a note), within
// Slack's 50.
func drawPersonas(r *reply.Reply, actions []slack.Block) []slack.Block {
	d := &drawing{room: maxBlocks - len(actions)}
	if r.Title != "" {
		d.add(slack.NewHeaderBlock(plain(clip(r.Title, maxHeader))))
	}
	for _, s := range r.Sections {
		if s.Heading == "" || len(s.Fields) < 2 {
			if text := strings.TrimSpace(s.Heading + "\n" + s.Text); text != "" {
				d.add(note(text))
			}
			continue
		}
		size := make([]string, 2)
		for i, f := range s.Fields[:2] {
			size[i] = f.Label + " " + f.Value
		}
		line := "*" + mrkdwn(s.Heading, maxHeader) + "*\n" + mrkdwn(strings.Join(size, " · "), maxText-maxHeader-3)
		d.add(slack.NewSectionBlock(markdown(line), nil, nil))
		d.fields(s.Fields[2:])
		d.add(slack.NewDividerBlock())
	}
	return append(d.blocks, actions...)
}
