package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"slices"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/flows/config"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/store"
)

// env reads a variable with a default.
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// app is everything a subcommand needs, wired from the environment.
type app struct {
	cfg    *config.Config
	db     *store.DB
	loc    *time.Location
	now    func() time.Time
	log    *slog.Logger
	crm    *crm.Service
	survey *survey.Service
	exec   *command.Executor
	dbName string
}

// configPath is CRMBOT_CONFIG, else crmbot.yaml if present, else "" for
// the built-in defaults.
func configPath() string {
	if p := os.Getenv("CRMBOT_CONFIG"); p != "" {
		return p
	}
	if _, err := os.Stat("crmbot.yaml"); err == nil {
		return "crmbot.yaml"
	}
	return ""
}

// open loads the configuration, opens and migrates the database.
func open(ctx context.Context, logOut io.Writer) (*app, error) {
	a := &app{now: time.Now, log: slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	var err error
	tz := env("CRMBOT_TIMEZONE", "Europe/Paris")
	if a.loc, err = time.LoadLocation(tz); err != nil {
		return nil, fmt.Errorf("CRMBOT_TIMEZONE=%q is not a time zone: use a name like Europe/Paris", tz)
	}
	if a.cfg, err = config.Load(configPath()); err != nil {
		return nil, fmt.Errorf("configuration:\n%w\n(crmbot check says the same; fix the file or unset CRMBOT_CONFIG)", err)
	}
	a.dbName = env("CRMBOT_DATABASE", "crmbot.db")
	if a.db, err = store.Open(ctx, a.dbName, store.Options{Now: a.now, Logger: a.log}); err != nil {
		return nil, err
	}
	if _, err := a.db.Migrate(ctx); err != nil {
		a.db.Close()
		return nil, err
	}
	a.crm = &crm.Service{Store: a.db, Scoring: a.cfg.Scoring, Now: a.now, Loc: a.loc}
	a.exec = &command.Executor{CRM: a.crm, Segments: a.segments(), Now: a.now, Loc: a.loc, Logger: a.log}
	a.exec.Digests = a.digests()
	a.survey = a.surveyService()
	a.exec.Surveys, a.exec.BotName = a.survey, a.botName()
	return a, nil
}

func (a *app) close() { a.db.Close() }

// localActor is who runs the console or crmbot exec: the user named with
// --as, or the login name. Local users hold every role, unless roles are
// configured and name them, in which case they hold those.
func (a *app) localActor(as string) command.Actor {
	if as == "" {
		as = loginName()
	}
	act := command.Actor{ID: as, Roles: command.AllRoles}
	if r := a.cfg.File.Roles; r != nil {
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
