package command

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
)

// closing maps each opening quote to the quote that closes it: straight
// quotes, the curly ones Slack and phones type, and French guillemets.
var closing = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '”': '”', '„': '“', '‘': '’', '«': '»'}

// Split cuts a command line into words like a shell does: white space
// separates words, quotes group them (key="two words" too). An apostrophe
// inside a word is kept as a letter, so O'Neil and l'Oréal need no quotes.
// Invalid UTF-8 and control characters are refused (see checkText).
func Split(line string) ([]string, error) {
	if err := checkText(line); err != nil {
		return nil, err
	}
	var words []string
	var cur strings.Builder
	inWord := false
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case unicode.IsSpace(r):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case closing[r] != 0 && !innerApostrophe(runes, i):
			j := i + 1
			for j < len(runes) && !closes(r, runes, j) {
				j++
			}
			if j == len(runes) && isApostrophe(r) && i > 0 && unicode.IsLetter(runes[i-1]) {
				// An apostrophe that ends a word and opens nothing is
				// a letter too: the Martins' order.
				cur.WriteRune(r)
				continue
			}
			if j == len(runes) {
				return nil, domain.Errorf(domain.Invalid, "a quote %c is not closed: close it with %c, as in add \"Jeanne Martin\"", r, closing[r])
			}
			quoted := string(runes[i+1 : j])
			if r == '«' {
				// French typography puts spaces inside guillemets:
				// « Jeanne Martin » is the name Jeanne Martin.
				quoted = strings.TrimFunc(quoted, unicode.IsSpace)
			}
			cur.WriteString(quoted)
			inWord = true
			i = j
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// checkText refuses a line that is not valid UTF-8 or that holds a control
// character other than a tab or a line break (which separate words): such
// bytes would be stored in contacts and printed back to terminals.
func checkText(line string) error {
	if !utf8.ValidString(line) {
		return domain.Errorf(domain.Invalid, "the command is not valid UTF-8 text: type it again, or paste it as plain text")
	}
	for _, r := range line {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return domain.Errorf(domain.Invalid, "the command holds an invisible control character (%U): type it again, or paste it as plain text", r)
		}
	}
	return nil
}

// closes reports whether runes[j] closes the quote open opened. A straight
// double quote is also closed by the curly one phones type, and inside a
// quote an apostrophe between two letters stays a letter: 'O'Neil' is the
// one word O'Neil.
func closes(open rune, runes []rune, j int) bool {
	if innerApostrophe(runes, j) {
		return false
	}
	return runes[j] == closing[open] || open == '"' && runes[j] == '”'
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' }

// innerApostrophe reports whether runes[i] is an apostrophe between two
// letters, as in O'Neil or l'Oréal: a letter of the word, not a quote.
func innerApostrophe(runes []rune, i int) bool {
	return isApostrophe(runes[i]) && i > 0 && unicode.IsLetter(runes[i-1]) && i+1 < len(runes) && unicode.IsLetter(runes[i+1])
}

// assignment splits a word key=value where key is a plain name (letters,
// digits, _ . -). It is what add and edit read as fields.
func assignment(word string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(word, "=")
	if !ok || key == "" {
		return "", "", false
	}
	for _, r := range key {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
			return "", "", false
		}
	}
	return key, value, true
}

// JoinWords writes words as one command line that Split reads back as the
// same words, quoting those that need it.
func JoinWords(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}
