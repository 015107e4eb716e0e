package command_test

import (
	"context"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/digest"
)

// digestEnv is a seeded env whose executor serves the digest; posts go to
// the returned list of weeks.
func digestEnv(t *testing.T, post bool) (*env, *[]string) {
	t.Helper()
	e := seeded(t)
	var posted []string
	e.exec.Digests = &digest.Service{Store: e.db, Options: digest.Options{Loc: paris}}
	if post {
		e.exec.Digests.Poster = posterFunc(func(_ context.Context, d *digest.Digest) ([]string, error) {
			posted = append(posted, d.Week)
			if len(posted) > 1 {
				return nil, nil // every channel had it already
			}
			return []string{"C0DIGEST"}, nil
		})
	}
	return e, &posted
}

// posterFunc posts a digest by calling itself.
type posterFunc func(ctx context.Context, d *digest.Digest) ([]string, error)

func (f posterFunc) PostDigest(ctx context.Context, d *digest.Digest) ([]string, error) {
	return f(ctx, d)
}

func TestDigestPreview(t *testing.T) {
	e, _ := digestEnv(t, false)
	e.ok(t, "sale C1 1200")
	for _, line := range []string{"digest", "digest preview"} {
		r := e.ok(t, line)
		mustContain(t, line, r.Text(), "Weekly digest, 2026-W48 (as of 2026-11-25)", "Contacts per stage",
			"RFM segments (1 customer)", "No snapshot of last week", "Top scores", "ABC and Pareto",
			"Prospects with no interaction for 30 days", "0 sent, 0 answered (response rate 0 %)")
		if d, ok := r.Data.(*digest.Digest); !ok || d.Week != "2026-W48" {
			t.Errorf("%s: data %T", line, r.Data)
		}
	}
	// The preview took this week's snapshots.
	if _, ok, err := e.db.SegmentsOfWeek(ctx(t), "2026-W48"); !ok || err != nil {
		t.Errorf("no segment snapshot of W48: %v", err)
	}
	// A week later, the digest compares with that snapshot.
	e.clock.Set(start.AddDate(0, 0, 7))
	next := e.ok(t, "digest").Text()
	mustContain(t, "next week's digest", next, "Weekly digest, 2026-W49", "Hibernating         1 (+0)", "No customer changed segment since 2026-W48.", "Newly at risk: 0", "Newly can't lose them: 0")
	mustNotContain(t, "next week's digest", next, "No snapshot")
	r := e.fail(t, "digest now", domain.Invalid)
	mustContain(t, "digest now", r.Error.Usage, "digest [preview|post]")
	// Without Slack, posting is refused and says why.
	e.actor = command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
	r = e.fail(t, "digest post", domain.Unavailable)
	mustContain(t, "digest post", r.Error.Message, "Slack")
}

func TestDigestPost(t *testing.T) {
	e, posted := digestEnv(t, true)
	e.actor = command.Actor{ID: "maria", Roles: []command.Role{command.Manager}}
	r := e.ok(t, "digest post")
	if r.Title != "Posted the digest of 2026-W48 to C0DIGEST" {
		t.Errorf("first post: %q", r.Title)
	}
	r = e.ok(t, "digest post")
	mustContain(t, "second post", r.Title, "already posted")
	if len(*posted) != 2 {
		t.Errorf("posted %v", *posted)
	}
}

// The text shows the ten largest moves between segments; the data keeps
// them all.
func TestDigestReplyShowsTheLargestMoves(t *testing.T) {
	d := &digest.Digest{Week: "2026-W48", Pipeline: &crm.Pipeline{Counts: map[domain.Stage]int{}}}
	d.RFM.ComparedWith = "2026-W47"
	for i := range 12 {
		d.RFM.Moves = append(d.RFM.Moves, digest.SegmentMove{From: domain.RFMSegments[i%10], To: domain.RFMHibernating, Count: 12 - i})
	}
	r := command.DigestReply(d)
	for _, s := range r.Sections {
		if s.Heading != "Moves between segments" {
			continue
		}
		if len(s.Fields) != 10 || s.Fields[0].Value != "12" || s.Text != "and 2 smaller moves" {
			t.Errorf("moves section: %d fields, first %+v, text %q", len(s.Fields), s.Fields[0], s.Text)
		}
		return
	}
	t.Error("no section of moves between segments")
}
