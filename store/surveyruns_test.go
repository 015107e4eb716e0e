package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// The week's questionnaire figures add up the reasons of the survey runs
// recorded in it; a count that does not read as a number (only an edit of
// the database by hand writes one) is left out and logged with its run.
func TestQuestionnaireWeekLogsUnreadableRunCounts(t *testing.T) {
	eachLogged(t, func(t *testing.T, db *store.DB, logged *strings.Builder) {
		ctx := t.Context()
		run := domain.SurveyRun{Questionnaire: "satisfaction", At: testNow, Audience: 4,
			Counts: map[string]int{"reason:" + string(domain.QuietHoursNow): 2, "reason:opted_out": 1, "queued": 1}}
		if err := db.AddSurveyRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.SQL(t, db).Exec(`UPDATE survey_runs SET counts = counts || ',reason:recent=two'`); err != nil {
			t.Fatal(err)
		}
		w, err := db.QuestionnaireWeek(ctx, testNow.AddDate(0, 0, -7), testNow.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if w.Deferred[string(domain.QuietHoursNow)] != 2 || w.Denied["opted_out"] != 1 || len(w.Denied) != 1 {
			t.Errorf("deferred %v, denied %v", w.Deferred, w.Denied)
		}
		if !strings.Contains(logged.String(), `reason:recent=two`) || !strings.Contains(logged.String(), "invalid syntax") {
			t.Errorf("the unreadable count is not logged with its cause:\n%s", logged)
		}
	})
}
