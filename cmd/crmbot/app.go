package main

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"slices"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/flows/personas"
	"github.com/crmbot/crmbot/store"
)

// config returns the configuration, read from Getenv at the first call
// unless Config was set.
func (m *Main) config() (*Config, error) {
	if m.Config != nil {
		return m.Config, nil
	}
	cfg, err := ReadConfig(m.Getenv)
	var probs config.Problems
	if errors.As(err, &probs) {
		return nil, fmt.Errorf("configuration:\n%w\n(crmbot check says the same; fix the file or unset CRMBOT_CONFIG)", err)
	}
	if err != nil {
		return nil, err
	}
	m.Config = cfg
	return cfg, nil
}

// open reads the configuration, opens and migrates the database, and wires
// the use cases and the executor of the command language.
func (m *Main) open(ctx context.Context) error {
	cfg, err := m.config()
	if err != nil {
		return err
	}
	m.log = cfg.logger(m.Stderr)
	if m.db, err = store.Open(ctx, cfg.Database, store.Options{Now: m.Now, Logger: m.log}); err != nil {
		return err
	}
	if _, err := m.db.Migrate(ctx); err != nil {
		m.db.Close()
		return err
	}
	m.crm = &crm.Service{Store: m.db, Scoring: cfg.File.Scoring, Now: m.Now, Loc: cfg.Zone, Rot: cfg.File.Rot}
	m.segments = m.segmentsService()
	m.personas = &personas.Service{Store: m.db, Now: m.Now, Loc: cfg.Zone, Seed: 1}
	m.digests = m.digestService()
	m.survey = m.surveyService()
	m.nudges = &nudge.Service{Store: m.db, CRM: m.crm, Hot: cfg.File.Hot, Now: m.Now, Loc: cfg.Zone, Log: m.log,
		Reachable: reachable(cfg)}
	m.exec = &command.Executor{CRM: m.crm, Segments: m.segments, Digests: m.digests, Surveys: m.survey,
		BotName: m.botName, Now: m.Now, Loc: cfg.Zone, Logger: m.log,
		Dupes: &dupes.Service{Store: m.db}, Merger: &dupes.Merger{Store: m.db, CRM: m.crm, Now: m.Now}, Suppressions: m.db,
		Personas: m.personas, Nudges: m.nudges}
	return nil
}

// close closes what open opened.
func (m *Main) close() { m.db.Close() }

// localActor is who runs the console or crmbot exec: the user named with
// --as, or the login name. Local users hold every role, unless roles are
// configured and name them, in which case they hold those.
func (m *Main) localActor(as string) command.Actor {
	if as == "" {
		as = loginName()
	}
	act := command.Actor{ID: as, Roles: command.AllRoles}
	if r := m.Config.File.File.Roles; r != nil {
		var roles []command.Role
		for role, ids := range map[command.Role][]string{command.Admin: r.Admin, command.Manager: r.Manager, command.Sales: r.Sales} {
			if slices.Contains(ids, as) {
				roles = append(roles, role)
			}
		}
		if len(roles) > 0 {
			act.Roles = roles
		}
	}
	return act
}

// loginName is the local user's login, the default actor of the console
// and crmbot exec.
func loginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "cli"
}

// reachable says which owners a direct message reaches: Slack members,
// when Slack is configured; without it, none (their alerts are recorded
// for alerts to list, and no message is owed that nothing would send).
func reachable(cfg *Config) func(owner string) bool {
	if cfg.Slack.BotToken == "" {
		return func(string) bool { return false }
	}
	return slackbot.IsUser
}
