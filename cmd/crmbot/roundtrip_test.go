package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Exporting contacts, orders and interactions and importing the three
// files into a new database keeps every contact's score and grade: the
// round trip of a backup through spreadsheets.
func TestExportImportRoundTripKeepsScores(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	if r := runBinary(t, from, nil, nil, "demo", "--contacts", "300"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	for _, kind := range []string{"contacts", "orders", "interactions"} {
		r := runBinary(t, from, nil, nil, "export", kind)
		if r.code != 0 || strings.Count(r.stdout, "\n") < 10 {
			t.Fatalf("export %s: %d lines, %+v", kind, strings.Count(r.stdout, "\n"), r.stderr)
		}
		file := filepath.Join(dir, kind+".csv")
		if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		if r := runBinary(t, to, nil, nil, "import", kind, file); r.code != 0 {
			t.Fatalf("import %s: %+v", kind, r)
		}
	}
	var orders []struct {
		ContactID int64 `json:"contact_id"`
		Amount    int64 `json:"amount_cents"`
	}
	r := runBinary(t, from, nil, nil, "export", "orders", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &orders); err != nil || len(orders) == 0 || orders[0].ContactID == 0 || orders[0].Amount <= 0 {
		t.Errorf("export orders --format json: %v, %d orders, %+v", err, len(orders), r.stderr)
	}
	// Moves and answers are exported whole too (import does not read
	// them: moves follow from stages, answers from questionnaires).
	if r := runBinary(t, from, nil, nil, "export", "moves"); r.code != 0 || !strings.HasPrefix(r.stdout, "contact,from,to,note,author,date\n") || strings.Count(r.stdout, "\n") < 300 {
		t.Errorf("export moves: %d lines, %+v", strings.Count(r.stdout, "\n"), r.stderr)
	}
	var answers []struct {
		SurveyID int64  `json:"survey_id"`
		Question string `json:"question"`
	}
	r = runBinary(t, from, nil, nil, "export", "answers", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &answers); err != nil || len(answers) == 0 || answers[0].SurveyID == 0 || answers[0].Question == "" {
		t.Errorf("export answers --format json: %v, %d answers, %+v", err, len(answers), r.stderr)
	}
	var ledger []struct {
		ContactID int64  `json:"contact_id"`
		Kind      string `json:"kind"`
	}
	r = runBinary(t, from, nil, nil, "export", "consent", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &ledger); err != nil || len(ledger) == 0 || ledger[0].ContactID == 0 || ledger[0].Kind != "given" {
		t.Errorf("export consent --format json: %v, %d entries, %+v", err, len(ledger), r.stderr)
	}
	if r := runBinary(t, from, nil, nil, "export", "things"); r.code == 0 || !strings.Contains(r.stderr, "contacts|orders|interactions|moves|answers|consent|suppressed") {
		t.Errorf("export things: %+v", r)
	}
	before, after := scores(t, from), scores(t, to)
	if len(before) != 300 || len(after) != len(before) {
		t.Fatalf("%d contacts before, %d after", len(before), len(after))
	}
	changed := 0
	for id, s := range before {
		if after[id] != s {
			if changed++; changed <= 5 {
				t.Errorf("%s: score and grade %s before, %s after", id, s, after[id])
			}
		}
	}
	if changed > 0 {
		t.Errorf("%d of %d contacts changed score", changed, len(before))
	}
}

// scores reads every contact's score and grade from an export of dsn.
func scores(t *testing.T, dsn string) map[string]string {
	t.Helper()
	r := runBinary(t, dsn, nil, nil, "export", "contacts")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("export: %v %+v", err, r)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		out[row[col["id"]]] = row[col["score"]] + " " + row[col["grade"]]
	}
	return out
}
