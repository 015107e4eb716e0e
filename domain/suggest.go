package domain

import (
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// Nearest returns the one of names nearest to word, ignoring case and
// accents, when it is within a typo's reach: at most two edits, and fewer
// than half the letters of word, so that a short word is not taken for
// an unrelated one. It returns "" when none is that near, or when word is
// one of names.
func Nearest(word string, names []string) string {
	w := Fold(word)
	best, bestDist := "", min(2, utf8.RuneCountInString(w)/2)+1
	for _, name := range names {
		d := levenshtein.ComputeDistance(w, Fold(name))
		if d == 0 {
			return ""
		}
		if d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// DidYouMean is " Did you mean X?" for the name of names nearest to word,
// or "" when none is near: the end of a message that refuses word.
func DidYouMean(word string, names []string) Msg {
	if near := Nearest(word, names); near != "" {
		return M(" Did you mean %s?", near)
	}
	return Msg{}
}
