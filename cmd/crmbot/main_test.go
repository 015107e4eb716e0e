package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// These tests run crmbot in process, as users and scripts run the binary;
// TestRunServesHealthAndStopsOnSIGTERM and TestTwoProcessesWriteAtOnce run the binary.

func TestExecWorksTheLanguageEndToEnd(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		add := mustOK(t, execJSON(t, dsn, `add "Hélène Dupré" email=helene@dupre.fr phone="06 12 34 56 78" company="Fromagerie Dupré" sector=agroalimentaire employees=60 role=gérante`))
		var card struct {
			Contact struct {
				ID    int64
				Name  string
				Stage string
				Owner string
				Phone string
			}
			Score struct{ Score int }
		}
		if err := json.Unmarshal(add.Data, &card); err != nil {
			t.Fatal(err)
		}
		if card.Contact.ID != 1 || card.Contact.Stage != "lead" || card.Contact.Phone != "+33612345678" || card.Score.Score < 35 {
			t.Fatalf("added %+v", card)
		}
		// Flags before or after the command; several words or one.
		mustOK(t, execJSON(t, dsn, "move", "helene", "prospect-assuré", "visited the shop"))
		if r := crmbot(t, dsn, "exec", "log C1 meeting", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"kind": "meeting"`) {
			t.Fatalf("log: %+v", r)
		}
		sale := mustOK(t, execJSON(t, dsn, `sale C1 1 200,50 € 20/11/2026 first order`))
		if !strings.Contains(sale.Title, "1 200,50 €") || !strings.Contains(sale.Title, "now customer") {
			t.Fatalf("sale title %q", sale.Title)
		}
		show := mustOK(t, execJSON(t, dsn, "show", "06 12 34 56 78"))
		var shown struct {
			Contact      struct{ Stage string }
			OrderCount   int   `json:"order_count"`
			Revenue      int64 `json:"revenue_cents"`
			Moves        []struct{ From, To, Author string }
			Interactions []struct{ Kind string }
		}
		if err := json.Unmarshal(show.Data, &shown); err != nil {
			t.Fatal(err)
		}
		if shown.Contact.Stage != "customer" || shown.OrderCount != 1 || shown.Revenue != 120050 ||
			len(shown.Moves) != 2 || shown.Moves[0].To != "customer" || shown.Moves[1].To != "qualified" ||
			len(shown.Interactions) != 1 {
			t.Fatalf("show: %+v", shown)
		}
		text := crmbot(t, dsn, "exec", "pipeline")
		if text.code != 0 || !strings.Contains(text.stdout, "customer") {
			t.Fatalf("pipeline: %+v", text)
		}
	})
}

func TestExecFailureSaysWhatIsWrongAndExitsNonZero(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	r := crmbot(t, dsn, "exec", "show C999")
	if r.code != 1 || !strings.Contains(r.stderr, "no contact C999") {
		t.Fatalf("%+v", r)
	}
	rep := execJSON(t, dsn, "sale", "C999", "abc")
	if rep.OK || rep.Error == nil || rep.Error.Code != "invalid" || !strings.Contains(rep.Error.Usage, "sale <contact> <amount>") {
		t.Fatalf("%+v", rep)
	}
}

// snapshot is everything export shows, to compare before and after.
func snapshot(t *testing.T, dsn string) string {
	t.Helper()
	r := crmbot(t, dsn, "export", "contacts", "--format", "json")
	if r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	show := crmbot(t, dsn, "exec", "--json", "show C1")
	return r.stdout + show.stdout
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		mustOK(t, execJSON(t, dsn, `add "Jeanne Martin" email=jeanne@martin.fr`))
		mustOK(t, execJSON(t, dsn, `add "Paul Martin" email=paul@martin.fr`))
		before := snapshot(t, dsn)
		bad := []struct{ line, says string }{
			{"move C42 prospect", "no contact C42"},
			{"move C1 nowhere", "not a pipeline stage"},
			{"move Martin prospect", "matches several contacts"},
			{"edit C1 colour=blue", `"colour" is not a contact field`},
			{"edit C1 email=not-an-email", "not an email address"},
			{"edit C1 employees=many", "not a whole number"},
			{"edit C1 email=paul@martin.fr", "already has the email"},
			{"log C1 dance", "not an interaction kind"},
			{"sale C1 12abc", `"12abc" is not an amount`},
			{"sale C1 0", "more than 0"},
			{"sale C1 100 32/13/2026", "not a date"},
			{"sale C1 100 2099-01-01", "in the future"},
			{`add "Jeanne Bis" email=jeanne@martin.fr`, "already has the email"},
			{"add", "needs the contact's name"},
			{`add "Unclosed`, "not closed"},
		}
		for _, b := range bad {
			rep := execJSON(t, dsn, b.line)
			if rep.OK || rep.Error == nil || !strings.Contains(rep.Error.Message, b.says) {
				t.Errorf("%s: want error saying %q, got %+v", b.line, b.says, rep.Error)
			}
		}
		if after := snapshot(t, dsn); after != before {
			t.Fatalf("bad commands changed the data:\nbefore %s\nafter  %s", before, after)
		}
	})
}

func TestImportWithABadRowKeepsNothing(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		good := filepath.Join(dir, "contacts.csv")
		os.WriteFile(good, []byte("\ufeffName;Email;Employees;Sector\nJeanne Martin;jeanne@martin.fr;12;agro\nPaul Durand;paul@durand.fr;3;btp\n"), 0o644)
		orders := filepath.Join(dir, "orders.csv")
		os.WriteFile(orders, []byte("contact,amount,date,note\njeanne@martin.fr,\"1 200,50 €\",20/11/2026,first\nC2,300,2026-11-01,\nC1,oops,2026-11-02,\n"), 0o644)
		if r := crmbot(t, dsn, "import", "contacts", good); r.code != 0 {
			t.Fatalf("import contacts: %+v", r)
		}
		before := snapshot(t, dsn)
		r := crmbot(t, dsn, "import", "orders", orders)
		if r.code != 1 || !strings.Contains(r.stderr, "line 4") || !strings.Contains(r.stderr, "Nothing was imported") {
			t.Fatalf("import with a bad row: %+v", r)
		}
		if after := snapshot(t, dsn); after != before {
			t.Fatal("a failed import kept data")
		}
	})
}

func TestExportThenImportRoundTrips(t *testing.T) {
	t.Parallel()
	src := storetest.DSN(t, "sqlite")
	if r := crmbot(t, src, "demo", "--contacts", "60"); r.code != 0 {
		t.Fatalf("demo: %+v", r)
	}
	first := crmbot(t, src, "export", "contacts")
	file := filepath.Join(t.TempDir(), "export.csv")
	os.WriteFile(file, []byte(first.stdout), 0o644)
	eachDB(t, func(t *testing.T, dsn string) {
		if r := crmbot(t, dsn, "import", "contacts", file); r.code != 0 {
			t.Fatalf("import: %+v", r)
		}
		again := crmbot(t, dsn, "export", "contacts")
		want, got := exportWithoutScores(t, first.stdout), exportWithoutScores(t, again.stdout)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip differs:\n%v\n---\n%v", want[:2], got[:2])
		}
	})
}

// exportWithoutScores drops the score and grade columns: an import of
// contacts without their activity scores them anew.
func exportWithoutScores(t *testing.T, text string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	keep := []int{}
	for i, h := range rows[0] {
		if h != "score" && h != "grade" {
			keep = append(keep, i)
		}
	}
	out := make([][]string, len(rows))
	for r, row := range rows {
		for _, i := range keep {
			out[r] = append(out[r], row[i])
		}
	}
	return out
}

func TestTwoProcessesWriteAtOnce(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		mustOK(t, execJSON(t, dsn, `add "Jeanne Martin"`))
		const each = 12
		var wg sync.WaitGroup
		errs := make(chan string, 2*each)
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					line := fmt.Sprintf("log C1 call writer %d call %d", w, i)
					if i%3 == 0 {
						line = fmt.Sprintf(`add "Writer %d Contact %d"`, w, i)
					}
					if r := runBinary(t, dsn, nil, nil, "exec", line); r.code != 0 {
						errs <- r.stderr
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Errorf("a concurrent write failed: %s", e)
		}
		rep := mustOK(t, execJSON(t, dsn, "find limit=100"))
		var found struct{ Total int }
		json.Unmarshal(rep.Data, &found)
		if found.Total != 1+2*4 {
			t.Fatalf("want 9 contacts, got %d", found.Total)
		}
		show := mustOK(t, execJSON(t, dsn, "show C1"))
		var card struct {
			Contact struct {
				LastContactAt string `json:"last_contact_at"`
			}
			Facts any
		}
		json.Unmarshal(show.Data, &card)
		if card.Contact.LastContactAt == "" {
			t.Fatal("no interaction recorded")
		}
	})
}

func TestCheckNamesTheLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "crmbot.yaml")
	os.WriteFile(bad, []byte("scoring:\n  rules:\n    - name: Big\n      when: employees >=\n      points: 10\n"), 0o644)
	r := crmbot(t, "unused.db", "check", bad)
	if r.code != 1 || !strings.Contains(r.stderr, bad+":4:") {
		t.Fatalf("%+v", r)
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("scoring:\n  rules:\n    - {name: Big, when: employees >= 50, points: 10}\n"), 0o644)
	if r := crmbot(t, "unused.db", "check", good); r.code != 0 || !strings.Contains(r.stdout, "1 scoring rule,") {
		t.Fatalf("%+v", r)
	}
}

func TestConsoleRunsCommandsFromStandardInput(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	in := strings.NewReader("add \"Zoé Lefèvre\" city=Nantes\nshow zoe\nbogus\nquit\n")
	r := crmbotIn(t, dsn, in, "console")
	if r.code != 0 || !strings.Contains(r.stdout, "Added C1 Zoé Lefèvre") || !strings.Contains(r.stdout, "Nantes") ||
		!strings.Contains(r.stdout, "unknown command “bogus”") {
		t.Fatalf("%+v", r)
	}
}

// The binary's crmbot run serves /healthz and stops cleanly on SIGTERM.
func TestRunServesHealthAndStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), binary(t), "run")
	cmd.Env = binaryEnv([]string{"CRMBOT_DATABASE=" + storetest.DSN(t, "sqlite")})
	cmd.Dir = t.TempDir()
	addr := listenAddr(t, cmd)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("crmbot run did not stop cleanly: %v", err)
	}
}

// listenAddr starts cmd (crmbot run) and returns the address it says it
// listens on; the process is killed at the end of t unless it was waited
// for.
func listenAddr(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), "http="); ok {
			go io.Copy(io.Discard, stderr)
			return strings.Fields(rest)[0]
		}
	}
	t.Fatal("crmbot run did not say where it listens")
	return ""
}

func TestCheckSimulateNewRules(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		// Under the built-in rules: 15 + 10 + 10 + 5 = 40 (C), and 0 (D).
		mustOK(t, execJSON(t, dsn, `add "Big Agro" sector=agroalimentaire employees=80 role=CEO`))
		mustOK(t, execJSON(t, dsn, `add Tiny employees=2`))
		dir := t.TempDir()
		next := filepath.Join(dir, "new.yaml")
		os.WriteFile(next, []byte("scoring:\n  rules:\n    - {name: Big, when: employees >= 50, points: 80}\n"), 0o644)
		before := snapshot(t, dsn)

		r := crmbot(t, dsn, "check", "--simulate", next, "--json")
		var sim struct {
			File     string
			Contacts int
			Changed  int
			Changes  []struct {
				ContactID int64  `json:"contact_id"`
				OldScore  int    `json:"old_score"`
				OldGrade  string `json:"old_grade"`
				NewScore  int    `json:"new_score"`
				NewGrade  string `json:"new_grade"`
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &sim); err != nil || r.code != 0 {
			t.Fatalf("check --simulate --json: %v %+v", err, r)
		}
		if sim.Contacts != 2 || sim.Changed != 1 || len(sim.Changes) != 1 || sim.Changes[0].ContactID != 1 ||
			sim.Changes[0].OldGrade != "C" || sim.Changes[0].NewGrade != "A" || sim.Changes[0].OldScore != 40 || sim.Changes[0].NewScore != 80 || sim.File != next {
			t.Errorf("simulation: %+v", sim)
		}
		r = crmbot(t, dsn, "check", "--simulate", next)
		if r.code != 0 || !strings.Contains(r.stdout, "1 of 2 contacts would change grade") || !strings.Contains(r.stdout, "C1 Big Agro: C (40) → A (80)") {
			t.Errorf("check --simulate: %+v", r)
		}
		if after := snapshot(t, dsn); after != before {
			t.Errorf("check --simulate changed the database:\n%s\n%s", before, after)
		}
		bad := filepath.Join(dir, "bad.yaml")
		os.WriteFile(bad, []byte("scoring:\n  rules:\n    - {name: Big, when: employees >=, points: 80}\n"), 0o644)
		if r := crmbot(t, dsn, "check", "--simulate", bad); r.code != 1 || !strings.Contains(r.stderr, bad+":3:") {
			t.Errorf("check --simulate with a bad file: %+v", r)
		}
	})
}

// With CRMBOT_LOG_FORMAT=json each line of the log is one JSON object.
func TestJSONLogs(t *testing.T) {
	t.Parallel()
	_, logs := startRunLogs(t, "CRMBOT_DATABASE="+storetest.DSN(t, "sqlite"), "CRMBOT_LOG_FORMAT=json")
	running := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the words on what to set up, written for a person
		}
		var rec struct{ Level, Msg, HTTP string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" || rec.Msg == "" {
			t.Errorf("log line %q: %+v, %v", line, rec, err)
		}
		running = running || (rec.Level == "INFO" && rec.Msg == "crmbot is running" && rec.HTTP != "")
	}
	if !running {
		t.Errorf("no line says crmbot is running, with its address:\n%s", logs.String())
	}
}

// crmbot version names the build and Go's version, and opens nothing.
func TestVersion(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "never.db")
	r := runCrmbot(t, dsn, nil, nil, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "crmbot ") || !strings.Contains(r.stdout, runtime.Version()) {
		t.Errorf("version: %+v", r)
	}
	if _, err := os.Stat(dsn); err == nil {
		t.Error("version opened the database")
	}
}
