package domain

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Op is a comparison in a filter.
type Op string

// The filter comparisons. Contains matches a part of a text.
const (
	Eq       Op = "="
	Ne       Op = "!="
	Gt       Op = ">"
	Ge       Op = ">="
	Lt       Op = "<"
	Le       Op = "<="
	Contains Op = "~"
)

// ops is ordered so that two-character operators are tried first.
var ops = []Op{Ge, Le, Ne, Eq, Gt, Lt, Contains}

// Filter is one condition of find and top: field op value. Arg is the value
// read for the field's kind (string, int64 or time.Time).
type Filter struct {
	Field string    `json:"field"`
	Op    Op        `json:"op"`
	Value string    `json:"value"`
	Kind  FieldKind `json:"-"`
	Arg   any       `json:"-"`
}

// ContactQuery selects and orders contacts.
type ContactQuery struct {
	Filters []Filter
	Sort    string // a field name; "" sorts by id
	Desc    bool
	Limit   int
	Offset  int
	// IDs, when not nil, keeps only the contacts with these ids (the
	// members of a segment); an empty non-nil list matches none.
	IDs []int64
	// Rotting, when not nil, keeps only the contacts rotting at RotAt:
	// at a stage of the policy, with no interaction, no entry into the
	// stage and no creation since its rot days.
	Rotting RotPolicy
	RotAt   time.Time
	// Count says how the total of a full page is counted: CountAll (the
	// zero value) counts every match, CountNone not at all (the total is
	// what the page holds), and n > 0 counts up to n matches: a total of
	// n+1 means "more than n". Counting reads every match, which on a
	// large table costs far more than the page.
	Count int
}

// The special values of ContactQuery.Count.
const (
	CountAll  = 0
	CountNone = -1
)

// filterOnly are the fields a filter can use beyond the settable Fields.
var filterOnly = map[string]FieldKind{
	"id": IntFieldKind, "score": IntFieldKind, "grade": TextField, "fit": TextField, "engagement": IntFieldKind,
	"satisfaction": IntFieldKind, "created": DateFieldKind, "last_contact": DateFieldKind,
}

// FilterFieldKind returns the kind of a filterable field (after aliases).
func FilterFieldKind(name string) (string, FieldKind, bool) {
	if k, ok := filterOnly[name]; ok {
		return name, k, true
	}
	if f, ok := LookupField(name); ok {
		return f.Name, f.Kind, true
	}
	return "", 0, false
}

// SplitFilter reports whether word is a filter such as score>=50 and splits it.
func SplitFilter(word string) (field string, op Op, value string, ok bool) {
	i := strings.IndexAny(word, "=!<>~")
	if i <= 0 {
		return "", "", "", false
	}
	for _, o := range ops {
		if strings.HasPrefix(word[i:], string(o)) {
			return word[:i], o, word[i+len(o):], true
		}
	}
	return "", "", "", false
}

// ParseFilter reads field, op and value into a Filter with its typed
// argument, or says what is wrong.
func ParseFilter(field string, op Op, value string, now time.Time) (Filter, error) {
	name, kind, ok := FilterFieldKind(strings.ToLower(field))
	attr, isAttr := strings.CutPrefix(strings.ToLower(field), AttrPrefix)
	switch {
	case isAttr && ValidAttrKey(attr):
		name, kind = AttrPrefix+attr, TextField
	case !ok:
		return Filter{}, Errorf(Invalid, "cannot filter on %q.%s Filters use: %s, score, grade, created, last_contact, or %sname", field,
			DidYouMean(field, append(FieldNames(), "id", "score", "grade", "fit", "engagement", "created", "last_contact")), strings.Join(FieldNames(), ", "), AttrPrefix)
	}
	f := Filter{Field: name, Op: op, Value: value, Kind: kind}
	ordered := op == Gt || op == Ge || op == Lt || op == Le
	if name == "fit" {
		return fitFilter(f, ordered)
	}
	var err error
	switch kind {
	case IntFieldKind:
		var n int
		n, err = strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(value, "C"), "c"))
		if err != nil {
			err = Errorf(Invalid, "%s takes a whole number, as in %s>=10 (got %q)", name, name, value)
		}
		f.Arg = int64(n)
	case MoneyFieldKind:
		f.Arg, err = ParseAmount(value)
	case DateFieldKind:
		f.Arg, err = ParseDate(value, now)
	case StageFieldKind:
		var st Stage
		st, err = ParseStage(value)
		f.Arg = string(st)
		if ordered {
			err = Errorf(Invalid, "stage compares with = or != only, as in stage=prospect")
		}
	default:
		f.Arg = value
		if name == "email" || name == "phone" {
			f.Arg = strings.ToLower(value)
		}
		if p, perr := NormalizePhone(value); name == "phone" && (op == Eq || op == Ne) && perr == nil {
			f.Arg = p // compare with phones as they are stored
		}
		if kind == ListFieldKind && ordered {
			err = Errorf(Invalid, "%s compares with =, != or ~ only, as in %s=vip", name, name)
		}
	}
	if err != nil {
		return Filter{}, err
	}
	if op == Contains && kind != TextField && kind != ListFieldKind && kind != EmailFieldKind && kind != PhoneFieldKind {
		return Filter{}, Errorf(Invalid, "~ (contains) works on text fields only, not on %s", name)
	}
	return f, nil
}

// Fold returns s in lower case without accents, for matching names as users
// type them: "Hélène" and "helene" fold alike.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	if out, ok := foldLatin(s); ok {
		return out
	}
	return foldUnicode(s)
}

// foldUnicode is Fold by Unicode normalisation: decompose, drop the
// combining marks, recompose.
func foldUnicode(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

// latinFolds is foldUnicode of each letter of the Latin blocks up to
// Latin Extended-B, in which most names are written.
var latinFolds = sync.OnceValue(func() []string {
	folds := make([]string, 0x250)
	for r := range folds {
		folds[r] = foldUnicode(string(rune(r)))
	}
	return folds
})

// foldLatin folds s letter by letter from latinFolds, which gives what
// foldUnicode gives, as long as every letter of s is in those blocks
// (ok is false otherwise): the normalisation costs more than the rest of
// reading a row of an import of a million contacts.
func foldLatin(s string) (string, bool) {
	folds := latinFolds()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= rune(len(folds)) {
			return "", false
		}
		b.WriteString(folds[r])
	}
	return b.String(), true
}

// fitFilter reads the fit grade of a filter: A, B, C or D in any case,
// compared with = or != (fit=A, fit!=D).
func fitFilter(f Filter, ordered bool) (Filter, error) {
	g := strings.ToUpper(strings.TrimSpace(f.Value))
	if ordered || f.Op == Contains || len(g) != 1 || g < "A" || g > "D" {
		return Filter{}, Errorf(Invalid, "fit takes a grade A, B, C or D with = or !=, as in fit=A (got %q)", f.Value)
	}
	f.Arg = g
	return f, nil
}
