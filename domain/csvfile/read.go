package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
)

// Record is one data row of a file. Line is the row number a spreadsheet
// shows (the header is 1), which is what a user looks for; FileLine is
// where the row starts in the file as a text editor counts, which differs
// once a quoted cell holds line breaks, and is given too so that neither
// kind of user is sent to the wrong row.
type Record struct {
	Line     int
	FileLine int
	Cells    []string
}

// Where names the row for messages: its spreadsheet row, and its line in
// the file when that differs; a message for the transport to translate.
func (r *Record) Where() domain.Msg {
	if r.FileLine != r.Line {
		return domain.M("line %d (line %d in a text editor)", r.Line, r.FileLine)
	}
	return domain.M("line %d", r.Line)
}

// Reader reads a CSV file row by row: its header, then its data rows,
// leaving out rows whose cells are all empty. Nothing of the file is kept
// but the row being read, so that a file of any size fits in memory.
type Reader struct {
	// Header holds the cells of the file's first row, as written.
	Header []string

	cr       *csv.Reader
	embedded int // line breaks inside quoted cells read so far
	skipped  int // lines before the header that the reader did not see
	rows     int // data rows read so far
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// NewReader starts reading a CSV file and reads its header: UTF-8 with or
// without a byte order mark, cells separated by "," or ";" (whichever the
// header line uses more, or as a first line "sep=;" says), since that is
// what spreadsheets write depending on the user's locale. A syntax error,
// text that is not UTF-8 or an empty file is returned as a *domain.Error
// (code Invalid) that names its line and says how to fix the file.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		br.Discard(len(bom))
	}
	rd := &Reader{cr: csv.NewReader(br)}
	rd.cr.FieldsPerRecord = -1
	if sep, ok := excelSeparator(br); ok {
		rd.cr.Comma, rd.skipped = sep, 1
	} else {
		rd.cr.Comma = detectSeparator(br)
	}
	rec, err := rd.read()
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, domain.Errorf(domain.Invalid, "the file is empty: its first line must name the columns, as in name;email;phone")
	}
	rd.Header = rec.Cells
	return rd, nil
}

// Rows returns how many data rows have been read so far, blank ones left
// out: once the file is read, how many rows it has.
func (r *Reader) Rows() int { return r.rows }

// Next returns the next data row that has a value, or nil at the end of
// the file. Each row is a new Record with cells of its own. A syntax
// error or text that is not UTF-8 is a *domain.Error, as NewReader says.
func (r *Reader) Next() (*Record, error) {
	for {
		rec, err := r.read()
		if err != nil || rec == nil {
			return nil, err
		}
		if !blank(rec.Cells) {
			r.rows++
			return rec, nil
		}
	}
}

// EachChunk calls fn with the data rows of the file, n at a time, in
// order, so that a caller can check or write many rows at once while
// holding no more than n of them. The slice is reused from one call to the
// next: fn must not keep it.
func (r *Reader) EachChunk(n int, fn func([]*Record) error) error {
	chunk := make([]*Record, 0, n)
	for {
		rec, err := r.Next()
		if err != nil {
			return err
		}
		if rec != nil {
			chunk = append(chunk, rec)
		}
		if len(chunk) > 0 && (rec == nil || len(chunk) == n) {
			if err := fn(chunk); err != nil {
				return err
			}
			clear(chunk)
			chunk = chunk[:0]
		}
		if rec == nil {
			return nil
		}
	}
}

// read returns the next row of the file, or nil at its end.
func (r *Reader) read() (*Record, error) {
	cells, err := r.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, syntaxError(err, r.embedded, r.skipped)
	}
	line, _ := r.cr.FieldPos(0)
	rec := &Record{Line: line - r.embedded, FileLine: line + r.skipped, Cells: cells}
	r.embedded += countBreaks(cells)
	if !validUTF8(cells) {
		return nil, domain.Errorf(domain.Invalid, "%s: the text is not UTF-8: save the file as \"CSV UTF-8\" (in Excel: Save As, then CSV UTF-8; in LibreOffice: character set Unicode (UTF-8))", rec.Where())
	}
	return rec, nil
}

// excelSeparator reads the line "sep=;" that Excel may write before the
// header to name the separator, and which it does not show as a row.
func excelSeparator(br *bufio.Reader) (rune, bool) {
	head, _ := br.Peek(6)
	if len(head) < 6 || !strings.EqualFold(string(head[:4]), "sep=") || head[4] != ',' && head[4] != ';' && head[4] != '\t' {
		return 0, false
	}
	n := 5
	switch {
	case head[5] == '\n':
		n = 6
	case head[5] == '\r':
		if h, _ := br.Peek(7); len(h) == 7 && h[6] == '\n' {
			n = 7
		} else {
			return 0, false
		}
	default:
		return 0, false
	}
	br.Discard(n)
	return rune(head[4]), true
}

// detectSeparator looks at the header line, without consuming it, and
// returns ';' when it holds more semicolons than commas outside quotes.
func detectSeparator(br *bufio.Reader) rune {
	buf, _ := br.Peek(br.Size())
	commas, semicolons, quoted := 0, 0, false
	for _, b := range buf {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			return pick(commas, semicolons)
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		}
	}
	return pick(commas, semicolons)
}

func pick(commas, semicolons int) rune {
	if semicolons > commas {
		return ';'
	}
	return ','
}

func countBreaks(cells []string) int {
	n := 0
	for _, c := range cells {
		n += strings.Count(c, "\n")
	}
	return n
}

func validUTF8(cells []string) bool {
	for _, c := range cells {
		if !utf8.ValidString(c) {
			return false
		}
	}
	return true
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// syntaxError turns a CSV syntax error into a message that names the row
// as a spreadsheet numbers it and says how to write the cell.
func syntaxError(err error, embedded, skipped int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("read the file: %w", err)
	}
	rec := Record{Line: pe.StartLine - embedded, FileLine: pe.StartLine + skipped}
	e := domain.Errorf(domain.Invalid, "%s: the file cannot be read (%v): a cell that holds the separator, a quote or a line break must be in double quotes, with each quote inside it doubled, as in \"Jeanne \"\"Jo\"\" Martin\".", rec.Where(), pe.Err)
	e.Err = err
	return e
}
