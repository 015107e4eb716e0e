package csvio

import (
	"context"
	"fmt"
	"io"
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
	asJSON, err := jsonFormat(format)
	switch {
	case err != nil:
		return err
	case asJSON:
		return writeJSON(w, each)
	}
	return writeCSV(w, header, each, func(v T) ([]string, error) { return row(v), nil })
}
