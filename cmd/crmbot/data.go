package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/cmd/crmbot/demo"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/flows/dupes"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

func (m *Main) demoCmd() *cobra.Command {
	var n int
	var seed int64
	var add bool
	var orderScale float64
	c := &cobra.Command{
		Use:   "demo [--contacts N]",
		Short: "Fill the database with realistic sample data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 || n > 10_000_000 {
				return fmt.Errorf("--contacts takes a number from 1 to 10000000 (got %d)", n)
			}
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			defer m.close()
			have, err := m.db.CountContacts(cmd.Context())
			if err != nil {
				return err
			}
			if have > 0 && !add {
				fmt.Fprintf(m.Stdout, "%s already holds %s: no sample data added (use --add to add more).\n", m.Config.Database, domain.Count(int(have), "contact"))
				return nil
			}
			start := time.Now()
			st, err := demo.Generate(cmd.Context(), m.db, m.Config.File.Scoring, demo.Options{
				Contacts: n, Seed: seed, Now: m.Now(), Owners: []string{"alice", "bruno", "chloe", loginName()}, OrderScale: orderScale,
				PastWeeks: demoPastWeeks,
			})
			if err != nil {
				return err
			}
			if err := m.pastSegments(cmd.Context()); err != nil {
				return err
			}
			el := time.Since(start)
			fmt.Fprintf(m.Stdout, "Added %s to %s in %s (%.0f rows/s).\n",
				st, m.Config.Database, el.Round(time.Millisecond), float64(st.Rows())/el.Seconds())
			return nil
		},
	}
	c.Flags().IntVar(&n, "contacts", 500, "how many contacts to make")
	c.Flags().Int64Var(&seed, "seed", 1, "random seed: the same seed makes the same data")
	c.Flags().BoolVar(&add, "add", false, "add sample data even if the database already holds contacts")
	c.Flags().Float64Var(&orderScale, "order-scale", 1, "multiply each customer's orders (about 3.6 on average at 1)")
	return c
}

// demoPastWeeks is how many past weeks demo records snapshots for: enough
// for a score history, each costing about a scoring of every contact.
const demoPastWeeks = 4

// pastSegments records the customers' RFM segments of the weeks demo
// recorded scores for (demo.PastSnapshotTimes), computed from the orders
// before each, so that the first digest shows the segments' weekly moves.
// A week recorded already is kept.
func (m *Main) pastSegments(ctx context.Context) error {
	svc := m.segments
	for _, t := range demo.PastSnapshotTimes(m.Now(), demoPastWeeks) {
		scores, err := svc.Scores(ctx, t)
		if err != nil {
			return err
		}
		members := make([]domain.SegmentMember, len(scores))
		for i, sc := range scores {
			members[i] = domain.SegmentMember{ContactID: sc.ContactID, Segment: sc.Segment}
		}
		if _, err := m.db.SnapshotSegments(ctx, domain.ISOWeek(t), members); err != nil {
			return err
		}
	}
	return nil
}

func (m *Main) importCmd() *cobra.Command {
	var as, cpuProfile, lang string
	var merge, alerts bool
	c := &cobra.Command{
		Use:       "import contacts|orders|interactions FILE.csv [--merge] [--lang en|fr]",
		Short:     "Import a CSV file; a bad row is reported with its line and nothing is kept",
		Args:      cobra.ExactArgs(2),
		ValidArgs: []string{"contacts", "orders", "interactions"},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := m.dataPrinter(lang)
			if err != nil {
				return err
			}
			kind, path := args[0], args[1]
			if kind != "contacts" && kind != "orders" && kind != "interactions" {
				return errors.New(p.T("import what? Use crmbot import contacts|orders|interactions FILE.csv (got %q)", kind))
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			stop, err := m.openProfiled(cmd.Context(), cpuProfile)
			if err != nil {
				return err
			}
			defer stop()
			// An import allocates row after row, with little of it live:
			// collecting half as often saves a tenth of its CPU time, and
			// the soft memory limit (main.go) still bounds the heap.
			// GOGC is the Go runtime's own variable, read before main.
			if os.Getenv("GOGC") == "" {
				defer debug.SetGCPercent(debug.SetGCPercent(200))
			}
			start := time.Now()
			ctx := locale.With(cmd.Context(), p)
			if !alerts {
				ctx = store.Quietly(ctx) // an import is history: no hot-lead alert
			}
			before, err := m.db.MaxContactID(ctx)
			if err != nil {
				return err
			}
			actor := m.localActor(as).ID
			res, err := csvio.Import(ctx, m.db, m.Config.File.Scoring, m.Now().In(m.Config.Zone), kind, f, actor)
			if err != nil {
				fmt.Fprintln(m.Stderr, p.T("%s: %s\nNothing was imported.", path, errorText(p, err)))
				return exitError{1}
			}
			fmt.Fprintln(m.Stdout, p.T("Imported %s from %s in %s.", res.Msg(), path, took(p, time.Since(start))))
			if kind != csvio.Contacts || res.Created == 0 {
				return nil
			}
			return m.importedDupes(ctx, p, before, actor, merge)
		},
	}
	c.Flags().StringVar(&as, "as", "", "the team member recorded as author and default owner")
	c.Flags().BoolVar(&alerts, "alerts", false, "let the scores the import raises alert the contacts' owners (a list of fresh leads); an import of history alerts nobody by default")
	c.Flags().BoolVar(&merge, "merge", false, "merge the new contacts that are surely duplicates (the same email, or the same name and company) into the contacts they repeat")
	langFlag(c, &lang)
	// For profiling, not for users.
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the import to this file")
	_ = c.Flags().MarkHidden("cpuprofile")
	return c
}

func (m *Main) exportCmd() *cobra.Command {
	var format, lang string
	c := &cobra.Command{
		Use:       "export contacts|orders|interactions|moves|answers|consent|suppressed [--format csv|json] [--lang en|fr]",
		Short:     "Write every contact, order, interaction, move, answer, consent-ledger or suppression-list entry to standard output (contacts, orders and interactions as import reads them back)",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"contacts", "orders", "interactions", "moves", "answers", "consent", "suppressed"},
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := m.dataPrinter(lang)
			if err != nil {
				return err
			}
			exports := map[string]func(context.Context, *store.DB, string, io.Writer) error{
				"contacts": exporter(csvio.Export), "orders": exporter(csvio.ExportOrders),
				"interactions": exporter(csvio.ExportInteractions), "moves": exporter(csvio.ExportMoves),
				"answers": exporter(csvio.ExportAnswers), "consent": exporter(csvio.ExportConsent),
				"suppressed": exporter(csvio.ExportSuppressed),
			}
			export, ok := exports[args[0]]
			if !ok {
				return errors.New(p.T("export what? Use crmbot export contacts|orders|interactions|moves|answers|consent|suppressed [--format csv|json] (got %q)", args[0]))
			}
			if format != "csv" && format != "json" {
				return errors.New(p.T("--format is csv or json (got %q)", format))
			}
			if err := m.open(cmd.Context()); err != nil {
				return err
			}
			defer m.close()
			if err := export(locale.With(cmd.Context(), p), m.db, format, m.Stdout); err != nil {
				return translated{errorText(p, err), err}
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "csv", "csv or json")
	langFlag(c, &lang)
	return c
}

// dataPrinter returns the printer of import's and export's reports: of
// --lang, else of the team's language (the configuration, read first).
func (m *Main) dataPrinter(lang string) (*locale.Printer, error) {
	if _, err := m.config(); err != nil {
		return nil, err
	}
	return m.printer(lang)
}

// took writes how long a command took: 1.234s in English, as crmbot
// always wrote it, 1,234 s in French.
func took(p *locale.Printer, d time.Duration) string {
	d = d.Round(time.Millisecond)
	if p.French() {
		return p.Decimal(d.Seconds(), 3) + "\u00a0s"
	}
	return d.String()
}

// importedDupes reports the likely duplicates among an import's new
// contacts (those above id before) and between them and the others, and
// with merge folds the sure ones into the contacts they repeat, each merge
// on its own (the import is kept whatever they do).
func (m *Main) importedDupes(ctx context.Context, p *locale.Printer, before int64, actor string, merge bool) error {
	svc := &dupes.Service{Store: m.db}
	found, err := svc.AmongNew(ctx, m.db, before)
	if err != nil {
		return err
	}
	switch {
	case found.TooMany:
		fmt.Fprintln(m.Stdout, p.T("More than %d contacts were created, too many to check one by one for duplicates: crmbot exec dupes lists them.", dupes.ImportCheckMax))
		return nil
	case len(found.Pairs) == 0:
		return nil
	}
	fmt.Fprintln(m.Stdout, p.N(len(found.Pairs), "%d likely duplicate among the new contacts:", "%d likely duplicates among the new contacts:", len(found.Pairs)))
	merger := &dupes.Merger{Store: m.db, CRM: m.crm, Now: m.Now}
	merged := 0
	for _, pair := range found.Pairs {
		line := p.T("  %s is likely %s: %s (%s)", command.DupeContact(pair.Duplicate, pair.Other), command.DupeContact(pair.Kept, pair.Keep),
			command.DupeReasons(p, pair.Dupe), p.Percent(pair.Confidence*100, 0))
		if merge && pair.Confidence >= dupes.Sure {
			if _, err := merger.Merge(ctx, actor, domain.ContactRef(pair.Other), domain.ContactRef(pair.Keep)); err != nil {
				line += p.T(" — not merged: %s", errorText(p, err))
			} else {
				line += p.T(" — merged")
				merged++
			}
		}
		fmt.Fprintln(m.Stdout, line)
	}
	if merge {
		fmt.Fprintln(m.Stdout, p.N(merged, "Merged %d of them; merge <duplicate> into <contact> merges the others one by one.", "Merged %d of them; merge <duplicate> into <contact> merges the others one by one.", merged))
	} else {
		fmt.Fprintln(m.Stdout, p.T("--merge merges the sure ones (the same email, or the same name and company); merge <duplicate> into <contact> merges one."))
	}
	return nil
}

// exporter adapts an export of csvio, which reads the store through the
// interface it declares, to the one database export opens.
func exporter[S any](export func(context.Context, S, string, io.Writer) error) func(context.Context, *store.DB, string, io.Writer) error {
	return func(ctx context.Context, db *store.DB, format string, w io.Writer) error {
		return export(ctx, any(db).(S), format, w)
	}
}
