package domain_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

// planted makes n customers in each of three groups, each with its own
// sector, size band and city 80 % of the time (any other 20 %) and its own
// recency and spend, and returns their criteria and their groups.
func planted(n int, seed uint64) ([][]string, [][]float64, []int) {
	r := rand.New(rand.NewPCG(seed, 1))
	sectors := []string{"btp", "commerce", "santé"}
	sizes := []string{"1-9", "10-49", "50+"}
	cities := []string{"Lyon", "Lille", "Nantes"}
	pick := func(g int, of []string) string {
		if r.IntN(100) < 80 {
			return of[g]
		}
		return of[r.IntN(len(of))]
	}
	var cats [][]string
	var nums [][]float64
	var group []int
	for g := range 3 {
		for range n {
			cats = append(cats, []string{pick(g, sectors), pick(g, sizes), pick(g, cities)})
			nums = append(nums, []float64{float64(30+g*120) + r.NormFloat64()*20, float64(500*(g+1)) + r.NormFloat64()*100})
			group = append(group, g)
		}
	}
	return cats, nums, group
}

// TestPersonasFindPlantedGroups: three planted groups are found, three
// personas, at least 90 % of customers with their group; the same data
// gives the same personas; a new customer of a group is nearest its one.
func TestPersonasFindPlantedGroups(t *testing.T) {
	cats, nums, group := planted(300, 7)
	points, names := domain.PersonaFeatures(cats, nums)
	if len(names) != 9+2 || len(points) != 900 {
		t.Fatalf("%d dimensions (%v), %d points", len(names), names, len(points))
	}
	c := domain.ClusterPersonas(points, 3, 5, 42)
	if c.K != 3 {
		t.Fatalf("%d personas (silhouette %.2f), want the 3 planted", c.K, c.Silhouette)
	}
	// Each persona stands for the group most of its customers are in.
	agree := 0
	for k := range c.K {
		counts := make([]int, 3)
		for i, o := range c.Of {
			if o == k {
				counts[group[i]]++
			}
		}
		agree += slices.Max(counts)
	}
	if share := float64(agree) / float64(len(points)); share < 0.9 {
		t.Errorf("%.1f %% of customers with their planted group, want at least 90 %%", share*100)
	}
	again := domain.ClusterPersonas(points, 3, 5, 42)
	if !slices.Equal(again.Of, c.Of) || !slices.Equal(again.Sizes, c.Sizes) {
		t.Error("the same data gave other personas")
	}
	if c.Sizes[0] < c.Sizes[1] || c.Sizes[1] < c.Sizes[2] {
		t.Errorf("personas not by size: %v", c.Sizes)
	}
	// A customer of group 2 (all its traits) joins the persona of group 2.
	p, _ := domain.PersonaFeatures(append(cats, []string{"santé", "50+", "Nantes"}), append(nums, []float64{270, 1500}))
	want := c.Of[len(points)-1] // the last planted customer is in group 2
	if got := domain.NearestPersona(p[len(p)-1], c); got != want {
		t.Errorf("nearest persona %d, want %d", got, want)
	}
}

// BenchmarkNearestPersona times what a contact's card would spend on its
// persona: encoding its criteria and finding the nearest of the personas
// fitted on 3,000 planted customers.
func BenchmarkNearestPersona(b *testing.B) {
	cats, nums, _ := planted(1000, 9)
	enc := domain.FitPersonaEncoder(cats, nums)
	points := make([][]float64, len(cats))
	for i := range cats {
		points[i] = enc.Encode(cats[i], nums[i])
	}
	c := domain.ClusterPersonas(points, 3, 5, 1)
	for i := 0; b.Loop(); i++ {
		j := i % len(cats)
		domain.NearestPersona(enc.Encode(cats[j], nums[j]), c)
	}
}
