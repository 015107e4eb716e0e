package domain

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AttrPrefix starts the key of a custom attribute: attr.loyalty_card=yes.
const AttrPrefix = "attr."

// FieldKind says how a field's value is read and written.
type FieldKind int

// The kinds of contact fields.
const (
	TextField FieldKind = iota
	EmailFieldKind
	PhoneFieldKind
	IntFieldKind
	MoneyFieldKind
	DateFieldKind
	ListFieldKind
	StageFieldKind
)

// Field is a contact field that users can set with key=value, import from a
// CSV column and filter on.
type Field struct {
	Name string
	Kind FieldKind
	ref  func(*Contact) any // a pointer to the field inside the contact
}

// Fields lists the settable contact fields, in the order cards and exports
// show them.
var Fields = []Field{
	{"name", TextField, func(c *Contact) any { return &c.Name }},
	{"email", EmailFieldKind, func(c *Contact) any { return &c.Email }},
	{"phone", PhoneFieldKind, func(c *Contact) any { return &c.Phone }},
	{"company", TextField, func(c *Contact) any { return &c.Company }},
	{"role", TextField, func(c *Contact) any { return &c.Role }},
	{"sector", TextField, func(c *Contact) any { return &c.Sector }},
	{"employees", IntFieldKind, func(c *Contact) any { return &c.Employees }},
	{"capital", MoneyFieldKind, func(c *Contact) any { return &c.Capital }},
	{"city", TextField, func(c *Contact) any { return &c.City }},
	{"country", TextField, func(c *Contact) any { return &c.Country }},
	{"language", TextField, func(c *Contact) any { return &c.Language }},
	{"timezone", TextField, func(c *Contact) any { return &c.TimeZone }},
	{"gender", TextField, func(c *Contact) any { return &c.Gender }},
	{"birth_year", IntFieldKind, func(c *Contact) any { return &c.BirthYear }},
	{"product", TextField, func(c *Contact) any { return &c.Product }},
	{"budget", MoneyFieldKind, func(c *Contact) any { return &c.Budget }},
	{"project_date", DateFieldKind, func(c *Contact) any { return &c.ProjectDate }},
	{"source", TextField, func(c *Contact) any { return &c.Source }},
	{"channel", TextField, func(c *Contact) any { return &c.Channel }},
	{"interests", ListFieldKind, func(c *Contact) any { return &c.Interests }},
	{"categories", ListFieldKind, func(c *Contact) any { return &c.Categories }},
	{"preferred_channel", TextField, func(c *Contact) any { return &c.PreferredChannel }},
	{"frequency", TextField, func(c *Contact) any { return &c.Frequency }},
	{"stage", StageFieldKind, func(c *Contact) any { return &c.Stage }},
	{"tags", ListFieldKind, func(c *Contact) any { return &c.Tags }},
	{"owner", TextField, func(c *Contact) any { return &c.Owner }},
}

var fieldAliases = map[string]string{
	"nom": "name", "mail": "email", "e-mail": "email", "tel": "phone", "téléphone": "phone", "telephone": "phone",
	"entreprise": "company", "societe": "company", "société": "company", "job": "role", "poste": "role",
	"secteur": "sector", "effectif": "employees", "ville": "city", "pays": "country", "langue": "language",
	"tz": "timezone", "budget_eur": "budget", "expected_date": "project_date", "origin": "source", "origine": "source",
	"canal": "channel", "tag": "tags", "interets": "interests", "intérêts": "interests", "etape": "stage", "étape": "stage",
}

// FieldNames lists the names of the settable fields.
func FieldNames() []string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = f.Name
	}
	return names
}

// LookupField finds a field by name or French alias, ignoring case.
func LookupField(name string) (Field, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := fieldAliases[n]; ok {
		n = a
	}
	i := slices.IndexFunc(Fields, func(f Field) bool { return f.Name == n })
	if i < 0 {
		return Field{}, false
	}
	return Fields[i], true
}

// ValidAttrKey reports whether key (without the attr. prefix) is usable as a
// custom attribute name.
func ValidAttrKey(key string) bool {
	if key == "" || len(key) > 40 {
		return false
	}
	for _, r := range key {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// UnknownFieldError says that key names no field, and how to name one.
func UnknownFieldError(key string) *Error {
	return Errorf(Invalid, "%q is not a contact field.%s Fields: %s. For a field of your own, write %s%s=value.",
		key, DidYouMean(key, append(FieldNames(), slices.Sorted(maps.Keys(fieldAliases))...)), strings.Join(FieldNames(), ", "), AttrPrefix, attrHint(key))
}

// attrHint is the name UnknownFieldError suggests for a field of the
// user's own: key when it is a usable one, else a word that says what to
// write, translated with the message.
func attrHint(key string) Msg {
	if ValidAttrKey(key) {
		return M("%s", key)
	}
	return M("name")
}

// Set changes one field from its typed value; an empty value clears it.
// key is a field name, an alias, or attr.<name> for a custom attribute. now
// resolves dates such as "today".
func (c *Contact) Set(key, value string, now time.Time) error {
	value, err := cleanValue(key, value)
	if err != nil {
		return err
	}
	if attr, ok := strings.CutPrefix(strings.ToLower(key), AttrPrefix); ok {
		return c.setAttr(attr, value)
	}
	f, ok := LookupField(key)
	if !ok {
		return UnknownFieldError(key)
	}
	return c.setField(f, value, now)
}

// SetField is Set for a field looked up already (LookupField): an import
// looks each column up once rather than each of its cells.
func (c *Contact) SetField(f Field, value string, now time.Time) error {
	value, err := cleanValue(f.Name, value)
	if err != nil {
		return err
	}
	return c.setField(f, value, now)
}

// cleanValue trims the value of key and refuses what no field takes.
func cleanValue(key, value string) (string, error) {
	value = strings.TrimSpace(value)
	if !utf8.ValidString(value) {
		return "", Errorf(Invalid, "the value of %s is not valid UTF-8 text", key)
	}
	if strings.ContainsFunc(value, unicode.IsControl) {
		return "", Errorf(Invalid, "the value of %s holds a control character (a tab, line break or escape code): write it on one line as plain text", key)
	}
	if len(value) > 1000 {
		return "", Errorf(Invalid, "the value of %s is too long (%d characters, 1000 at most)", key, len(value))
	}
	return value, nil
}

// FieldErrorFormat is the format of an error of a field's value, which
// names the field first: "email: …". The value's own error is its second
// argument.
const FieldErrorFormat = "%s: %s"

func (c *Contact) setField(f Field, value string, now time.Time) error {
	if err := f.set(c, value, now); err != nil {
		if e, ok := err.(*Error); ok && f.Name != "" {
			return Errorf(e.Code, FieldErrorFormat, f.Name, e)
		}
		return err
	}
	return nil
}

func (c *Contact) setAttr(key, value string) error {
	if !ValidAttrKey(key) {
		return Errorf(Invalid, "%q is not a usable attribute name: use letters, digits, _ or -, like %sloyalty_card=yes", key, AttrPrefix)
	}
	if value == "" {
		delete(c.Attrs, key)
		return nil
	}
	if c.Attrs == nil {
		c.Attrs = map[string]string{}
	}
	c.Attrs[key] = value
	return nil
}

func (f Field) set(c *Contact, v string, now time.Time) error {
	switch p := f.ref(c).(type) {
	case *string:
		return setString(f, p, v)
	case *int:
		if v == "" {
			*p = 0
			return nil
		}
		n, err := strconv.Atoi(strings.ReplaceAll(v, " ", ""))
		if err != nil || n < 0 {
			return Errorf(Invalid, "%q is not a whole number (like 12)", v)
		}
		*p = n
	case *int64:
		if v == "" {
			*p = 0
			return nil
		}
		n, err := ParseAmount(v)
		if err != nil {
			return err
		}
		*p = n
	case *time.Time:
		if v == "" {
			*p = time.Time{}
			return nil
		}
		d, err := ParseDate(v, now)
		if err != nil {
			return err
		}
		*p = d
	case *[]string:
		*p = SplitList(v)
	case *Stage:
		st, err := ParseStage(v)
		if err != nil {
			return err
		}
		*p = st
	}
	return nil
}

func setString(f Field, p *string, v string) error {
	if v == "" {
		if f.Name == "name" {
			return Errorf(Invalid, "a contact needs a name")
		}
		*p = ""
		return nil
	}
	var err error
	switch f.Kind {
	case EmailFieldKind:
		v, err = NormalizeEmail(v)
	case PhoneFieldKind:
		v, err = NormalizePhone(v)
	}
	if err != nil {
		return err
	}
	if f.Name == "timezone" {
		if _, err := time.LoadLocation(v); err != nil {
			return Errorf(Invalid, "%q is not a time zone: use a name like Europe/Paris", v)
		}
	}
	if f.Name == "language" {
		v = strings.ToLower(v)
	}
	*p = v
	return nil
}

// Get returns one field as text, the way Set reads it back; attr.<name>
// reads a custom attribute.
func (c *Contact) Get(key string) string {
	if attr, ok := strings.CutPrefix(strings.ToLower(key), AttrPrefix); ok {
		return c.Attrs[attr]
	}
	f, ok := LookupField(key)
	if !ok {
		return ""
	}
	switch p := f.ref(c).(type) {
	case *string:
		return *p
	case *int:
		if *p == 0 {
			return ""
		}
		return strconv.Itoa(*p)
	case *int64:
		if *p == 0 {
			return ""
		}
		return strconv.FormatFloat(float64(*p)/100, 'f', -1, 64)
	case *time.Time:
		if p.IsZero() {
			return ""
		}
		return FormatDate(*p)
	case *[]string:
		return strings.Join(*p, ", ")
	case *Stage:
		return string(*p)
	}
	return ""
}

// Display returns one field as a person reads it: like Get, but money as
// "1 200,50 €".
func (c *Contact) Display(key string) string {
	if f, ok := LookupField(key); ok && f.Kind == MoneyFieldKind {
		if p := f.ref(c).(*int64); *p != 0 {
			return FormatAmount(*p)
		}
		return ""
	}
	return c.Get(key)
}

// AttrKeys returns the contact's custom attribute names, sorted.
func (c *Contact) AttrKeys() []string {
	keys := make([]string, 0, len(c.Attrs))
	for k := range c.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// SplitList reads a list typed as "a, b, c" (or with ; or |), trimmed,
// without empty or repeated items.
func SplitList(v string) []string {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' })
	var out []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p != "" && !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, p) }) {
			out = append(out, p)
		}
	}
	return out
}

// Validate checks what must hold of any stored contact.
func (c *Contact) Validate() error {
	if strings.TrimSpace(c.Name) == "" {
		return Errorf(Invalid, "a contact needs a name: add \"Jeanne Martin\" email=jeanne@example.fr")
	}
	if len(c.Name) > 200 {
		return Errorf(Invalid, "the name is too long (%d characters, 200 at most)", len(c.Name))
	}
	if c.BirthYear != 0 && (c.BirthYear < 1900 || c.BirthYear > 2100) {
		return Errorf(Invalid, "birth_year %d is out of range: write a year like 1980", c.BirthYear)
	}
	return nil
}
