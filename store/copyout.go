package store

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
)

// copyOut runs COPY (query) TO STDOUT in PostgreSQL's binary format and
// calls row with the fields of each row (nil for NULL), which are valid
// during the call only. It reads a million rows in a fraction of the time
// of a query through database/sql: no value is converted, boxed and
// scanned, only the bytes the server sent are read. The query takes no
// parameters (COPY has none). On a connection of its own, or the one of
// the transaction of ctx, which ok is false for (the caller then queries
// as usual).
func (db *DB) copyOut(ctx context.Context, query string, row func(fields [][]byte) error) (ok bool, err error) {
	if !db.postgres || ctx.Value(txKey{}) != nil {
		return false, nil
	}
	pool, err := db.gorm.DB()
	if err != nil {
		return false, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	w := &copyReader{row: row}
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs the pgx driver, not %T", dc)
		}
		if _, err := pc.Conn().PgConn().CopyTo(ctx, w, "COPY ("+query+") TO STDOUT (FORMAT binary)"); err != nil {
			// A copy stopped midway may leave its rows on the wire: the
			// connection is not given back to the pool.
			return errors.Join(err, driver.ErrBadConn)
		}
		return nil
	})
	if err == nil && !w.done {
		err = errors.New("the copy ended before its trailer")
	}
	return true, err
}

// copyReader parses the binary COPY format as the server writes it: a
// header, then for each row its number of fields (-1 for the trailer)
// and each field's length (-1 for NULL) and bytes, big-endian. Rows may
// be split across writes.
type copyReader struct {
	row    func([][]byte) error
	buf    []byte
	header bool
	done   bool
	fields [][]byte
}

var copySignature = []byte("PGCOPY\n\xff\r\n\x00")

func (r *copyReader) Write(p []byte) (int, error) {
	data := p
	if len(r.buf) > 0 {
		r.buf = append(r.buf, p...)
		data = r.buf
	}
	used, err := r.parse(data)
	if err != nil {
		return 0, err
	}
	r.buf = append(r.buf[:0], data[used:]...)
	return len(p), nil
}

// parse reads the whole rows of data and returns how many bytes they took.
func (r *copyReader) parse(data []byte) (int, error) {
	at := 0
	if !r.header {
		if len(data) < len(copySignature)+8 {
			return 0, nil
		}
		if !bytes.HasPrefix(data, copySignature) {
			return 0, errors.New("not PostgreSQL's binary copy format")
		}
		ext := int(binary.BigEndian.Uint32(data[len(copySignature)+4:]))
		if len(data) < len(copySignature)+8+ext {
			return 0, nil
		}
		at, r.header = len(copySignature)+8+ext, true
	}
	for !r.done {
		n, ok := r.tuple(data[at:])
		if !ok {
			break
		}
		if !r.done {
			if err := r.row(r.fields); err != nil {
				return 0, err
			}
		}
		at += n
	}
	return at, nil
}

// tuple reads one row from data into r.fields, or the trailer (r.done),
// and returns its length; ok is false when data holds only part of it.
func (r *copyReader) tuple(data []byte) (n int, ok bool) {
	if len(data) < 2 {
		return 0, false
	}
	count := int16(binary.BigEndian.Uint16(data))
	if count < 0 {
		r.done = true
		return 2, true
	}
	r.fields = r.fields[:0]
	at := 2
	for range count {
		if len(data) < at+4 {
			return 0, false
		}
		size := int32(binary.BigEndian.Uint32(data[at:]))
		at += 4
		if size < 0 {
			r.fields = append(r.fields, nil)
			continue
		}
		if len(data) < at+int(size) {
			return 0, false
		}
		r.fields = append(r.fields, data[at:at+int(size)])
		at += int(size)
	}
	return at, true
}
