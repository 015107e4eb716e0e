package survey_test

import (
	"errors"
	"testing"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

// TestUnknownQuestionnaireInFrench: the team's refusal of a questionnaire
// the configuration lacks reads in French, with those there are.
func TestUnknownQuestionnaireInFrench(t *testing.T) {
	fr := locale.For(locale.French).OnMissing(func(id string) { t.Errorf("no French for %q", id) })
	svc := &survey.Service{Questionnaires: []domain.Questionnaire{{ID: "nps"}, {ID: "csat"}}}
	_, err := svc.Questionnaire("satisfaction")
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a *domain.Error, got %v", err)
	}
	if got, want := fr.Msg(de), `pas de questionnaire "satisfaction" : il y a nps, csat.`; got != want {
		t.Errorf("in French: %q, want %q", got, want)
	}
}
