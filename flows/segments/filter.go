package segments

import (
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/crmbot/crmbot/domain"
)

// Filter styles: how a saved segment's filter was written.
const (
	StyleExpression = "expression" // the scoring language: sector == "agro" && employees >= 50
	StyleWords      = "words"      // find-style words: sector=agro employees>=50
)

// envKinds maps each name of ScoreEnv to the kind of its value.
var envKinds = func() map[string]reflect.Kind {
	m := map[string]reflect.Kind{}
	t := reflect.TypeFor[domain.ScoreEnv]()
	for i := range t.NumField() {
		f := t.Field(i)
		m[f.Tag.Get("expr")] = f.Type.Kind()
	}
	return m
}()

// ParseFilter reads the filter words of segment save: either one
// expression of the scoring language (sector == "agro" && employees >= 50,
// quoted as one word when it holds text values) or find-style words
// (sector=agro employees>=50), which it translates into the expression
// they mean, all of them holding. It returns the expression and its style.
func ParseFilter(words []string) (string, string, error) {
	if len(words) == 0 {
		_, err := domain.CompileSegment("")
		return "", "", err
	}
	joined := strings.Join(words, " ")
	if _, err := domain.CompileSegment(joined); err == nil {
		return joined, StyleExpression, nil
	}
	parts := make([]string, len(words))
	for i, w := range words {
		if !filterWord(w) && (len(words) > 1 || strings.ContainsFunc(w, unicode.IsSpace)) {
			// Not a field=value word: the words were meant as an
			// expression, whose error says what is wrong.
			_, err := domain.CompileSegment(joined)
			if len(words) == 1 {
				return "", "", err
			}
			return "", "", domain.Errorf(domain.Invalid, "%v\nQuote the whole expression as one word when it holds text values: 'sector == \"agro\" && employees >= 50'", err)
		}
		cond, err := wordCondition(w)
		if err != nil {
			return "", "", err
		}
		parts[i] = cond
	}
	expr := strings.Join(parts, " && ")
	if _, err := domain.CompileSegment(expr); err != nil {
		return "", "", err
	}
	return expr, StyleWords, nil
}

// filterWord reports whether w is one find-style field-op-value word: its
// field a plain name, its operator not ==. A quoted expression such as
// city == "lyon" && employees >= 10 is not one, though it holds an =.
func filterWord(w string) bool {
	field, op, value, ok := domain.SplitFilter(w)
	if !ok || op == domain.Eq && strings.HasPrefix(value, "=") {
		return false
	}
	for _, r := range field {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

// wordsHelp ends the errors of a filter word: how to write one.
var wordsHelp = domain.M(`Write field=value words (sector=agro employees>=50, tags=vip, attr.plan=gold) or one expression of the scoring rules, quoted: 'sector == "agro" && employees >= 50'`)

// wordCondition translates one field-op-value word into an expression.
func wordCondition(w string) (string, error) {
	field, op, value, ok := domain.SplitFilter(w)
	if !ok {
		return "", domain.Errorf(domain.Invalid, "%q is not a filter. %s", w, wordsHelp)
	}
	name := strings.ToLower(field)
	if key, isAttr := strings.CutPrefix(name, domain.AttrPrefix); isAttr {
		if !domain.ValidAttrKey(key) || (op != domain.Eq && op != domain.Ne && op != domain.Contains) {
			return "", domain.Errorf(domain.Invalid, "%q: an attribute filter is attr.<name>=value, != or ~", w)
		}
		return textCondition("attrs["+strconv.Quote(key)+"]", op, value), nil
	}
	if f, ok := domain.LookupField(name); ok {
		name = f.Name
	}
	kind, ok := envKinds[name]
	if !ok {
		return "", domain.Errorf(domain.Invalid, "%q: a segment filter cannot use %q. %s", w, field, wordsHelp)
	}
	switch kind {
	case reflect.String:
		return textCondition(name, op, strings.ToLower(value)), nil
	case reflect.Slice:
		v := strconv.Quote(strings.ToLower(value))
		switch op {
		case domain.Eq:
			return v + " in " + name, nil
		case domain.Ne:
			return "!(" + v + " in " + name + ")", nil
		case domain.Contains:
			return "any(" + name + ", # contains " + v + ")", nil
		}
		return "", domain.Errorf(domain.Invalid, "%q: a list such as %s takes =, != or ~", w, name)
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil || (op != domain.Eq && op != domain.Ne) {
			return "", domain.Errorf(domain.Invalid, "%q: %s is true or false, as in %s=true", w, name, name)
		}
		return name + " " + exprOp(op) + " " + strconv.FormatBool(b), nil
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(value, ",", "."), 64)
	if err != nil || op == domain.Contains {
		return "", domain.Errorf(domain.Invalid, "%q: %s is a number, compared with =, !=, <, <=, > or >=", w, name)
	}
	return name + " " + exprOp(op) + " " + strconv.FormatFloat(n, 'f', -1, 64), nil
}

// textCondition compares a text name with value.
func textCondition(name string, op domain.Op, value string) string {
	v := strconv.Quote(value)
	if op == domain.Contains {
		return name + " contains " + v
	}
	return name + " " + exprOp(op) + " " + v
}

// exprOp is the expression operator of a filter comparison.
func exprOp(op domain.Op) string {
	if op == domain.Eq {
		return "=="
	}
	return string(op)
}
