package domain

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// CommentWords returns the words of a comment that say something: folded
// (lower case, no accents), of three letters or more, without the French
// and English stop words (le, très, the, very…), each once. Counted over
// a persona's comments, they are what motivates it or holds it back.
func CommentWords(text string) []string {
	ws := strings.FieldsFunc(Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := ws[:0]
	for _, w := range ws {
		if len([]rune(w)) >= 3 && !stopWords[w] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// WordCount is a word and how many comments hold it.
type WordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// TopWords returns the n words of counts held by the most comments, the
// most first, ties in alphabetical order; words of a single comment are
// left out (one customer's wording is not a trend).
func TopWords(counts map[string]int, n int) []WordCount {
	var out []WordCount
	for w, c := range counts {
		if c >= 2 {
			out = append(out, WordCount{w, c})
		}
	}
	slices.SortFunc(out, func(a, b WordCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Word, b.Word)) })
	return out[:min(n, len(out))]
}

// stopWords are folded French and English words that carry no meaning of
// their own (articles, pronouns, auxiliaries, common adverbs), of three
// letters or more: shorter words are dropped anyway.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
les des une est sont pas que qui quoi dans par pour sur avec sans sous chez mais donc car ses mes tes nos vos leur leurs
cette ces cet celle celui ceux elle elles ils nous vous lui moi toi son sa mon ton notre votre tout tous toute toutes
tres trop plus moins bien peu aussi encore deja jamais toujours ete etre avoir avait avons avez ont fait faire
suis etes etait sera seront serait cela ceci comme quand alors puis ici aux etc meme autre autres vraiment assez
rien beaucoup chaque quel quelle quels quelles dont ou parce faut peut peuvent
the and for are but not you your yours was were been being has have had his her hers its our ours their theirs
they them this that these those with without from into onto over under about very too more less much many
some any all can could would should will shall just only also than then there here what which who whom when
where why how out off again ever never always did does doing done get got really quite still yet`) {
		m[w] = true
	}
	return m
}()

// HistogramMedian returns the median of a distribution: h[v] holds how
// many times value v occurs (absent values occur zero times), n the
// total; the lower median when n is even, 0 when n is 0.
func HistogramMedian(h map[int]int, n int) int {
	if n <= 0 {
		return 0
	}
	values := make([]int, 0, len(h))
	for v := range h {
		values = append(values, v)
	}
	slices.Sort(values)
	seen := 0
	for _, v := range values {
		if seen += h[v]; seen >= (n+1)/2 {
			return v
		}
	}
	return 0
}
