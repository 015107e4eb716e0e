package slackbot

import (
	"bytes"
	"context"
	"fmt"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// Digest is a weekly digest ready to post: its reply, drawn in Block Kit,
// and its chart image, both written in the team's language (Reply.Lang;
// the chart's title and description are written in it too).
type Digest struct {
	Week  string       // the ISO week it is the digest of, as 2026-W48
	Reply *reply.Reply // drawn within Slack's limits
	Chart []byte       // a PNG, uploaded beside the message; nil for none
}

// ClaimFunc records, before anything is posted, that the digest of week
// goes to channel, and reports whether this caller is the first to claim
// it (see store.DB.ClaimDigestPost).
type ClaimFunc func(ctx context.Context, channel, week string) (bool, error)

// PostDigest posts d to each channel it may claim: the message, then its
// chart, uploaded with files.getUploadURLExternal and
// files.completeUploadExternal (Slack retired files.upload). A channel
// whose claim was taken already, by an earlier post or another process, is
// skipped, so the digest of a week goes at most once to a channel; a claim
// is not given back when the post fails. It returns the channels it posted
// to.
func (b *Bot) PostDigest(ctx context.Context, channels []string, d Digest, claim ClaimFunc) ([]string, error) {
	blocks, text := Draw(d.Reply)
	p := locale.For(d.Reply.Lang)
	var posted []string
	for _, ch := range channels {
		first, err := claim(ctx, ch, d.Week)
		if err != nil {
			return posted, err
		}
		if !first {
			continue
		}
		if _, _, err := b.api.PostMessageContext(ctx, ch, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
			return posted, fmt.Errorf("post the digest of %s to %s: %w", d.Week, ch, err)
		}
		posted = append(posted, ch)
		if len(d.Chart) == 0 {
			continue
		}
		_, err = b.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Channel: ch, Filename: "digest-" + d.Week + ".png", Title: p.T("Weekly digest %s", d.Week),
			AltTxt: p.T("Pipeline funnel and RFM segment sizes"), FileSize: len(d.Chart), Reader: bytes.NewReader(d.Chart),
		})
		if err != nil {
			return posted, fmt.Errorf("upload the digest chart of %s to %s: %w", d.Week, ch, err)
		}
	}
	return posted, nil
}
