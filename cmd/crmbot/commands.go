package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/crmbot/crmbot/bot/console"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/config"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func consoleCmd() *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   "console",
		Short: "A local chat in the terminal, with the command language",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := open(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer a.close()
			return a.console(cmd, as).Run(cmd.Context())
		},
	}
	c.Flags().StringVar(&as, "as", "", "the team member you act as (default: your login name)")
	return c
}

func (a *app) console(cmd *cobra.Command, as string) *console.Console {
	return &console.Console{Exec: a.exec, Actor: a.localActor(as), In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), Prompt: isTerminal(os.Stdin)}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func execCmd() *cobra.Command {
	var as, cpuProfile string
	var asJSON bool
	c := &cobra.Command{
		Use:   "exec '<command>' [--as USER] [--json]",
		Short: "Run one command of the language and print the reply",
		Long:  "Runs one command of the language and prints the reply, as text or as one JSON document (--json). The exit status is 1 when the command failed.",
		Example: `  crmbot exec 'add "Jeanne Martin" email=jeanne@martin.fr'
  crmbot exec 'find stage=prospect score>=50' --json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := open(cmd.Context(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			defer a.close()
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			r := a.exec.Run(cmd.Context(), a.localActor(as), joinArgs(args))
			if asJSON {
				b, err := r.JSON()
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
			} else if r.OK {
				fmt.Fprintln(cmd.OutOrStdout(), r.TextWidth(reply.TerminalWidth))
			} else {
				fmt.Fprintln(cmd.ErrOrStderr(), r.TextWidth(reply.TerminalWidth))
			}
			if !r.OK {
				return exitError{1}
			}
			return nil
		},
	}
	c.Flags().StringVar(&as, "as", "", "the team member you act as (default: your login name)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the reply as one JSON document")
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

func migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the schema migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dsn := env("CRMBOT_DATABASE", "crmbot.db")
			db, err := store.Open(cmd.Context(), dsn, store.Options{})
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
				fmt.Fprintf(cmd.OutOrStdout(), "The schema is up to date (version %d).\n", v)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "Applied migrations %v; the schema is at version %d.\n", applied, v)
			}
			return nil
		},
	}
}

func checkCmd() *cobra.Command {
	var simulateFile string
	var asJSON bool
	c := &cobra.Command{
		Use:   "check [FILE] | check --simulate NEWFILE [--json]",
		Short: "Validate the configuration file and say what is wrong and where",
		Long: "Validates the configuration file (FILE, else CRMBOT_CONFIG or crmbot.yaml) and says what is wrong and where.\n" +
			"With --simulate NEWFILE, scores every contact under NEWFILE's rules and tells how many would change grade, and which (the first 50, with the old and new grade and score); nothing is changed.",
		Example: "  crmbot check\n  crmbot check --simulate new-rules.yaml --json",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if simulateFile != "" || asJSON {
				return runSimulate(cmd, simulateFile, args, asJSON)
			}
			path := configPath()
			if len(args) == 1 {
				path = args[0]
			}
			cfg, err := config.Load(path)
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{1}
			}
			g := cfg.Grades
			fmt.Fprintf(cmd.OutOrStdout(), "%s is valid: %s, %s, grades A ≥ %d, B ≥ %d, C ≥ %d.\n", cfg.Source, domain.Count(len(cfg.Rules), "scoring rule"), domain.Count(len(cfg.Questionnaires), "questionnaire"), g.A, g.B, g.C)
			return nil
		},
	}
	c.Flags().StringVar(&simulateFile, "simulate", "", "the configuration file whose scoring rules to try on every contact")
	c.Flags().BoolVar(&asJSON, "json", false, "with --simulate, print the result as one JSON document")
	return c
}

func printJSON(cmd *cobra.Command, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), string(b))
	return nil
}
