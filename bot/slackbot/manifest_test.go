package slackbot_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The app manifest declares what the bot uses: /crm, the scopes, the
// events, interactivity and Socket Mode.
func TestManifest(t *testing.T) {
	b, err := os.ReadFile("../../deploy/slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				Home bool `yaml:"home_tab_enabled"`
			} `yaml:"app_home"`
			SlashCommands []struct {
				Command string `yaml:"command"`
				URL     string `yaml:"url"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `yaml:"bot"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				URL    string   `yaml:"request_url"`
				Events []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool   `yaml:"is_enabled"`
				URL     string `yaml:"request_url"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/crm" {
		t.Errorf("slash commands %+v", m.Features.SlashCommands)
	}
	for _, s := range []string{"commands", "chat:write", "files:write", "im:history", "im:write", "app_mentions:read", "usergroups:read", "users:read"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("scope %s missing", s)
		}
	}
	if !slices.Equal(m.Settings.Events.Events, []string{"app_home_opened", "app_mention", "message.im"}) || !m.Features.AppHome.Home {
		t.Errorf("events %v", m.Settings.Events.Events)
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Errorf("interactivity %v, socket mode %v", m.Settings.Interactivity.Enabled, m.Settings.SocketMode)
	}
	for path, url := range map[string]string{"/slack/commands": m.Features.SlashCommands[0].URL, "/slack/events": m.Settings.Events.URL, "/slack/interactions": m.Settings.Interactivity.URL} {
		if !strings.HasSuffix(url, path) {
			t.Errorf("%s URL is %q", path, url)
		}
	}
}
