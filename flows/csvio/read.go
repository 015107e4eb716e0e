package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/crmbot/crmbot/domain"
)

// record is one data row of a file. Line is the row number a spreadsheet
// shows (the header is 1); FileLine is where the row starts in the file as
// a text editor counts, which differs once a quoted cell holds line breaks.
type record struct {
	Line     int
	FileLine int
	Cells    []string
}

// where names a row for messages: its spreadsheet row, and its line in the
// file when that differs.
func (r *record) where() string {
	if r.FileLine != r.Line {
		return fmt.Sprintf("line %d (line %d in a text editor)", r.Line, r.FileLine)
	}
	return fmt.Sprintf("line %d", r.Line)
}

// source reads a CSV file row by row: its header, then its data rows,
// leaving out rows whose cells are all empty. Nothing of the file is kept
// but the row being read.
type source struct {
	Header   []string
	cr       *csv.Reader
	embedded int // line breaks inside quoted cells read so far
	skipped  int // lines before the header that the reader did not see
	rows     int // data rows read so far
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// openSource starts reading a CSV file and reads its header: UTF-8 with
// or without a byte order mark, cells separated by "," or ";" (whichever
// the header line uses more, or as a first line "sep=;" says). A syntax
// error is returned as a *domain.Error that names its line.
func openSource(r io.Reader) (*source, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		br.Discard(len(bom))
	}
	s := &source{cr: csv.NewReader(br)}
	s.cr.FieldsPerRecord = -1
	if sep, ok := excelSeparator(br); ok {
		s.cr.Comma, s.skipped = sep, 1
	} else {
		s.cr.Comma = detectSeparator(br)
	}
	rec, err := s.read()
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, domain.Errorf(domain.Invalid, "the file is empty: its first line must name the columns, as in name;email;phone")
	}
	s.Header = rec.Cells
	return s, nil
}

// next returns the next data row that has a value, or nil at the end.
func (s *source) next() (*record, error) {
	for {
		rec, err := s.read()
		if err != nil || rec == nil {
			return nil, err
		}
		if !blank(rec.Cells) {
			s.rows++
			return rec, nil
		}
	}
}

// read returns the next row of the file, or nil at its end.
func (s *source) read() (*record, error) {
	cells, err := s.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, syntaxError(err, s.embedded, s.skipped)
	}
	line, _ := s.cr.FieldPos(0)
	rec := &record{Line: line - s.embedded, FileLine: line + s.skipped, Cells: cells}
	s.embedded += countBreaks(cells)
	if !validUTF8(cells) {
		return nil, domain.Errorf(domain.Invalid, "%s: the text is not UTF-8: save the file as \"CSV UTF-8\" (in Excel: Save As, then CSV UTF-8; in LibreOffice: character set Unicode (UTF-8))", rec.where())
	}
	return rec, nil
}

// chunkRows is how many rows are checked and staged at once: an import
// holds a few chunks of the file in memory, whatever the file's size.
// (A variable for the tests, which watch memory over many chunks.)
var chunkRows = 5000

// eachChunk calls fn with the data rows of the file, chunkRows at a time,
// in order. fn must not keep the rows.
func (s *source) eachChunk(fn func([]*record) error) error {
	chunk := make([]*record, 0, chunkRows)
	for {
		rec, err := s.next()
		if err != nil {
			return err
		}
		if rec != nil {
			chunk = append(chunk, rec)
		}
		if len(chunk) > 0 && (rec == nil || len(chunk) == chunkRows) {
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

// errStopped ends the reading of a file whose rows are no longer wanted.
var errStopped = errors.New("stopped")

// eachChunkAhead is eachChunk with the next chunk read and prepared on
// another goroutine while write handles the current one: on two cores,
// reading and checking rows (Go) overlaps with staging them (the
// database). prepare is called on the chunks in file order, from one
// goroutine, and must not keep the records; write is called in the
// caller's goroutine, in the same order. Both may use the transaction:
// database/sql serialises the calls on its connection.
func eachChunkAhead[T any](s *source, prepare func([]*record) (T, error), write func(T) error) error {
	type item struct {
		v   T
		err error
	}
	ahead := make(chan item, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ahead)
		err := s.eachChunk(func(chunk []*record) error {
			v, err := prepare(chunk)
			if err != nil {
				return err
			}
			select {
			case ahead <- item{v: v}:
				return nil
			case <-stop:
				return errStopped
			}
		})
		if err != nil && err != errStopped {
			select {
			case ahead <- item{err: err}:
			case <-stop:
			}
		}
	})
	defer wg.Wait()
	defer close(stop)
	for it := range ahead {
		if it.err != nil {
			return it.err
		}
		if err := write(it.v); err != nil {
			return err
		}
		if afterChunk != nil {
			afterChunk()
		}
	}
	return nil
}

// afterChunk, when set (by tests), is called after each chunk is staged,
// to watch memory while a file is read.
var afterChunk func()

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
	rec := record{Line: pe.StartLine - embedded, FileLine: pe.StartLine + skipped}
	hint := "a cell that holds the separator, a quote or a line break must be in double quotes, with each quote inside it doubled, as in \"Jeanne \"\"Jo\"\" Martin\""
	return &domain.Error{
		Code:    domain.Invalid,
		Message: fmt.Sprintf("%s: the file cannot be read (%v): %s.", rec.where(), pe.Err, hint),
		Err:     err,
	}
}
