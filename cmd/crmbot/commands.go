package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/crmbot/crmbot/bot/console"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (m *Main) consoleCmd() *cobra.Command {
	var as, lang string
	c := &cobra.Command{
		Use:   "console",
		Short: "A local chat in the terminal, with the command language",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			defer m.close()
			p, err := m.printer(lang)
			if err != nil {
				return err
			}
			return m.console(as, p).Run(cmd.Context())
		},
	}
	c.Flags().StringVar(&as, "as", "", "the team member you act as (default: your login name)")
	langFlag(c, &lang)
	return c
}

// langFlag adds --lang to c, the language its replies are written in.
func langFlag(c *cobra.Command, lang *string) {
	c.Flags().StringVar(lang, "lang", "", "the language of the replies, en or fr (default: CRMBOT_TEAM_LANGUAGE)")
}

// printer returns the printer of lang, the value of --lang, or of the
// team's language when lang is "".
func (m *Main) printer(lang string) (*locale.Printer, error) {
	if lang == "" {
		return locale.For(m.Config.TeamLanguage), nil
	}
	l, ok := locale.Parse(lang)
	if !ok {
		return nil, fmt.Errorf("--lang %q: use en or fr", lang)
	}
	return locale.For(l), nil
}

func (m *Main) console(as string, p *locale.Printer) *console.Console {
	return &console.Console{Exec: m.exec, Actor: m.localActor(as), In: m.Stdin, Out: m.Stdout, Prompt: isTerminal(m.Stdin), Printer: p}
}

// isTerminal reports whether r is a terminal: the console then prompts.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (m *Main) execCmd() *cobra.Command {
	var as, cpuProfile, lang string
	var asJSON bool
	c := &cobra.Command{
		Use:   "exec '<command>' [--as USER] [--json] [--lang en|fr]",
		Short: "Run one command of the language and print the reply",
		Long:  "Runs one command of the language and prints the reply, as text or as one JSON document (--json). The exit status is 1 when the command failed.",
		Example: `  crmbot exec 'add "Jeanne Martin" email=jeanne@martin.fr'
  crmbot exec 'find stage=prospect score>=50' --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			stop, err := m.openProfiled(cmd.Context(), cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
			p, err := m.printer(lang)
			if err != nil {
				return err
			}
			r := m.exec.Run(locale.With(cmd.Context(), p), m.localActor(as), joinArgs(args))
			if asJSON {
				b, err := r.JSON()
				if err != nil {
					return err
				}
				fmt.Fprintln(m.Stdout, string(b))
			} else if r.OK {
				fmt.Fprintln(m.Stdout, r.TextWidth(reply.TerminalWidth))
			} else {
				fmt.Fprintln(m.Stderr, r.TextWidth(reply.TerminalWidth))
			}
			if !r.OK {
				return exitError{1}
			}
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "the team member you act as (default: your login name)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the reply as one JSON document")
	langFlag(c, &lang)
	// For profiling, not for users.
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}

// joinArgs rebuilds a command line from shell words, quoting those with
// spaces, so that crmbot exec add "Jeanne Martin" works like one quoted line.
func joinArgs(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") && !strings.ContainsAny(a, `"`) {
			if k, v, ok := strings.Cut(a, "="); ok && !strings.ContainsAny(k, " \t") {
				a = k + `="` + v + `"`
			} else {
				a = `"` + a + `"`
			}
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

func (m *Main) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write the SQLite database, whole and consistent, into the new file FILE (crmbot may keep running)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			defer m.close()
			if err := m.db.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "Backed up %s to %s.\n", m.Config.Database, args[0])
			return nil
		},
	}
}

func (m *Main) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the schema migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := m.config()
			if err != nil {
				return err
			}
			db, err := store.Open(cmd.Context(), cfg.Database, store.Options{})
			if err != nil {
				return err
			}
			defer db.Close()
			applied, err := db.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			v, err := db.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintf(m.Stdout, "The schema is up to date (version %d).\n", v)
			} else {
				fmt.Fprintf(m.Stdout, "Applied migrations %v; the schema is at version %d.\n", applied, v)
			}
			return nil
		},
	}
}

func (m *Main) checkCmd() *cobra.Command {
	var simulateFile string
	var asJSON, env bool
	c := &cobra.Command{
		Use:   "check [FILE] | check --env | check --simulate NEWFILE [--json]",
		Short: "Validate the configuration file and say what is wrong and where",
		Long: "Validates the configuration file (FILE, else CRMBOT_CONFIG or crmbot.yaml) and says what is wrong and where.\n" +
			"With --env, prints the whole configuration crmbot runs with, environment variables included, its secrets masked.\n" +
			"With --simulate NEWFILE, scores every contact under NEWFILE's rules and tells how many would change grade, and which (the first 50, with the old and new grade and score); nothing is changed.",
		Example: "  crmbot check\n  crmbot check --env\n  crmbot check --simulate new-rules.yaml --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case simulateFile != "" || asJSON:
				return m.runSimulate(cmd, simulateFile, args, asJSON)
			case env:
				return m.checkEnv(args)
			}
			var cfg *config.Config
			var err error
			if len(args) == 1 {
				cfg, err = config.Load(args[0])
			} else {
				cfg, err = config.Load(configPath(m.Getenv))
			}
			if err != nil {
				fmt.Fprintln(m.Stderr, err)
				return exitError{1}
			}
			fmt.Fprintf(m.Stdout, "%s is valid: %s.\n", cfg.Source, summary(cfg))
			return nil
		},
	}
	c.Flags().BoolVar(&env, "env", false, "print the configuration in force, environment included, secrets masked")
	c.Flags().StringVar(&simulateFile, "simulate", "", "the configuration file whose scoring rules to try on every contact")
	c.Flags().BoolVar(&asJSON, "json", false, "with --simulate, print the result as one JSON document")
	return c
}

// checkEnv is crmbot check --env: the configuration read from the
// environment and its file, checked and printed; a problem is said on
// standard error, with exit status 1.
func (m *Main) checkEnv(args []string) error {
	if len(args) > 0 {
		fmt.Fprintln(m.Stderr, "check --env reads the environment and the file it names: leave out FILE, or set CRMBOT_CONFIG.")
		return exitError{2}
	}
	cfg, err := ReadConfig(m.Getenv)
	if err != nil {
		fmt.Fprintln(m.Stderr, err)
		return exitError{1}
	}
	cfg.print(m.Stdout)
	return nil
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(w, string(b))
	return nil
}

// openProfiled opens what the commands work with and, with a file name,
// profiles the CPU into it until stop, which also closes.
func (m *Main) openProfiled(ctx context.Context, cpuProfile string) (stop func(), err error) {
	if err := m.open(ctx); err != nil {
		return nil, err
	}
	if cpuProfile == "" {
		return m.close, nil
	}
	stopProfile, err := startCPUProfile(cpuProfile)
	if err != nil {
		m.close()
		return nil, err
	}
	return func() { stopProfile(); m.close() }, nil
}
