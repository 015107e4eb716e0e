package digest_test

import (
	"context"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/store/storetest"
)

// poster records the digests it is given and posts each to one channel.
type poster struct{ weeks []string }

func (p *poster) PostDigest(_ context.Context, d *digest.Digest) ([]string, error) {
	p.weeks = append(p.weeks, d.Week)
	return []string{"C0DIGEST"}, nil
}

// Post builds this week's digest, records the week's snapshots and posts
// it; AsOf records none; without a poster, Post says why and builds
// nothing.
func TestServiceBuildsThisWeeksDigestAndPostsIt(t *testing.T) {
	db := storetest.Open(t, "sqlite", now)
	seed(t, db)
	svc := &digest.Service{Store: db, Options: digest.Options{Loc: paris}}
	if _, _, err := svc.Post(t.Context(), now()); !domain.IsCode(err, domain.Unavailable) || svc.CanPost() {
		t.Fatalf("post without a poster: %v", err)
	}
	if _, err := svc.AsOf(t.Context(), now()); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.SegmentsOfWeek(t.Context(), "2026-W48"); ok || err != nil {
		t.Fatalf("a digest as of a day, or a refused post, recorded the week's segments (%v)", err)
	}
	p := &poster{}
	svc.Poster = p
	d, posted, err := svc.Post(t.Context(), now())
	if err != nil || d.Week != "2026-W48" || len(posted) != 1 || len(p.weeks) != 1 || p.weeks[0] != "2026-W48" {
		t.Fatalf("post: %v, %v, %v", err, posted, p.weeks)
	}
	if _, ok, err := db.SegmentsOfWeek(t.Context(), "2026-W48"); !ok || err != nil {
		t.Fatalf("the posted digest recorded no segment snapshot (%v)", err)
	}
}
