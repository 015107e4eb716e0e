package csvio

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
	"github.com/crmbot/crmbot/store"
)

// ActivityStore is what exporting orders, interactions, moves and answers
// reads.
type ActivityStore interface {
	EachOrder(ctx context.Context, batch int, fn func([]domain.Order) error) error
	EachInteraction(ctx context.Context, batch int, fn func([]domain.Interaction) error) error
	EachMove(ctx context.Context, batch int, fn func([]domain.Move) error) error
	EachAnswer(ctx context.Context, batch int, fn func([]domain.StoredAnswer) error) error
	EachSuppression(ctx context.Context, batch int, fn func([]store.SuppressionEntry) error) error
	EachConsentEvent(ctx context.Context, batch int, fn func([]domain.ConsentEvent) error) error
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

// ExportMoves writes every pipeline move, in id order: contact, from, to,
// note, author, date (what the card's history shows; import does not read
// it back, since moves follow from the stages a contacts file gives).
func ExportMoves(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]domain.Move) error) error { return st.EachMove(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(m domain.Move) []string {
		return []string{domain.ContactRef(m.ContactID), string(m.From), string(m.To), m.Note, m.Author, csvfile.FormatTime(m.At)}
	}, "contact", "from", "to", "note", "author", "date")
}

// ExportAnswers writes every questionnaire answer, by survey and question:
// survey, contact (empty once erased), questionnaire, question, type,
// skipped, number, options, yes, text, date.
func ExportAnswers(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]domain.StoredAnswer) error) error { return st.EachAnswer(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(a domain.StoredAnswer) []string {
		contact := ""
		if a.ContactID != 0 {
			contact = domain.ContactRef(a.ContactID)
		}
		return []string{strconv.FormatInt(a.SurveyID, 10), contact, a.Questionnaire, a.Question, string(a.Type),
			strconv.FormatBool(a.Skipped), strconv.Itoa(a.Number), strings.Join(a.Options, ", "), strconv.FormatBool(a.Yes),
			a.Text, csvfile.FormatTime(a.At)}
	}, "survey", "contact", "questionnaire", "question", "type", "skipped", "number", "options", "yes", "text", "date")
}

// ExportSuppressed writes the suppression list for an audit: each keyed
// hash, the kind of identifier it hides (email, phone, telegram), why it
// is there (opted_out, erased) and since when; never anyone's data.
func ExportSuppressed(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]store.SuppressionEntry) error) error { return st.EachSuppression(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(e store.SuppressionEntry) []string {
		return []string{e.Hash, e.Kind, string(e.Reason), csvfile.FormatTime(e.At)}
	}, "hash", "kind", "reason", "date")
}

// ExportConsent writes the consent ledger, in the order it was appended:
// contact, kind (given, refused, withdrawn), channel, the consent text's
// version, date. What a CNIL audit asks for: each consent and its proof.
func ExportConsent(ctx context.Context, st ActivityStore, format string, w io.Writer) error {
	each := func(fn func([]domain.ConsentEvent) error) error { return st.EachConsentEvent(ctx, exportBatch, fn) }
	return exportActivity(format, w, each, func(e domain.ConsentEvent) []string {
		return []string{domain.ContactRef(e.ContactID), string(e.Kind), e.Channel, e.TextVersion, csvfile.FormatTime(e.At)}
	}, "contact", "kind", "channel", "text_version", "date")
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
