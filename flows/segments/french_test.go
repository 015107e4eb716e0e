package segments_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/segments"
	"github.com/crmbot/crmbot/locale"
)

// TestFilterErrorsInFrench: a filter word's error, with the help that
// ends it, reads in French.
func TestFilterErrorsInFrench(t *testing.T) {
	fr := locale.For(locale.French).OnMissing(func(id string) { t.Errorf("no French for %q", id) })
	_, _, err := segments.ParseFilter([]string{"color=red"})
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a *domain.Error, got %v", err)
	}
	got := fr.Msg(de)
	if !strings.HasPrefix(got, `"color=red" : un filtre de segment ne peut pas utiliser "color". Écrivez des mots champ=valeur`) {
		t.Errorf("in French: %q", got)
	}
	if !strings.Contains(err.Error(), `cannot use "color". Write field=value words`) {
		t.Errorf("in English: %v", err)
	}
}
