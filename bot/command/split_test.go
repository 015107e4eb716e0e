package command_test

import (
	"slices"
	"testing"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/domain"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"plain words", "show C42", []string{"show", "C42"}},
		{"runs of spaces", "  show   C42  ", []string{"show", "C42"}},
		{"empty line", "", nil},
		{"only spaces", " \t \n ", nil},
		{"tab", "show\tC42", []string{"show", "C42"}},
		{"line breaks", "log C42 call\nasked\r\nfor a quote", []string{"log", "C42", "call", "asked", "for", "a", "quote"}},
		{"non-breaking spaces", "sale C42 1\u00a0200,50\u00a0€", []string{"sale", "C42", "1", "200,50", "€"}},
		{"narrow non-breaking space", "sale C42 1\u202f200", []string{"sale", "C42", "1", "200"}},
		{"double quotes", `add "Jeanne Martin" city=Lyon`, []string{"add", "Jeanne Martin", "city=Lyon"}},
		{"single quotes", `add 'Jeanne Martin'`, []string{"add", "Jeanne Martin"}},
		{"curly double quotes", `add “Jeanne Martin”`, []string{"add", "Jeanne Martin"}},
		{"straight quote closed by a curly one", `add "Jeanne Martin”`, []string{"add", "Jeanne Martin"}},
		{"curly single quotes", `add ‘Jeanne Martin’`, []string{"add", "Jeanne Martin"}},
		{"low-high quotes", `add „Jeanne Martin“`, []string{"add", "Jeanne Martin"}},
		{"guillemets with French spaces", "add « Jeanne Martin »", []string{"add", "Jeanne Martin"}},
		{"guillemets with non-breaking spaces", "add «\u00a0Jeanne Martin\u00a0»", []string{"add", "Jeanne Martin"}},
		{"guillemets without spaces", "add «Jeanne Martin»", []string{"add", "Jeanne Martin"}},
		{"empty double quotes", `edit C42 phone=""`, []string{"edit", "C42", "phone="}},
		{"empty single quotes", `edit C42 phone=''`, []string{"edit", "C42", "phone="}},
		{"empty word", `add ""`, []string{"add", ""}},
		{"key with double-quoted value", `add Jeanne company="Fromagerie Martin"`, []string{"add", "Jeanne", "company=Fromagerie Martin"}},
		{"key with single-quoted value", `add Jeanne company='Fromagerie Martin'`, []string{"add", "Jeanne", "company=Fromagerie Martin"}},
		{"key with guillemets", `add Jeanne company=« Fromagerie Martin »`, []string{"add", "Jeanne", "company=Fromagerie Martin"}},
		{"quotes glued to words", `a"b c"d`, []string{"ab cd"}},
		{"tab inside quotes is kept", "add \"Jeanne\tMartin\"", []string{"add", "Jeanne\tMartin"}},
		{"apostrophe in a name", "add Seán O'Neil", []string{"add", "Seán", "O'Neil"}},
		{"apostrophe in a company", "add Marie company=l'Oréal", []string{"add", "Marie", "company=l'Oréal"}},
		{"typographic apostrophe", "add Marie company=l’Oréal", []string{"add", "Marie", "company=l’Oréal"}},
		{"apostrophe inside single quotes", `add 'Seán O'Neil' company='l'Oréal'`, []string{"add", "Seán O'Neil", "company=l'Oréal"}},
		{"apostrophe inside curly single quotes", "add ‘Seán O’Neil’", []string{"add", "Seán O’Neil"}},
		{"apostrophe inside double quotes", `add "Seán O'Neil"`, []string{"add", "Seán O'Neil"}},
		{"possessive", "log C42 call Jeanne's quote", []string{"log", "C42", "call", "Jeanne's", "quote"}},
		{"apostrophe ending a word", "log C42 call the Martins' order", []string{"log", "C42", "call", "the", "Martins'", "order"}},
		{"apostrophe ending the line", "log C42 call chez l'", []string{"log", "C42", "call", "chez", "l'"}},
		{"accents", "add Hélène Dupré ville=Besançon", []string{"add", "Hélène", "Dupré", "ville=Besançon"}},
		{"non-Latin names", "add 王芳 company=Ωmega city=Αθήνα", []string{"add", "王芳", "company=Ωmega", "city=Αθήνα"}},
		{"decomposed accents", "add He\u0301le\u0300ne", []string{"add", "He\u0301le\u0300ne"}},
		{"emoji", "log C42 call 👍 great", []string{"log", "C42", "call", "👍", "great"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := command.Split(tt.line)
			if err != nil {
				t.Fatalf("Split(%q): %v", tt.line, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Split(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestSplitRefuses(t *testing.T) {
	tests := []struct {
		name, line string
		words      []string // the message says these
	}{
		{"unclosed double quote", `add "Jeanne Martin`, []string{`quote " is not closed`, `close it with "`}},
		{"unclosed single quote", `add 'Jeanne Martin`, []string{`quote ' is not closed`, `close it with '`}},
		{"unclosed curly quote", `add “Jeanne Martin`, []string{`quote “ is not closed`, `close it with ”`}},
		{"unclosed guillemet", `add « Jeanne Martin`, []string{`quote « is not closed`, `close it with »`}},
		{"unclosed quote in a value", `add Jeanne company="Fromagerie`, []string{`quote " is not closed`}},
		{"unclosed single quote in a note", `log C42 call 'asked for a quote`, []string{`quote ' is not closed`}},
		{"invalid UTF-8", "add Jeanne\xff\xfe", []string{"not valid UTF-8"}},
		{"NUL byte", "add Jeanne\x00Martin", []string{"control character", "U+0000"}},
		{"escape sequence", "add \x1b[31mJeanne", []string{"control character", "U+001B"}},
		{"control character inside quotes", "add \"Jeanne\x07\"", []string{"control character", "U+0007"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := command.Split(tt.line)
			if err == nil {
				t.Fatalf("Split(%q) = %q, want an error", tt.line, got)
			}
			if !domain.IsCode(err, domain.Invalid) {
				t.Errorf("code %s, want invalid", domain.ErrorCode(err))
			}
			mustContain(t, "the error", err.Error(), tt.words...)
		})
	}
}

// An unclosed quote fails the command it was typed for, with its usage.
func TestRunUnclosedQuote(t *testing.T) {
	e := newEnv(t)
	r := e.fail(t, `add "Jeanne Martin email=jeanne@martin.fr`, domain.Invalid)
	if r.Command != "add" || r.Error.Usage != "add <name> [key=value…]" {
		t.Errorf("command %q usage %q, want add and its usage", r.Command, r.Error.Usage)
	}
	mustContain(t, "the message", r.Error.Message, "not closed")
	if n := e.count(t); n != 0 {
		t.Errorf("%d contacts after a refused add, want 0", n)
	}
	r = e.fail(t, `"unclosed`, domain.Invalid)
	if r.Command != "" || r.Error.Usage != "" {
		t.Errorf("no command typed: command %q usage %q, want none", r.Command, r.Error.Usage)
	}
}
