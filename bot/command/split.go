package command

import (
	"strings"
	"unicode"

	"github.com/crmbot/crmbot/domain"
)

// closing maps each opening quote to the quote that closes it: straight
// quotes, the curly ones Slack and phones type, and French guillemets.
var closing = map[rune]rune{'"': '"', '\'': '\'', '“': '”', '”': '”', '„': '“', '‘': '’', '«': '»'}

// Split cuts a command line into words like a shell does: white space
// separates words, quotes group them (key="two words" too). An apostrophe
// inside a word is kept as a letter, so O'Neil and l'Oréal need no quotes.
func Split(line string) ([]string, error) {
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
		case closing[r] != 0 && !(isApostrophe(r) && i > 0 && isLetter(runes[i-1]) && i+1 < len(runes) && isLetter(runes[i+1])):
			end := closing[r]
			j := i + 1
			for j < len(runes) && runes[j] != end && !(r == '"' && runes[j] == '”') {
				j++
			}
			if j == len(runes) {
				return nil, domain.Errorf(domain.Invalid, "a quote %c is not closed: close it with %c, as in add \"Jeanne Martin\"", r, end)
			}
			cur.WriteString(string(runes[i+1 : j]))
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

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' }

func isLetter(r rune) bool { return unicode.IsLetter(r) }

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
