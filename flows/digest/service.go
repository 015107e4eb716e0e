package digest

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// Poster delivers a digest to the configured channels, at most once per
// channel and ISO week (each post claimed in the database first, see
// store.DB.ClaimDigestPost), and returns the channels it posted to: none
// when every channel had it already.
type Poster interface {
	PostDigest(ctx context.Context, d *Digest) ([]string, error)
}

// ErrCannotPost is Post's error when no transport can post the digest.
var ErrCannotPost = domain.Errorf(domain.Unavailable, "posting the digest needs Slack: set SLACK_BOT_TOKEN and digest channels in the configuration file (digest: channels: [...])")

// Service builds the weekly digest and posts it: the one place the digest
// command, crmbot digest and the scheduler of crmbot run go through, so
// that "this week's digest" means the same everywhere.
type Service struct {
	Store Store
	// Options are the team's time zone, RFM window and ABC thresholds; the
	// methods set Snapshot themselves.
	Options Options
	// Poster posts the digest; nil when no transport can (Slack or the
	// digest channels are not configured).
	Poster Poster
}

// ThisWeek builds the digest of now's ISO week, as of now, and records
// the week's score and segment snapshots that next week's digest compares
// with.
func (s *Service) ThisWeek(ctx context.Context, now time.Time) (*Digest, error) {
	opt := s.Options
	opt.Snapshot = true
	return Build(ctx, s.Store, now, opt)
}

// AsOf builds the digest as of another day, for reproducible reports: it
// records no snapshot, since scores are read as they are now.
func (s *Service) AsOf(ctx context.Context, day time.Time) (*Digest, error) {
	opt := s.Options
	opt.Snapshot = false
	return Build(ctx, s.Store, day, opt)
}

// CanPost reports whether a transport can post the digest.
func (s *Service) CanPost() bool { return s.Poster != nil }

// Post builds this week's digest as of now and posts it to every channel
// that does not have it yet; it returns the digest and the channels it
// went to (none when every channel had it already).
func (s *Service) Post(ctx context.Context, now time.Time) (*Digest, []string, error) {
	if s.Poster == nil {
		return nil, nil, ErrCannotPost
	}
	d, err := s.ThisWeek(ctx, now)
	if err != nil {
		return nil, nil, err
	}
	posted, err := s.Poster.PostDigest(ctx, d)
	return d, posted, err
}
