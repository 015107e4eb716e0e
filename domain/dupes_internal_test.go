package domain

import (
	"testing"

	"github.com/agnivade/levenshtein"
)

// TestEditDistanceWithin checks the banded distance against the full one
// on pairs at every distance around the band's edge.
func TestEditDistanceWithin(t *testing.T) {
	words := []string{"", "a", "ab", "jeanne martin", "jeane martin", "jeanne martine", "joanne marlin", "joanna marlin",
		"zoé müller", "zoe muller", "zoé mûler", "anaïs müller", "paul", "saul", "paula", "martin jeanne"}
	for _, a := range words {
		for _, b := range words {
			full := levenshtein.ComputeDistance(a, b)
			for k := 0; k <= 3; k++ {
				want := min(full, k+1)
				if got := editDistanceWithin(a, b, k); got != want {
					t.Errorf("editDistanceWithin(%q, %q, %d) = %d, want %d", a, b, k, got, want)
				}
			}
		}
	}
}
