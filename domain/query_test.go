package domain_test

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
)

func TestSplitFilter(t *testing.T) {
	cases := []struct {
		word         string
		field, value string
		op           domain.Op
		ok           bool
	}{
		{"score>=50", "score", "50", domain.Ge, true},
		{"score<=50", "score", "50", domain.Le, true},
		{"score>50", "score", "50", domain.Gt, true},
		{"score<50", "score", "50", domain.Lt, true},
		{"stage=prospect", "stage", "prospect", domain.Eq, true},
		{"stage!=lost", "stage", "lost", domain.Ne, true},
		{"name~hél", "name", "hél", domain.Contains, true},
		{"attr.card=gold", "attr.card", "gold", domain.Eq, true},
		{"city=", "city", "", domain.Eq, true},
		{"note=a=b", "note", "a=b", domain.Eq, true},
		{"email=a@b.fr", "email", "a@b.fr", domain.Eq, true},
		{"jeanne", "", "", "", false},
		{"=5", "", "", "", false},
		{">=5", "", "", "", false},
		{"a!b", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, c := range cases {
		field, op, value, ok := domain.SplitFilter(c.word)
		if field != c.field || op != c.op || value != c.value || ok != c.ok {
			t.Errorf("SplitFilter(%q) = %q %q %q %v; want %q %q %q %v", c.word, field, op, value, ok, c.field, c.op, c.value, c.ok)
		}
	}
}

func TestParseFilter(t *testing.T) {
	cases := []struct {
		word  string
		field string
		kind  domain.FieldKind
		arg   any
	}{
		{"score>=50", "score", domain.IntFieldKind, int64(50)},
		{"id=C42", "id", domain.IntFieldKind, int64(42)},
		{"id=42", "id", domain.IntFieldKind, int64(42)},
		{"employees<10", "employees", domain.IntFieldKind, int64(10)},
		{"effectif>=50", "employees", domain.IntFieldKind, int64(50)},
		{"budget>=10000", "budget", domain.MoneyFieldKind, int64(1000000)},
		{"capital<1 200,50 €", "capital", domain.MoneyFieldKind, int64(120050)},
		{"created>=2026-11-01", "created", domain.DateFieldKind, day(2026, 11, 1)},
		{"last_contact<yesterday", "last_contact", domain.DateFieldKind, day(2026, 11, 19)},
		{"project_date=20/12/2026", "project_date", domain.DateFieldKind, day(2026, 12, 20)},
		{"stage=piste", "stage", domain.StageFieldKind, "lead"},
		{"stage!=client", "stage", domain.StageFieldKind, "customer"},
		{"grade=A", "grade", domain.TextField, "A"},
		{"sector=Agro", "sector", domain.TextField, "Agro"},
		{"ville~ly", "city", domain.TextField, "ly"},
		{"tags=vip", "tags", domain.ListFieldKind, "vip"},
		{"tags~vi", "tags", domain.ListFieldKind, "vi"},
		{"email=Jeanne@Example.FR", "email", domain.EmailFieldKind, "jeanne@example.fr"},
		{"email~example", "email", domain.EmailFieldKind, "example"},
		{"phone=06 12 34 56 78", "phone", domain.PhoneFieldKind, "+33612345678"}, // as stored
		{"phone~5678", "phone", domain.PhoneFieldKind, "5678"},
		{"attr.Card=gold", "attr.card", domain.TextField, "gold"},
		{"satisfaction>=4", "satisfaction", domain.IntFieldKind, int64(4)},
	}
	for _, c := range cases {
		field, op, value, ok := domain.SplitFilter(c.word)
		if !ok {
			t.Fatalf("SplitFilter(%q) failed", c.word)
		}
		f, err := domain.ParseFilter(field, op, value, fieldsNow)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.word, err)
			continue
		}
		if f.Field != c.field || f.Kind != c.kind || f.Op != op || f.Value != value || f.Arg != c.arg {
			t.Errorf("ParseFilter(%q) = %+v; want field %s kind %d arg %#v", c.word, f, c.field, c.kind, c.arg)
		}
	}
	bad := []struct{ word, says string }{
		{"colour=blue", `cannot filter on "colour"`},
		{"attr.a b=x", "cannot filter on"},
		{"score>=high", "whole number"},
		{"score~5", "text fields only"},
		{"budget>=lots", "amount"},
		{"created>31/02/2026", "date"},
		{"stage=won", "pipeline stage"},
		{"stage>lead", "= or != only"},
		{"stage~lead", "text fields only"},
		{"tags>vip", "=, != or ~ only"},
		{"created~2026-11-20", "text fields only"},
	}
	for _, c := range bad {
		field, op, value, _ := domain.SplitFilter(c.word)
		_, err := domain.ParseFilter(field, op, value, fieldsNow)
		wantInvalid(t, "ParseFilter("+c.word+")", err)
		if err != nil && !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseFilter(%q): %q does not say %q", c.word, err, c.says)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"Jeanne":           "jeanne",
		"Hélène Dupré":     "helene dupre",
		"ÉLODIE":           "elodie",
		"François Çà Où":   "francois ca ou",
		"e\u0301cole":      "ecole", // decomposed é
		"Zoë Noël-Brontë":  "zoe noel-bronte",
		"Ångström & Ñandú": "angstrom & nandu",
		"Œuvre":            "œuvre", // a ligature, not an accent: kept
		"北京":               "北京",
	} {
		if got := domain.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	if domain.Fold("Hélène") != domain.Fold("HELENE") {
		t.Error("Hélène and HELENE do not fold alike")
	}
}

// TestFoldLatinIsFoldUnicode checks the table that folds the Latin letters
// against the Unicode normalisation it stands for, letter by letter and on
// names mixing them with letters beyond the table.
func TestFoldLatinIsFoldUnicode(t *testing.T) {
	for r := rune(0x80); r < 0x250; r++ {
		for _, s := range []string{string(r), "Ab" + string(r) + "Cd", string(r) + "\u0301"} {
			if got, want := domain.Fold(s), domain.FoldUnicode(s); got != want {
				t.Errorf("Fold(%q) = %q, want %q", s, got, want)
			}
		}
	}
	for _, s := range []string{"Gwenaël O'Brien", "Établissements Łukasz", "Ærøskøbing", "Straße", "Ǆemal", "Δήμητρα Παπαδοπούλου", "e\u0301cole"} {
		if got, want := domain.Fold(s), domain.FoldUnicode(s); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
	}
}
