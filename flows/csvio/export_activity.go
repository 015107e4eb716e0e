package csvio

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
)

// ActivityStore is what exporting orders and interactions reads.
type ActivityStore interface {
	EachOrder(ctx context.Context, batch int, fn func([]domain.Order) error) error
	EachInteraction(ctx context.Context, batch int, fn func([]domain.Interaction) error) error
}

// ExportOrders writes every order, in id order, as CSV with the columns
// Import reads back (contact, amount, date, note), or as a JSON array of
// domain.Order. It reads the orders batch by batch.
func ExportOrders(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]domain.Order) error) error { return st.EachOrder(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(o domain.Order) []string {
		// An order's date is a calendar day, as import reads it.
		return []string{domain.ContactRef(o.ContactID), fmt.Sprintf("%d.%02d", o.Amount/100, o.Amount%100), o.Date.UTC().Format(time.DateOnly), o.Note}
	}, "contact", "amount", "date", "note")
}

// ExportInteractions is ExportOrders for interactions: contact, kind,
// date, note.
func ExportInteractions(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]domain.Interaction) error) error { return st.EachInteraction(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(x domain.Interaction) []string {
		return []string{domain.ContactRef(x.ContactID), string(x.Kind), csvfile.FormatTime(x.At), x.Note}
	}, "contact", "kind", "date", "note")
}

// exportActivity writes what each gives as CSV, under header, a row of
// row each; or as JSON.
func exportActivity[T any](format string, w io.Writer, each func(func([]T) error) error, row func(T) []string, header ...string) error {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "json":
		return writeJSON(w, each)
	case "csv":
	default:
		return errInvalid("cannot export as %q: the formats are csv and json", format)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err := each(func(list []T) error {
		for _, v := range list {
			if err := cw.Write(row(v)); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
