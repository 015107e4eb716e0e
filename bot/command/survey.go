package command

import (
	"context"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const surveyUsage = "survey list | survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run] | survey results <questionnaire> | survey triggers"

// surveys returns the questionnaire service, or an error when this process
// has none.
func (e *Executor) surveys() (*survey.Service, error) {
	if e.Surveys == nil {
		return nil, domain.Errorf(domain.Unavailable, "Telegram questionnaires are not set up in this crmbot process")
	}
	return e.Surveys, nil
}

// surveyCmd answers survey list|send|results.
func (e *Executor) surveyCmd(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	sub := ""
	if len(args) > 0 {
		sub = keyword(args[0])
	}
	switch sub {
	case "list", "send", "results", "triggers":
	default:
		return nil, usageError(surveyUsage, "survey takes list, send, results or triggers (got %s)", quote(strings.Join(args, " ")))
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, err
	}
	switch sub {
	case "list":
		if len(args) > 1 {
			return nil, usageError(surveyUsage, "survey list takes no other word (got %s)", quote(strings.Join(args[1:], " ")))
		}
		return surveyList(ctx, locale.From(ctx), svc)
	case "results":
		if len(args) != 2 {
			return nil, usageError(resultsUsage, "survey results takes one questionnaire, as in survey results satisfaction (%s)", questionnaireIDs(svc))
		}
		return surveyResults(ctx, locale.From(ctx), svc, args[1])
	case "triggers":
		if len(args) > 1 {
			return nil, usageError(surveyUsage, "survey triggers takes no other word (got %s)", quote(strings.Join(args[1:], " ")))
		}
		return e.surveyTriggers(ctx, locale.From(ctx), svc)
	}
	return e.surveySend(ctx, svc, a, args[1:])
}

// questionnaireIDs names the questionnaires there are.
func questionnaireIDs(svc *survey.Service) domain.Msg {
	return domain.M("there are %s", strings.Join(surveyIDs(svc), ", "))
}

// surveyIDs lists the names of the questionnaires.
func surveyIDs(svc *survey.Service) []string {
	ids := make([]string, len(svc.Questionnaires))
	for i, q := range svc.Questionnaires {
		ids[i] = q.ID
	}
	return ids
}

// SurveySummary is one questionnaire of survey list.
type SurveySummary struct {
	ID           string                      `json:"id"`
	Version      int                         `json:"version"`
	Title        string                      `json:"title"`
	Questions    int                         `json:"questions"`
	PeriodDays   int                         `json:"period_days"`
	Sent         int                         `json:"sent"`
	Answered     int                         `json:"answered"`
	ResponseRate float64                     `json:"response_rate_pct"`
	Counts       map[domain.SurveyStatus]int `json:"counts"`
}

func summarize(m survey.Summary) SurveySummary {
	counts := map[domain.SurveyStatus]int{}
	for k, v := range m.Counts {
		counts[k] = v
	}
	q := m.Questionnaire
	return SurveySummary{ID: q.ID, Version: q.Version, Title: q.Title.In("en"), Questions: len(q.Questions), PeriodDays: q.PeriodDays,
		Sent: m.Sent(), Answered: m.Counts[domain.SurveyAnswered], ResponseRate: m.ResponseRate(), Counts: counts}
}

func surveyList(ctx context.Context, p *locale.Printer, svc *survey.Service) (*reply.Reply, error) {
	list, err := svc.List(ctx)
	if err != nil {
		return nil, err
	}
	t := &reply.Table{Columns: []string{p.T("questionnaire"), p.T("version"), p.T("questions"), p.T("period"), p.T("queued"), p.T("sent"), p.T("answered"), p.T("response rate")}}
	data := make([]SurveySummary, len(list))
	for i, m := range list {
		s := summarize(m)
		data[i] = s
		period := p.T("none")
		if s.PeriodDays > 0 {
			period = p.N(s.PeriodDays, "%d days", "%d days", s.PeriodDays) // English always wrote "days"
		}
		t.Rows = append(t.Rows, []string{s.ID + " — " + m.Questionnaire.Title.In(string(p.Lang())), "v" + strconv.Itoa(s.Version), strconv.Itoa(s.Questions), period,
			strconv.Itoa(s.Counts[domain.SurveyQueued]), strconv.Itoa(s.Sent), strconv.Itoa(s.Answered), pct(p, s.ResponseRate, 1)})
	}
	return &reply.Reply{Title: p.N(len(list), "%d questionnaire", "%d questionnaires", len(list)), Data: data,
		Sections: []reply.Section{{Table: t}, {Text: p.T("survey send <questionnaire> to <contact|segment:NAME|filter…> queues one; survey results <questionnaire> shows its answers.")}}}, nil
}
