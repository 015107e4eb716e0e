package main

import (
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// TestExecInTheTeamsLanguage: crmbot exec answers in CRMBOT_TEAM_LANGUAGE,
// --lang overrides it, the console too, and the JSON keys stay English.
func TestExecInTheTeamsLanguage(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	if r := runCrmbot(t, dsn, nil, nil, "exec", `ajouter "Jeanne Martin" entreprise="Fromagerie Martin" ville=Lyon`); r.code != 0 || !strings.HasPrefix(r.stdout, "Added C1") {
		t.Fatalf("add in French words, English team: %+v", r)
	}
	fr := []string{"CRMBOT_TEAM_LANGUAGE=fr"}
	for _, c := range []struct {
		env  []string
		args []string
		want string
	}{
		{fr, []string{"exec", "voir C1"}, "Commandes"},
		{fr, []string{"exec", "aide"}, "Commandes de crmbot"},
		{nil, []string{"exec", "--lang", "fr", "show C1"}, "Aucune commande"},
		{fr, []string{"exec", "--lang", "en", "show C1"}, "No order yet."},
		{fr, []string{"console"}, "Commandes de crmbot"},
	} {
		var in *strings.Reader
		if c.args[0] == "console" {
			in = strings.NewReader("aide\n")
		}
		var r result
		if in != nil {
			r = runCrmbot(t, dsn, in, c.env, c.args...)
		} else {
			r = runCrmbot(t, dsn, nil, c.env, c.args...)
		}
		if r.code != 0 || !strings.Contains(r.stdout, c.want) {
			t.Errorf("%v %v: %+v, want %q", c.env, c.args, r, c.want)
		}
	}
	r := runCrmbot(t, dsn, nil, fr, "exec", "voirr C1")
	if r.code != 1 || !strings.Contains(r.stderr, "commande inconnue") || !strings.Contains(r.stderr, "Usage : aide [commande]") {
		t.Errorf("unknown command in French: %+v", r)
	}
	r = runCrmbot(t, dsn, nil, fr, "exec", "--json", "voir C1")
	if !strings.Contains(r.stdout, `"stage": "lead"`) || !strings.Contains(r.stdout, `"command": "show"`) {
		t.Errorf("the JSON of a French reply is not the English data:\n%s", r.stdout)
	}
	if r := runCrmbot(t, dsn, nil, nil, "exec", "--lang", "de", "show C1"); r.code == 0 || !strings.Contains(r.stderr, "use en or fr") {
		t.Errorf("--lang de: %+v", r)
	}
}
