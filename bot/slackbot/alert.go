package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// The bot is the Slack side of the questionnaires' detractor alert.
var _ survey.Alerter = (*Bot)(nil)

// DetractorAlert tells the owner of a.Contact at once about a detractor
// answer: a direct message (conversations.open, then chat.postMessage) with
// the questionnaire, the question, the answer and the comments, and two
// buttons that run, as the member who clicks and like the contact card's
// buttons, `handled <contact>` (which lifts the pause of automated
// questionnaires) and `show <contact>`.
//
// When the owner has no Slack user id (a contact added from the console),
// or the direct message cannot be opened or posted, the alert goes to the
// digest channels (Config.DigestChannels) instead; with none, it is an
// error. It returns an error when a post failed, unless the digest
// channels took the alert the owner's DM could not.
//
// The owner reads the alert in their own language (their Slack locale);
// the channels in the team's.
func (b *Bot) DetractorAlert(ctx context.Context, a survey.Alert) (err error) {
	if b.Alerted != nil {
		defer func() { b.Alerted(err) }()
	}
	if a.Contact == nil {
		return errors.New("slack: a detractor alert without its contact")
	}
	team := locale.For(b.cfg.TeamLanguage)
	owner := strings.TrimSpace(a.Contact.Owner)
	if !IsUser(owner) {
		if len(b.cfg.DigestChannels) == 0 {
			return fmt.Errorf("slack: the detractor alert of %s cannot be sent: its owner %q has no Slack id, and no digest channels are configured", a.Contact.Ref(), owner)
		}
		blocks, text := drawAlert(team, a)
		why := team.T("Posted here because the owner of %s (%s) has no Slack id.", a.Contact.Ref(), ownerName(team, owner))
		return b.postAlert(ctx, a, b.cfg.DigestChannels, withNote(blocks, why), text)
	}
	blocks, text := drawAlert(b.langs.printer(ctx, owner), a)
	err = b.postAlert(ctx, a, nil, blocks, text, owner)
	if err == nil || len(b.cfg.DigestChannels) == 0 {
		return err
	}
	b.log.Warn("could not send a detractor alert to its owner; posting it to the digest channels", "contact", a.Contact.Ref(), "owner", owner, "err", err)
	blocks, text = drawAlert(team, a)
	why := team.T("Posted here because it could not reach the owner of %s (%s) directly.", a.Contact.Ref(), owner)
	if cerr := b.postAlert(ctx, a, b.cfg.DigestChannels, withNote(blocks, why), text); cerr != nil {
		return errors.Join(err, cerr)
	}
	return nil
}

// withNote returns the alert's blocks with a note over its buttons, the
// last block.
func withNote(blocks []slack.Block, s string) []slack.Block {
	n := len(blocks) - 1
	return append(append(blocks[:n:n], note(s)), blocks[n])
}

// postAlert posts the alert to each channel, and to the DM of each user.
// A failure does not stop the other posts; it returns them all.
func (b *Bot) postAlert(ctx context.Context, a survey.Alert, channels []string, blocks []slack.Block, text string, users ...string) error {
	var errs []error
	for _, u := range users {
		ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{u}})
		if err != nil {
			errs = append(errs, fmt.Errorf("slack: open a DM with %s for the detractor alert of %s: %w", u, a.Contact.Ref(), err))
			continue
		}
		channels = append(channels, ch.ID)
	}
	for _, ch := range channels {
		_, _, err := b.api.PostMessageContext(ctx, ch, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err != nil {
			errs = append(errs, fmt.Errorf("slack: post the detractor alert of %s to %s: %w", a.Contact.Ref(), ch, err))
		}
	}
	return errors.Join(errs...)
}

// maxAlertAnswers bounds the answers an alert shows one a section (a
// questionnaire seldom has more; the fallback text has them all).
const maxAlertAnswers = 20

// drawAlert draws a detractor alert in Block Kit, within Slack's limits,
// with its plain-text fallback, written by p (the questionnaire's own
// texts in p's language when it has them).
func drawAlert(p *locale.Printer, a survey.Alert) ([]slack.Block, string) {
	c := a.Contact
	ref := c.Ref()
	lang := string(p.Lang())
	name := strings.TrimSpace(c.Name)
	if name == "" {
		name = ref
	}
	title := a.Questionnaire.Title.In(lang)
	if title == "" {
		title = a.Questionnaire.ID
	}
	header := p.T(headerFormat, clip(name, maxHeader-utf8.RuneCountInString(p.T(headerFormat, "", ref))), ref)

	blocks := []slack.Block{slack.NewHeaderBlock(plain(header)),
		slack.NewSectionBlock(markdown(p.T("*Questionnaire:* %s", mrkdwn(title, 300))), nil, nil)}
	var answers []string
	for _, b := range a.Bad {
		question := b.Question.Text.In(lang)
		answer := answerText(p, b.Question, b.Answer)
		section := labelled(p, locale.Key("*Answer:* %s"), answer, maxText/2)
		if question != "" {
			section = labelled(p, locale.Key("*Question:* %s"), question, maxText/2-len("\n")) + "\n" + section
			answer = fmt.Sprintf("%q: %s", question, answer)
		}
		answers = append(answers, answer)
		if len(blocks) < maxAlertAnswers+2 {
			blocks = append(blocks, slack.NewSectionBlock(markdown(section), nil, nil))
		}
	}
	var comments []string
	for _, s := range a.Comments {
		if s = strings.TrimSpace(s); s != "" {
			comments = append(comments, s)
		}
	}
	if len(comments) > 0 {
		heading := p.T("*Comments*") + "\n"
		blocks = append(blocks, slack.NewSectionBlock(markdown(heading+mrkdwn("• "+strings.Join(comments, "\n• "), maxText-len(heading))), nil, nil))
	}
	paused := p.T("Automated questionnaires to %s are paused until this is marked handled.", ref)
	blocks = append(blocks, note(paused), alertButtons(p, ref))

	text := p.T("Detractor answer from %s (%s) to %s — %s", name, ref, title, strings.Join(answers, "; "))
	if len(comments) > 0 {
		text += "\n" + p.T("Comments: %s", strings.Join(comments, " / "))
	}
	// The fallback is message text, where &, < and > are markup too.
	done := p.T("Type handled %s once done.", ref)
	text = mrkdwn(text, maxFallback-len(paused)-len("\n ")-len(done)) + "\n" + paused + " " + done
	return blocks, text
}

// headerFormat is an alert's header; the contact's name is cut to fit.
const headerFormat = "Detractor answer from %s (%s)"

// labelled writes the mrkdwn of format (a label and %s) with s, escaped
// and cut so that the whole takes at most n characters.
func labelled(p *locale.Printer, format, s string, n int) string {
	return p.T(format, mrkdwn(s, n-utf8.RuneCountInString(p.T(format, ""))))
}

// alertButtons are the alert's buttons, labelled by p. Their action ids
// carry actionPrefix, so a click runs the command line of their value
// (English, which every member's parser reads) as the member who clicks,
// through the same path as the contact card's buttons: role checks, one
// run per delivery, the answer to the response_url.
func alertButtons(p *locale.Printer, ref string) slack.Block {
	handled := slack.NewButtonBlockElement(actionPrefix+"handled", "handled "+ref, plain(clip(p.T("Handled"), maxButtonLabel))).WithStyle(slack.StylePrimary)
	show := slack.NewButtonBlockElement(actionPrefix+"show", "show "+ref, plain(clip(p.T("Show contact"), maxButtonLabel)))
	return slack.NewActionBlock("crm_alert_actions", handled, show)
}

// answerText is an answer as the team reads it: the score out of its
// scale, the labels of the options chosen, yes or no, the text.
func answerText(p *locale.Printer, q domain.Question, a domain.Answer) string {
	switch {
	case a.Skipped:
		return p.T("(skipped)")
	case a.Type == domain.NPSQuestion:
		return strconv.Itoa(a.Number) + " / 10 (NPS)"
	case a.Type == domain.RatingQuestion:
		return strconv.Itoa(a.Number) + " / 5 (CSAT)"
	case a.Type == domain.ChoiceQuestion || a.Type == domain.MultiQuestion:
		labels := make([]string, len(a.Options))
		for i, id := range a.Options {
			labels[i] = id
			for _, o := range q.Options {
				if o.ID == id {
					if l := o.Text.In(string(p.Lang())); l != "" {
						labels[i] = l
					}
					break
				}
			}
		}
		return strings.Join(labels, ", ")
	}
	return a.Value()
}

// ownerName is how an owner that is not a Slack id is named in a note.
func ownerName(p *locale.Printer, owner string) string {
	if owner == "" {
		return p.T("none")
	}
	return clip(owner, 100)
}
