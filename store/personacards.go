package store

import (
	"context"
	"fmt"
	"time"
)

// This file aggregates, in SQL, what a persona's card says of its members
// beyond their criteria: their interactions before the first order, their
// stage moves, their answers and the words of their comments. Each query
// groups by persona over the members of the last run (persona_members):
// a few rows per persona come back, never the members.

// epoch is col as seconds since the epoch on SQLite, where timestamps are
// text, so that they compare and aggregate as instants; col on PostgreSQL.
func (db *DB) epoch(col string) string {
	if db.postgres {
		return col
	}
	return "unixepoch(" + col + ", 'subsec')"
}

// PersonaCount is how many members of a persona have a value.
type PersonaCount struct {
	Persona int
	Value   string
	N       int
	Count   int
}

// PersonaInteractionsBeforeFirstOrder counts, per persona, the members
// with each number n ≥ 1 of interactions before their first order's day.
func (db *DB) PersonaInteractionsBeforeFirstOrder(ctx context.Context) ([]PersonaCount, error) {
	return db.personaCounts(ctx, "interactions before the first order", `SELECT m.persona, '', x.n, COUNT(*) FROM
		(SELECT i.contact_id, COUNT(*) AS n FROM interactions i JOIN customer_stats s ON s.contact_id = i.contact_id
		 WHERE `+db.epoch("i.at")+` < `+db.epoch("s.first_order")+` GROUP BY i.contact_id) x
		JOIN persona_members m ON m.contact_id = x.contact_id GROUP BY m.persona, x.n`)
}

// PersonaMoves counts, per persona, its members' moves from a stage to
// another (Value is "from>to").
func (db *DB) PersonaMoves(ctx context.Context) ([]PersonaCount, error) {
	return db.personaCounts(ctx, "stage moves", `SELECT m.persona, v.from_stage || '>' || v.to_stage, 0, COUNT(*)
		FROM moves v JOIN persona_members m ON m.contact_id = v.contact_id GROUP BY m.persona, v.from_stage, v.to_stage`)
}

// PersonaScores counts, per persona, its members' answers of type rating
// or nps (Value) by number (N).
func (db *DB) PersonaScores(ctx context.Context) ([]PersonaCount, error) {
	return db.personaCounts(ctx, "ratings", `SELECT m.persona, a.type, a.number, COUNT(*) FROM answers a
		JOIN persona_members m ON m.contact_id = a.contact_id
		WHERE NOT a.skipped AND a.type IN ('rating', 'nps') GROUP BY m.persona, a.type, a.number`)
}

func (db *DB) personaCounts(ctx context.Context, what, query string) ([]PersonaCount, error) {
	var out []PersonaCount
	err := db.eachRaw(ctx, query, nil, func(scan func(...any) error) error {
		var c PersonaCount
		err := scan(&c.Persona, &c.Value, &c.N, &c.Count)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("count the personas' %s: %w", what, err)
	}
	return out, nil
}

// PersonaAnswerSpan is how many answers a persona's members gave (not
// skipped), to how many questionnaires, the first and last when.
type PersonaAnswerSpan struct {
	Persona, Answers, Surveys int
	First, Last               time.Time
}

// PersonaAnswerSpans returns the answers of each persona's members.
func (db *DB) PersonaAnswerSpans(ctx context.Context) ([]PersonaAnswerSpan, error) {
	var out []PersonaAnswerSpan
	err := db.eachRaw(ctx, `SELECT m.persona, COUNT(*), COUNT(DISTINCT a.survey_id), MIN(`+db.epoch("a.at")+`), MAX(`+db.epoch("a.at")+`)
		FROM answers a JOIN persona_members m ON m.contact_id = a.contact_id WHERE NOT a.skipped GROUP BY m.persona`, nil,
		func(scan func(...any) error) error {
			var sp PersonaAnswerSpan
			var first, last dbTime
			err := scan(&sp.Persona, &sp.Answers, &sp.Surveys, &first, &last)
			sp.First, sp.Last = time.Time(first), time.Time(last)
			out = append(out, sp)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("count the personas' answers: %w", err)
	}
	return out, nil
}

// Tone thresholds of a comment: a questionnaire whose rating (1–5) or nps
// (0–10) is at least the first is a satisfied one, at most the second a
// dissatisfied one (the CSAT's 4–5 and 1–2, the NPS's promoters and
// detractors).
var (
	satisfied    = map[string]int{"rating": 4, "nps": 9}
	dissatisfied = map[string]int{"rating": 2, "nps": 6}
)

// EachPersonaComment calls fn with every comment (a text answer) of a
// persona's member given in a questionnaire that also rated: tone is 1
// when the ratings were satisfied, -1 when dissatisfied, 0 when mixed or
// neutral. The comments stream; none is kept.
func (db *DB) EachPersonaComment(ctx context.Context, fn func(persona int, text string, tone int)) error {
	err := db.eachRaw(ctx, `SELECT m.persona, t.text,
		MAX(CASE WHEN (r.type = 'rating' AND r.number >= ?) OR (r.type = 'nps' AND r.number >= ?) THEN 1 ELSE 0 END),
		MAX(CASE WHEN (r.type = 'rating' AND r.number <= ?) OR (r.type = 'nps' AND r.number <= ?) THEN 1 ELSE 0 END)
		FROM answers t JOIN persona_members m ON m.contact_id = t.contact_id
		JOIN answers r ON r.survey_id = t.survey_id AND NOT r.skipped AND r.type IN ('rating', 'nps')
		WHERE t.type = 'text' AND NOT t.skipped AND t.text <> ''
		GROUP BY m.persona, t.survey_id, t.question, t.text`,
		[]any{satisfied["rating"], satisfied["nps"], dissatisfied["rating"], dissatisfied["nps"]}, func(scan func(...any) error) error {
			var persona, pos, neg int
			var text string
			if err := scan(&persona, &text, &pos, &neg); err != nil {
				return err
			}
			fn(persona, text, pos-neg)
			return nil
		})
	if err != nil {
		return fmt.Errorf("read the personas' comments: %w", err)
	}
	return nil
}
