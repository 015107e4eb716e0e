// Package locale writes crmbot's team-side messages in the reader's
// language: English, as the code writes them, or French, from the catalogs
// in catalog/ (go-i18n message files, with CLDR plural rules).
//
// A message is identified by its English text, a fmt format: the code
// reads as it prints, and a catalog maps that text to its French one (the
// same verbs, which %[n]s may reorder). Plural messages are identified by
// their English plural form.
//
// Every layer may use this package; domain does not, and keeps its
// messages as a format and arguments (domain.Msg, domain.Error) that a
// transport hands to a Printer.
package locale

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Lang is a language crmbot writes to the team in.
type Lang string

// The team-side languages.
const (
	English Lang = "en"
	French  Lang = "fr"
)

// Langs lists the team-side languages, the default first.
var Langs = []Lang{English, French}

// Parse reads a language name or locale: en, fr, fr-FR, fr_CA, French,
// français. ok is false for a language crmbot does not write.
func Parse(s string) (l Lang, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	switch base {
	case "en", "english", "anglais":
		return English, true
	case "fr", "french", "français", "francais":
		return French, true
	}
	return "", false
}

//go:embed catalog/*.yaml
var catalogs embed.FS

// bundle holds every catalog, English being the language of the code.
var bundle = load()

func load() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	files, err := fs.Glob(catalogs, "catalog/*.yaml")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(catalogs, f); err != nil {
			panic(fmt.Sprintf("locale: catalog %s: %v", f, err)) // caught by the package's tests
		}
	}
	return b
}

// Formatted is a message kept as its English format and arguments, such as
// a domain.Error, that a Printer writes in its language.
type Formatted interface {
	MessageFormat() (format string, args []any)
}

// Timed is an instant a message names, such as a domain.Moment, that a
// Printer writes as its language writes a day and a time (DateTime).
type Timed interface {
	MessageTime() time.Time
}

// Counted is a Formatted message with plural forms, such as domain.Countf:
// its format is the plural form, one the singular, n the count that
// chooses.
type Counted interface {
	Formatted
	MessageCount() (n int, one string, ok bool)
}

// Printer writes messages in one language.
type Printer struct {
	lang    Lang
	loc     *i18n.Localizer
	missing func(id string)
}

var printers = map[Lang]*Printer{}

func init() {
	for _, l := range Langs {
		printers[l] = &Printer{lang: l, loc: i18n.NewLocalizer(bundle, string(l))}
	}
}

// For returns the printer of l (English for a language crmbot does not
// write).
func For(l Lang) *Printer {
	if p, ok := printers[l]; ok {
		return p
	}
	return printers[English]
}

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// French reports whether p writes French.
func (p *Printer) French() bool { return p.lang == French }

// OnMissing returns a copy of p that calls missing with the id of each
// message it has no translation of (tests use it to find them).
func (p *Printer) OnMissing(missing func(id string)) *Printer {
	c := *p
	c.missing = missing
	return &c
}

// identity leaves a message's text as it is: its verbs are fmt's, not a
// template's.
var identity = template.IdentityParser{}

// lookup returns the text of message id in p's language, or def when the
// catalog has none; count, when not nil, chooses the plural form.
func (p *Printer) lookup(id string, def *i18n.Message, count any) string {
	if (p.lang == English && def == nil) || !translatable(id) {
		return id
	}
	s, tag, err := p.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, DefaultMessage: def, PluralCount: count, TemplateParser: identity})
	if err != nil || (tag != language.Make(string(p.lang)) && p.lang != English) {
		if p.missing != nil {
			p.missing(id)
		}
		if s == "" {
			return id
		}
	}
	return s
}

// T writes the message whose English format is format, with args (which
// may be Formatted themselves) in p's language.
func (p *Printer) T(format string, args ...any) string {
	if format == "" {
		return ""
	}
	return p.printf(p.lookup(format, nil, nil), args)
}

// N writes the plural message of n whose English forms are one and other,
// chosen by the rules of p's language (French's "one" covers 0 and 1).
func (p *Printer) N(n int, one, other string, args ...any) string {
	if p.lang == English { // the code's own forms: CLDR's English rule
		if n == 1 {
			return p.printf(one, args)
		}
		return p.printf(other, args)
	}
	return p.printf(p.lookup(other, &i18n.Message{ID: other, One: one, Other: other}, n), args)
}

// Msg writes m, a Formatted message, in p's language.
func (p *Printer) Msg(m Formatted) string {
	f, args := m.MessageFormat()
	if c, ok := m.(Counted); ok {
		if n, one, ok := c.MessageCount(); ok {
			return p.N(n, one, f, args...)
		}
	}
	return p.T(f, args...)
}

func (p *Printer) printf(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	out := make([]any, len(args)) // the caller's arguments stay as they were
	for i, a := range args {
		out[i] = a
		switch a := a.(type) {
		case Formatted:
			out[i] = p.Msg(a)
		case Timed:
			out[i] = p.DateTime(a.MessageTime())
		}
	}
	return fmt.Sprintf(format, out...)
}

type ctxKey struct{}

// With returns ctx carrying p, for the code a command runs.
func With(ctx context.Context, p *Printer) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the printer ctx carries, English when none.
func From(ctx context.Context) *Printer {
	if p, ok := ctx.Value(ctxKey{}).(*Printer); ok {
		return p
	}
	return printers[English]
}

// Has reports whether the catalog of l holds message id (English holds
// every message: the code writes it).
func Has(l Lang, id string) bool {
	if l == English || !translatable(id) {
		return true
	}
	_, tag, err := For(l).loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: 2, TemplateParser: identity})
	return err == nil && tag == language.Make(string(l))
}

// Key marks s as a message id for the catalog test, where the code keeps
// it to be written later (p.T(spec.summary)); it returns s.
func Key(s string) string { return s }

// Catalog returns every message of l's catalogs: its id, and its text by
// plural form ("other" for a message without plural forms).
func Catalog(l Lang) map[string]map[string]string {
	out := map[string]map[string]string{}
	files, _ := fs.Glob(catalogs, "catalog/*."+string(l)+".yaml")
	for _, f := range files {
		b, _ := catalogs.ReadFile(f)
		msgs, err := bundle.ParseMessageFileBytes(b, f)
		if err != nil {
			continue
		}
		for _, m := range msgs.Messages {
			forms := map[string]string{"other": m.Other}
			for k, v := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many} {
				if v != "" {
					forms[k] = v
				}
			}
			out[m.ID] = forms
		}
	}
	return out
}

var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// translatable reports whether id has words to translate: "%s: %v" has
// none, and is written as it is in every language.
func translatable(id string) bool {
	return strings.IndexFunc(verbs.ReplaceAllString(id, ""), unicode.IsLetter) >= 0
}
