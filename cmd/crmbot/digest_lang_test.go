package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// The digest goes to the channels in the team's language
// (CRMBOT_TEAM_LANGUAGE), whatever the language of the one who posts it
// (--lang); crmbot digest tells what it did, and its errors, in theirs.
func TestDigestPostedInTheTeamsLanguage(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	var mu sync.Mutex
	forms := map[string][]url.Values{}
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		method := strings.TrimPrefix(r.URL.Path, "/api/")
		mu.Lock()
		forms[method] = append(forms[method], r.Form)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch method {
		case "files.getUploadURLExternal":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "upload_url": "http://" + r.Host + "/upload", "file_id": "F1"})
		case "files.completeUploadExternal":
			io.WriteString(w, `{"ok":true,"files":[{"id":"F1"}]}`)
		default:
			io.WriteString(w, `{"ok":true,"channel":"C","ts":"1.2"}`)
		}
	}))
	t.Cleanup(slack.Close)
	cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(cfg, []byte("digest:\n  channels: [C0SALES]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"CRMBOT_CONFIG=" + cfg, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_API_URL=" + slack.URL + "/api/", "CRMBOT_TEAM_LANGUAGE=fr"}

	r := crmbotEnv(t, dsn, env, "digest", "--post", "--lang", "en")
	if r.code != 0 || !strings.Contains(r.stdout, "Posted the digest of 2026-W") || !strings.Contains(r.stdout, "C0SALES") {
		t.Fatalf("digest --post --lang en: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	uploads, posts := forms["files.completeUploadExternal"], forms["chat.postMessage"]
	mu.Unlock()
	if len(uploads) != 1 || len(posts) != 1 {
		t.Fatalf("%d uploads and %d posts, want one of each", len(uploads), len(posts))
	}
	if files := uploads[0].Get("files"); !strings.Contains(files, "Bilan hebdomadaire 2026-W") {
		t.Errorf("the chart posted to a French team is titled %s", files)
	}
	if r := crmbotEnv(t, dsn, env, "digest", "--post"); r.code != 0 || !strings.Contains(r.stdout, "a déjà été publié dans tous les canaux configurés") {
		t.Errorf("second digest --post in French: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := crmbotEnv(t, dsn, env, "digest", "--post", "--as-of", "2026-11-23"); r.code == 0 || !strings.Contains(r.stderr, "retirez --as-of") {
		t.Errorf("digest --post --as-of in French: status %d, %s", r.code, r.stderr)
	}
	if r := crmbotEnv(t, dsn, env, "digest", "--as-of", "someday"); r.code == 0 || !strings.Contains(r.stderr, "--as-of : ") {
		t.Errorf("digest --as-of someday in French: status %d, %s", r.code, r.stderr)
	}
	noSlack := []string{"CRMBOT_TEAM_LANGUAGE=fr"}
	if r := crmbotEnv(t, dsn, noSlack, "digest", "--post"); r.code == 0 || !strings.Contains(r.stderr, "publier le bilan nécessite Slack") {
		t.Errorf("digest --post without Slack in French: status %d, %s", r.code, r.stderr)
	}
	if r := crmbotEnv(t, dsn, noSlack, "digest", "--json"); r.code != 0 || !strings.Contains(r.stdout, `"week": "2026-W`) || strings.Contains(r.stdout, `"lang"`) {
		t.Errorf("digest --json of a French team: status %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
