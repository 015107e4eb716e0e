package personas_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// planted is what the test wrote of one customer, to compute its
// persona's card independently of the code under test.
type planted struct {
	id                  int64
	created, firstOrder time.Time
	interactions        []time.Time
	moves               [][2]domain.Stage
	ratings, nps        []int
	answers             []time.Time
	comments            []comment
	interests           []string
	channel             string
}

type comment struct {
	text      string
	tone      int // 1 satisfied, -1 dissatisfied, 0 mixed
	hasRating bool
}

var (
	praise = []string{"Livraison rapide et prix correct", "Very fast delivery, great price", "Le conseil du vendeur était très utile", "rapide, conseil utile"}
	blame  = []string{"Délai trop long et prix élevé", "Support slow, delivery late", "prix élevé, délai long", "Trop cher pour la qualité"}
)

// plant writes customers of three kinds, each with its path (creation,
// interactions, moves, first order), its fields set by answers, and its
// answers: ratings, an nps and a comment whose words follow its tone.
func plant(t *testing.T, db *store.DB) []*planted {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 16))
	kinds := []struct {
		sector, city string
		employees    int
		interests    []string
		channel      string
	}{{"btp", "Lyon", 5, []string{"outillage", "formation"}, "telephone"}, {"commerce", "Lille", 30, []string{"caisse", "stock"}, "email"},
		{"santé", "Nantes", 120, []string{"hygiène", "formation"}, "telegram"}}
	var out []*planted
	for i := range 60 {
		k := kinds[i%3]
		created := now.AddDate(0, 0, -300+r.IntN(100)).Truncate(24 * time.Hour).Add(9 * time.Hour)
		c := &domain.Contact{Name: "Client", Sector: k.sector, City: k.city, Employees: k.employees, CreatedAt: created,
			Interests: k.interests[:1+r.IntN(2)], PreferredChannel: k.channel}
		if r.IntN(4) == 0 {
			c.PreferredChannel = ""
		}
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
		p := &planted{id: c.ID, created: created, interests: c.Interests, channel: c.PreferredChannel}
		first := created.Truncate(24*time.Hour).AddDate(0, 0, 3+r.IntN(40)+10*(i%3))
		p.firstOrder = first
		orders := []domain.Order{{ContactID: c.ID, Amount: int64(1000 * (1 + i%3)), Date: first}, {ContactID: c.ID, Amount: 500, Date: first.AddDate(0, 0, 20)}}
		if err := db.InsertOrders(ctx, orders); err != nil {
			t.Fatal(err)
		}
		var is []domain.Interaction
		for range r.IntN(6) {
			at := created.Add(time.Duration(r.IntN(80*24)) * time.Hour)
			is = append(is, domain.Interaction{ContactID: c.ID, Kind: domain.Call, At: at})
			p.interactions = append(p.interactions, at)
		}
		var ms []domain.Move
		path := []domain.Stage{domain.Lead, domain.Qualified, domain.Customer}
		if i%3 == 1 {
			path = []domain.Stage{domain.Lead, domain.Customer}
		}
		for j := 1; j < len(path); j++ {
			ms = append(ms, domain.Move{ContactID: c.ID, From: path[j-1], To: path[j], At: created.AddDate(0, 0, j)})
			p.moves = append(p.moves, [2]domain.Stage{path[j-1], path[j]})
		}
		if err := db.InsertInteractions(ctx, is); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertMoves(ctx, ms); err != nil {
			t.Fatal(err)
		}
		for q := range r.IntN(3) {
			answer(t, db, r, p, first.AddDate(0, 0, 5+30*q))
		}
		out = append(out, p)
	}
	return out
}

// answer writes an answered satisfaction questionnaire of p at at: a
// rating, sometimes an nps, sometimes skipped, and a comment.
func answer(t *testing.T, db *store.DB, r *rand.Rand, p *planted, at time.Time) {
	ctx := context.Background()
	s := &domain.Survey{ContactID: p.id, Questionnaire: "satisfaction", Version: 1, Status: domain.SurveyStatus("answered"), RequestedAt: at}
	if err := db.CreateSurvey(ctx, s); err != nil {
		t.Fatal(err)
	}
	save := func(q string, a domain.Answer) {
		if err := db.SaveAnswer(ctx, domain.StoredAnswer{SurveyID: s.ID, ContactID: p.id, Questionnaire: "satisfaction", Answer: a, At: at}); err != nil {
			t.Fatal(err)
		}
		if !a.Skipped {
			p.answers = append(p.answers, at)
		}
	}
	rating := 1 + r.IntN(5)
	save("csat", domain.Answer{Question: "csat", Type: domain.RatingQuestion, Number: rating})
	p.ratings = append(p.ratings, rating)
	pos, neg := rating >= 4, rating <= 2
	switch r.IntN(3) {
	case 0:
		nps := r.IntN(11)
		save("nps", domain.Answer{Question: "nps", Type: domain.NPSQuestion, Number: nps})
		p.nps = append(p.nps, nps)
		pos, neg = pos || nps >= 9, neg || nps <= 6
	case 1:
		save("nps", domain.Answer{Question: "nps", Type: domain.NPSQuestion, Skipped: true})
	}
	tone := 0
	switch {
	case pos && !neg:
		tone = 1
	case neg && !pos:
		tone = -1
	}
	words := praise
	if rating <= 3 {
		words = blame
	}
	text := words[r.IntN(len(words))]
	save("comment", domain.Answer{Question: "comment", Type: domain.TextQuestion, Text: text})
	p.comments = append(p.comments, comment{text: text, tone: tone, hasRating: true})
}

// TestCardFiguresAreTheMembers: each persona's path, fields, satisfaction
// and words equal those computed here from what was planted, grouped by
// the persona each customer was given.
func TestCardFiguresAreTheMembers(t *testing.T) {
	storetest.Each(t, func() time.Time { return now }, func(t *testing.T, db *store.DB) {
		{
			customers := plant(t, db)
			svc := &personas.Service{Store: db, Now: func() time.Time { return now }, Seed: 1}
			rep, err := svc.Compute(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]int64, len(customers))
			for i, c := range customers {
				ids[i] = c.id
			}
			of, err := db.PersonasOf(context.Background(), ids)
			if err != nil || len(of) != len(customers) {
				t.Fatalf("members: %v, %v", of, err)
			}
			for _, p := range rep.Personas {
				var members []*planted
				for _, c := range customers {
					if of[c.id] == p.Number {
						members = append(members, c)
					}
				}
				if len(members) != p.Customers {
					t.Errorf("persona %d: %d members kept, card says %d", p.Number, len(members), p.Customers)
				}
				want := expectedCard(members)
				if got := cardText(p.Card); got != cardText(want) {
					t.Errorf("persona %d (%s):\n got %s\nwant %s", p.Number, p.Name, got, cardText(want))
				}
			}
		}
	})
}

// expectedCard computes a persona's card from its members, plainly.
func expectedCard(members []*planted) personas.Card {
	var c personas.Card
	var days, inter []int
	moves, interests, channels := map[string]int{}, map[string]int{}, map[string]int{}
	var ratings, satisfied, npsN, promoters, detractors int
	pos, neg := map[string]int{}, map[string]int{}
	var first, last time.Time
	surveys := 0
	for _, m := range members {
		days = append(days, domain.DaysBetween(m.created, m.firstOrder))
		n := 0
		for _, at := range m.interactions {
			if at.Before(m.firstOrder) {
				n++
			}
		}
		inter = append(inter, n)
		for _, mv := range m.moves {
			moves[string(mv[0])+">"+string(mv[1])]++
		}
		for _, v := range m.interests {
			interests[v]++
		}
		if m.channel != "" {
			channels[m.channel]++
		}
		for _, r := range m.ratings {
			ratings++
			if r >= 4 {
				satisfied++
			}
		}
		for _, v := range m.nps {
			npsN++
			if v >= 9 {
				promoters++
			}
			if v <= 6 {
				detractors++
			}
		}
		for _, at := range m.answers {
			c.Satisfaction.Answers++
			if first.IsZero() || at.Before(first) {
				first = at
			}
			if at.After(last) {
				last = at
			}
		}
		surveys += len(m.ratings)
		for _, cm := range m.comments {
			counts := map[int]map[string]int{1: pos, -1: neg}[cm.tone]
			if counts == nil {
				continue
			}
			for _, w := range domain.CommentWords(cm.text) {
				counts[w]++
			}
		}
	}
	c.Path.Customers, c.Path.MedianDays, c.Path.Interactions = len(members), lowerMedian(days), lowerMedian(inter)
	for _, mv := range top(moves) {
		from, to, _ := strings.Cut(mv.Value, ">")
		c.Path.Moves = append(c.Path.Moves, personas.Move{From: from, To: to, Count: mv.Customers})
	}
	c.Interests, c.Channels = top(interests), top(channels)
	for i := range c.Interests {
		c.Interests[i].Share = float64(c.Interests[i].Customers) / float64(len(members))
	}
	for i := range c.Channels {
		c.Channels[i].Share = float64(c.Channels[i].Customers) / float64(len(members))
	}
	c.Satisfaction.Questionnaires, c.Satisfaction.Ratings, c.Satisfaction.NPSAnswers = surveys, ratings, npsN
	if c.Satisfaction.Answers > 0 {
		c.Satisfaction.First, c.Satisfaction.Last = &first, &last
	}
	if ratings > 0 {
		v := 100 * float64(satisfied) / float64(ratings)
		c.Satisfaction.CSAT = &v
	}
	if npsN > 0 {
		v := 100 * float64(promoters-detractors) / float64(npsN)
		c.Satisfaction.NPS = &v
	}
	c.Motivations, c.Brakes = domain.TopWords(pos, 3), domain.TopWords(neg, 3)
	return c
}

func lowerMedian(v []int) int {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[(len(v)-1)/2]
}

// top returns the three values counted most, ties alphabetically.
func top(counts map[string]int) []personas.ValueShare {
	var out []personas.ValueShare
	for v, n := range counts {
		out = append(out, personas.ValueShare{Value: v, Customers: n})
	}
	slices.SortFunc(out, func(a, b personas.ValueShare) int {
		if a.Customers != b.Customers {
			return b.Customers - a.Customers
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out[:min(3, len(out))]
}

// cardText writes a card's figures to compare (shares and rates rounded,
// times in UTC).
func cardText(c personas.Card) string {
	var b strings.Builder
	w := func(args ...any) {
		for _, a := range args {
			switch v := a.(type) {
			case *float64:
				if v != nil {
					a = strings.TrimRight(strings.TrimRight(strconvF(*v), "0"), ".")
				}
			case *time.Time:
				if v != nil {
					a = v.UTC().Format(time.RFC3339)
				}
			}
			b.WriteString(toString(a))
			b.WriteByte(' ')
		}
	}
	w(c.Path.Customers, c.Path.MedianDays, c.Path.Interactions)
	for _, m := range c.Path.Moves {
		w(m.From, m.To, m.Count)
	}
	for _, vs := range [][]personas.ValueShare{c.Interests, c.Categories, c.Channels} {
		w("|")
		for _, v := range vs {
			s := v.Share
			w(v.Value, v.Customers, &s)
		}
	}
	s := c.Satisfaction
	w("|", s.Answers, s.Questionnaires, s.First, s.Last, s.Ratings, s.CSAT, s.NPSAnswers, s.NPS, "|")
	for _, x := range append(append([]domain.WordCount{}, c.Motivations...), domain.WordCount{Word: "/"}) {
		w(x.Word, x.Count)
	}
	for _, x := range c.Brakes {
		w(x.Word, x.Count)
	}
	return b.String()
}
