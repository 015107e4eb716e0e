package command

// QuoteWord exports quoteWord to the tests of package command_test.
var QuoteWord = quoteWord

// SpecTexts returns, by command name, the texts of its spec that help
// writes: usage, summary, examples and, when set, soon.
func SpecTexts() map[string][]string {
	out := map[string][]string{}
	for _, s := range specs {
		texts := append([]string{s.usage, s.summary}, s.examples...)
		if s.soon != "" {
			texts = append(texts, s.soon)
		}
		out[s.name] = texts
	}
	return out
}
