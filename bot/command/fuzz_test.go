package command_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
)

// FuzzRun runs arbitrary command lines against one SQLite database per fuzz
// process, seeded with the contacts of seedLines: Run never panics, always
// answers with success or a message, and a failure writes nothing. Its
// corpus is in testdata/fuzz/FuzzRun.
func FuzzRun(f *testing.F) {
	e := newEnv(f)
	for _, l := range seedLines {
		e.add(f, l)
	}
	pol := domain.DefaultPolicy
	pol.Zone = paris
	e.exec.Surveys = &survey.Service{Store: e.db, Policy: pol, Questionnaires: domain.BuiltinQuestionnaires(), Now: e.clock.Now, Language: "en"}
	e.exec.BotName = func(context.Context) (string, error) { return "crmbot_test_bot", nil }
	e.ok(f, "log C1 call")
	e.ok(f, "sale C2 300 yesterday")
	codes := []string{string(domain.NotFound), string(domain.Invalid), string(domain.Conflict), string(domain.Unavailable), string(domain.Forbidden)}
	f.Fuzz(func(t *testing.T, line string) {
		contacts, moves := e.count(t), e.moveCount(t)
		r := e.run(t, line) // fails the input on an internal error
		text := r.Text()
		if _, err := r.JSON(); err != nil {
			t.Fatalf("%q: JSON: %v", line, err)
		}
		if r.OK {
			if r.Error != nil || r.Command == "" || text == "" {
				t.Fatalf("%q: success with error %+v, command %q, text %q", line, r.Error, r.Command, text)
			}
			return
		}
		if r.Error == nil || strings.TrimSpace(r.Error.Message) == "" || !slices.Contains(codes, r.Error.Code) {
			t.Fatalf("%q: failure without a message or with an unknown code: %+v", line, r.Error)
		}
		if n := e.count(t); n != contacts {
			t.Fatalf("%q failed (%s) but the contacts went from %d to %d", line, r.Error.Message, contacts, n)
		}
		if n := e.moveCount(t); n != moves {
			t.Fatalf("%q failed (%s) but the moves went from %d to %d", line, r.Error.Message, moves, n)
		}
	})
}

// moveCount counts every recorded pipeline move.
func (e *env) moveCount(t testing.TB) int {
	t.Helper()
	ms, err := e.db.MovesBetween(t.Context(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("count moves: %v", err)
	}
	return len(ms)
}

// quoteRunes are the characters that may open a quote in Split.
const quoteRunes = "\"'“”„‘«"

// FuzzSplit checks that Split never panics, that a line without quotes
// splits at white space exactly, and that words written back with the
// quoting of the More line split back to the same words.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"", " ", "show C42", `add "Jeanne Martin" company='Fromagerie Martin'`, "add « Jeanne »", "O'Neil l’Oréal",
		`a"b c"d`, `x="" y=''`, "sale C1 1\u00a0200,50\u00a0€", "log C1 call\tnote\nmore", `'O'Neil'`, `say "it's" 'a "b"'`,
		"\xff", "a\x00b", `"unclosed`, "Martins' order", "«»", `key=“a b”`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words, err := command.Split(line)
		if err != nil {
			if words != nil {
				t.Fatalf("Split(%q) returned words %q with error %v", line, words, err)
			}
			return
		}
		if !strings.ContainsAny(line, quoteRunes) {
			if fields := strings.Fields(line); !slices.Equal(words, fields) {
				t.Fatalf("Split(%q) = %q, want the fields %q", line, words, fields)
			}
			again, err := command.Split(strings.Join(words, " "))
			if err != nil || !slices.Equal(again, words) {
				t.Fatalf("Split(%q) = %q, but its words joined split to %q (%v)", line, words, again, err)
			}
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = command.QuoteWord(w)
		}
		again, err := command.Split(strings.Join(quoted, " "))
		if err != nil || !slices.Equal(again, words) {
			t.Fatalf("Split(%q) = %q; quoted back as %q it splits to %q (%v)", line, words, quoted, again, err)
		}
	})
}
