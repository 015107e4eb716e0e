package csvio

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/domain/csvfile"
)

// exportBatch is how many contacts Export holds in memory at once.
const exportBatch = 1000

// Export writes every contact to w, in id order, as CSV (the columns id,
// the fields of add in domain.Fields order, score, grade, created_at,
// last_contact_at, then
// attr.<name> for each custom attribute any contact has) or as a JSON array
// of domain.Contact. It reads the contacts batch by batch. What it writes
// as CSV, Import reads back.
func Export(ctx context.Context, st ExportStore, format string, w io.Writer) error {
	asJSON, err := jsonFormat(format)
	if err != nil {
		return err
	}
	if asJSON {
		return exportJSON(ctx, st, w)
	}
	return exportCSV(ctx, st, w)
}

// jsonFormat reads an export's format: csv (false) or json (true).
func jsonFormat(format string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "csv":
		return false, nil
	case "json":
		return true, nil
	}
	return false, domain.Errorf(domain.Invalid, "cannot export as %q: the formats are csv and json", format)
}

func exportCSV(ctx context.Context, st ExportStore, w io.Writer) error {
	keys, err := attrKeys(ctx, st)
	if err != nil {
		return err
	}
	header := exportHeader(keys)
	row := make([]string, len(header))
	each := func(fn func([]*domain.Contact) error) error { return st.EachContact(ctx, exportBatch, fn) }
	return writeCSV(w, header, each, func(c *domain.Contact) ([]string, error) { return row, fillRow(row, c, keys) })
}

// writeCSV writes header, then the row of each value each gives, batch by
// batch, each batch flushed.
func writeCSV[T any](w io.Writer, header []string, each func(fn func([]T) error) error, row func(T) ([]string, error)) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err := each(func(list []T) error {
		for _, v := range list {
			r, err := row(v)
			if err != nil {
				return err
			}
			if err := cw.Write(r); err != nil {
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

// attrKeys reads the names of every custom attribute in use, sorted: the
// CSV header needs them before the first row.
func attrKeys(ctx context.Context, st ExportStore) ([]string, error) {
	set := map[string]bool{}
	err := st.EachContact(ctx, exportBatch, func(list []*domain.Contact) error {
		for _, c := range list {
			for k := range c.Attrs {
				set[k] = true
			}
		}
		return nil
	})
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, err
}

func exportHeader(keys []string) []string {
	h := slices.Concat([]string{colID}, domain.FieldNames(), []string{colScore, colGrade, colCreated, colLast})
	for _, k := range keys {
		h = append(h, domain.AttrPrefix+k)
	}
	return h
}

// fillRow writes c into row, in the order of exportHeader(keys).
func fillRow(row []string, c *domain.Contact, keys []string) error {
	row[0] = c.Ref()
	i := 1
	for _, f := range domain.Fields {
		row[i] = c.Get(f.Name)
		i++
	}
	row[i], row[i+1], row[i+2], row[i+3] = strconv.Itoa(c.Score), c.Grade, csvfile.FormatTime(c.CreatedAt), csvfile.FormatTime(c.LastContactAt)
	i += 4
	for _, k := range keys {
		row[i] = c.Attrs[k]
		i++
	}
	for k := range c.Attrs {
		if _, found := slices.BinarySearch(keys, k); !found {
			return domain.Errorf(domain.Conflict, "the contacts changed during the export (%s got the attribute %s after the header was written): run the export again", c.Ref(), k)
		}
	}
	return nil
}

func exportJSON(ctx context.Context, st ExportStore, w io.Writer) error {
	return writeJSON(w, func(fn func([]*domain.Contact) error) error { return st.EachContact(ctx, exportBatch, fn) })
}

// writeJSON writes the values each gives, batch by batch, as one JSON
// array, a value a line.
func writeJSON[T any](w io.Writer, each func(fn func([]T) error) error) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	n := 0
	err := each(func(list []T) error {
		for _, v := range list {
			b, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if n > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n")
			bw.Write(b)
			n++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
