package slackbot_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/store/storetest"
)

// The digest lands in every configured channel with its chart, uploaded
// through files.getUploadURLExternal and files.completeUploadExternal; a
// second post of the same week, as after a restart, posts nothing.
func TestPostDigestToEveryChannelWithItsChart(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			e := newEnv(t, kind)
			e.admin(t, `add "Jeanne Martin"`, "sale C1 1200")
			d, err := digest.Build(t.Context(), e.db, now, digest.Options{Loc: paris})
			if err != nil {
				t.Fatal(err)
			}
			chart, err := d.Chart()
			if err != nil {
				t.Fatal(err)
			}
			post := slackbot.Digest{Week: d.Week, Reply: command.DigestReply(d), Chart: chart}
			channels := []string{"C0SALES", "C0BOARD"}
			posted, err := e.bot.PostDigest(t.Context(), channels, post, e.db.ClaimDigestPost)
			if err != nil || len(posted) != 2 {
				t.Fatalf("posted to %v, %v; want both channels", posted, err)
			}
			for _, ch := range channels {
				msg := e.slack.next(t)
				if msg.Method != "chat.postMessage" || msg.Form.Get("channel") != ch {
					t.Fatalf("call %s to %s, want chat.postMessage to %s", msg.Method, msg.Form.Get("channel"), ch)
				}
				var blocks []json.RawMessage
				if err := json.Unmarshal([]byte(msg.Form.Get("blocks")), &blocks); err != nil || len(blocks) == 0 || len(blocks) > 50 {
					t.Errorf("%s: %d blocks, %v", ch, len(blocks), err)
				}
				mustContain(t, ch+" message", msg.Form.Get("blocks"), "Weekly digest, 2026-W48", "RFM segments")
				if c := e.slack.next(t); c.Method != "files.getUploadURLExternal" || c.Form.Get("filename") != "digest-2026-W48.png" {
					t.Errorf("%s: call %s %v, want files.getUploadURLExternal", ch, c.Method, c.Form)
				}
				if c := e.slack.next(t); c.Method != "upload" || !bytes.Contains(c.Body, chart[:16]) {
					t.Errorf("%s: call %s, want the chart's upload", ch, c.Method)
				}
				c := e.slack.next(t)
				if c.Method != "files.completeUploadExternal" || c.Form.Get("channel_id") != ch {
					t.Errorf("%s: call %s %v, want files.completeUploadExternal to the channel", ch, c.Method, c.Form)
				}
				mustContain(t, ch+" upload", c.Form.Get("files"), "F0CHART")
			}
			again, err := e.bot.PostDigest(t.Context(), channels, post, e.db.ClaimDigestPost)
			if err != nil || len(again) != 0 {
				t.Errorf("second post: %v, %v; want none", again, err)
			}
			e.slack.none(t)
		})
	}
}
