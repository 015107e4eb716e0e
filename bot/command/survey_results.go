package command

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const resultsUsage = "survey results <questionnaire>"

func surveyResults(ctx context.Context, p *locale.Printer, svc *survey.Service, qn string) (*reply.Reply, error) {
	res, err := svc.Results(ctx, qn)
	if err != nil {
		return nil, withUsage(err, resultsUsage)
	}
	sum := summarize(res.Summary)
	q := res.Questionnaire
	lang := string(p.Lang())
	r := &reply.Reply{Title: p.T("Results of %s v%d — %s: %d answered of %d sent (response rate %s)",
		q.ID, q.Version, q.Title.In(lang), sum.Answered, sum.Sent, pct(p, sum.ResponseRate, 1))}
	type questionData struct {
		ID      string         `json:"id"`
		Type    string         `json:"type"`
		Text    string         `json:"text"`
		Answers int            `json:"answers"`
		Counts  map[string]int `json:"counts"`
		Average *float64       `json:"average,omitempty"`
		CSAT    *float64       `json:"csat_pct,omitempty"`
		NPS     *float64       `json:"nps,omitempty"`
	}
	type commentData struct {
		Contact string    `json:"contact"`
		At      time.Time `json:"at"`
		Text    string    `json:"text"`
	}
	var questions []questionData
	for _, qr := range res.Questions {
		qu := qr.Question
		d := questionData{ID: qu.ID, Type: string(qu.Type), Text: qu.Text.In("en"), Answers: qr.Answers, Counts: map[string]int{}}
		sec := reply.Section{Heading: fmt.Sprintf("%s (%s, %s): %s", qu.ID, qu.Type, p.N(qr.Answers, "%d answer", "%d answers", qr.Answers), qu.Text.In(lang))}
		var parts []string
		for _, vc := range qr.Counts {
			d.Counts[vc.Value] = vc.N
			parts = append(parts, fmt.Sprintf("%s: %d", valueLabel(qu, vc.Value, lang), vc.N))
		}
		if len(parts) > 0 {
			sec.Fields = append(sec.Fields, reply.Field{Label: p.T("answers"), Value: strings.Join(parts, " · ")})
		}
		if qr.Answers > 0 {
			switch qu.Type {
			case domain.RatingQuestion:
				avg, csat := qr.Average, qr.CSAT
				d.Average, d.CSAT = &avg, &csat
				sec.Fields = append(sec.Fields, reply.Field{Label: p.T("average"), Value: p.Decimal(avg, 2)},
					reply.Field{Label: "CSAT", Value: p.T("%s (4 or 5)", pct(p, csat, 1))})
			case domain.NPSQuestion:
				avg, nps := qr.Average, qr.NPS
				d.Average, d.NPS = &avg, &nps
				sec.Fields = append(sec.Fields, reply.Field{Label: p.T("average"), Value: p.Decimal(avg, 2)},
					reply.Field{Label: "NPS", Value: p.T("%s (promoters 9–10 minus detractors 0–6)", fmt.Sprintf("%+.0f", nps))})
			}
		} else {
			sec.Text = p.T("No answer yet.")
		}
		questions = append(questions, d)
		r.Sections = append(r.Sections, sec)
	}
	comments := []commentData{}
	sec := reply.Section{Heading: p.T("Recent comments"), Text: p.T("No comment yet.")}
	for _, c := range res.Comments {
		if c.Text == "" {
			continue
		}
		comments = append(comments, commentData{Contact: domain.ContactRef(c.ContactID), At: c.At, Text: c.Text})
		sec.Fields = append(sec.Fields, reply.Field{Label: p.Date(c.At) + " " + domain.ContactRef(c.ContactID), Value: c.Text})
	}
	if len(comments) > 0 {
		sec.Text = ""
	}
	r.Sections = append(r.Sections, sec)
	r.Data = map[string]any{"questionnaire": q.ID, "version": q.Version, "sent": sum.Sent, "answered": sum.Answered,
		"response_rate_pct": sum.ResponseRate, "counts": sum.Counts, "questions": questions, "comments": comments}
	return r, nil
}

// valueLabel writes a button value for the team: an option's text in
// lang, yes/no, the number.
func valueLabel(qu domain.Question, v, lang string) string {
	for _, o := range qu.Options {
		if o.ID == v {
			return o.Text.In(lang)
		}
	}
	return v
}
