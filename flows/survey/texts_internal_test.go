package survey

import (
	"regexp"
	"slices"
	"testing"
)

// verb matches a fmt verb (%s, %d, %v…); %% is no verb.
var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

func verbs(s string) []string {
	var out []string
	for _, v := range verb.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// TestTexts checks every text of the customer's side: written in English
// and in French, with the same formatting verbs in the same order, so that
// say fills both languages alike.
func TestTexts(t *testing.T) {
	for id := range numTexts {
		en, fr := texts[id].EN, texts[id].FR
		if en == "" || fr == "" {
			t.Errorf("text %d: EN %q, FR %q: both must be written", id, en, fr)
			continue
		}
		if ve, vf := verbs(en), verbs(fr); !slices.Equal(ve, vf) {
			t.Errorf("text %d: verbs %q in English, %q in French", id, ve, vf)
		}
	}
}

// TestYesNo checks that a yes/no value reads in the customer's language,
// and that any other value reads as it is rather than failing.
func TestYesNo(t *testing.T) {
	for _, tt := range []struct{ lang, v, want string }{
		{"en", "yes", "Yes"}, {"fr", "yes", "Oui"}, {"en", "no", "No"}, {"fr-CA", "no", "Non"}, {"en", "maybe", "maybe"}, {"fr", "", ""},
	} {
		if got := yesNo(tt.lang, tt.v); got != tt.want {
			t.Errorf("yesNo(%q, %q) = %q, want %q", tt.lang, tt.v, got, tt.want)
		}
	}
}
