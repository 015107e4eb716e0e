package domain

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// FieldConflict is a field two merged contacts both set, differently: the
// kept contact's value stays.
type FieldConflict struct {
	Field   string `json:"field"`
	Kept    string `json:"kept"`
	Dropped string `json:"dropped"`
}

// MergeContacts returns keep with what other adds: the fields keep leaves
// empty, the tags, interests and categories of both, the attributes keep
// lacks, the later last contact and the earlier creation. A field both
// set differently keeps keep's value and is listed.
func MergeContacts(keep, other *Contact) (*Contact, []FieldConflict) {
	m := *keep
	m.Attrs = maps.Clone(keep.Attrs)
	var conflicts []FieldConflict
	for _, f := range Fields {
		if f.Name == "name" {
			continue // the kept contact's name, the other's is the duplicate's
		}
		kv, ov := reflect.ValueOf(f.ref(&m)).Elem(), reflect.ValueOf(f.ref(other)).Elem()
		switch {
		case ov.IsZero():
		case f.Kind == ListFieldKind:
			kv.Set(reflect.ValueOf(union(kv.Interface().([]string), ov.Interface().([]string))))
		case kv.IsZero():
			kv.Set(ov)
		case !reflect.DeepEqual(kv.Interface(), ov.Interface()):
			conflicts = append(conflicts, FieldConflict{f.Name, keep.Display(f.Name), other.Display(f.Name)})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(other.Attrs)) {
		v, have := m.Attrs[k]
		switch {
		case !have:
			if m.Attrs == nil {
				m.Attrs = map[string]string{}
			}
			m.Attrs[k] = other.Attrs[k]
		case v != other.Attrs[k]:
			conflicts = append(conflicts, FieldConflict{AttrPrefix + k, v, other.Attrs[k]})
		}
	}
	if other.LastContactAt.After(m.LastContactAt) {
		m.LastContactAt = other.LastContactAt
	}
	if !other.CreatedAt.IsZero() && other.CreatedAt.Before(m.CreatedAt) {
		m.CreatedAt = other.CreatedAt
	}
	return &m, conflicts
}

// union is a's words then b's not in a, case aside.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, w := range b {
		if !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, w) }) {
			out = append(out, w)
		}
	}
	return out
}

// MergeRespondents returns the questionnaire state of two merged contacts:
// the one linked chat, and the stricter of each promise — consent only when
// both consented (or one consented and the other was never asked), an
// opt-out, a withdrawal, a detractor's pause or a "not now" of either.
func MergeRespondents(keep, other *Respondent) *Respondent {
	m := *keep
	if m.ChatID == 0 {
		m.ChatID, m.Language, m.UnreachableAt = other.ChatID, other.Language, other.UnreachableAt
	}
	// A refusal or a withdrawal on either holds; a consent on either holds
	// when the other was never asked.
	refused := asked(other.Consent) && !inForce(other.Consent)
	if refused && inForce(m.Consent) || !asked(m.Consent) && asked(other.Consent) {
		m.Consent, m.ConsentText = other.Consent, other.ConsentText
	}
	m.OptedOutAt = later(m.OptedOutAt, other.OptedOutAt)
	m.NotNowAt = later(m.NotNowAt, other.NotNowAt)
	if other.DetractorAt.After(m.DetractorAt) {
		m.DetractorAt, m.HandledAt, m.HandledBy, m.HandledNote = other.DetractorAt, other.HandledAt, other.HandledBy, other.HandledNote
	}
	return &m
}

// asked reports whether the customer answered the consent question.
func asked(c Consent) bool { return !c.At.IsZero() || !c.WithdrawnAt.IsZero() }

// inForce reports whether c is a consent not withdrawn since.
func inForce(c Consent) bool { return c.Given && (c.WithdrawnAt.IsZero() || c.At.After(c.WithdrawnAt)) }

// later is the later of two times, zero meaning never.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
