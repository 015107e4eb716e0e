package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file is the SQL form of domain's RFM rule (domain/rfm.go): the
// customers' order aggregates as of a day, summed in the database so that
// no path holds the orders. Which orders count is domain.RFMBounds, the
// bounds of domain.InRFMWindow; store's tests hold this query to that rule
// on the same orders. The scores themselves are domain.RFM's.

// RFMInputs returns the order aggregates of every customer with an order
// dated on or before the as-of day (asOf's calendar day, in its location;
// order dates are days in UTC), in contact id order. With windowDays > 0
// the Window fields count the orders of the last windowDays days only.
// Without a window, and when no stored order is later than the as-of day,
// it reads the maintained aggregates; otherwise one aggregate query over
// the orders.
//
// Rows are scanned straight from database/sql into the result, the last
// order as the text of its UTC day on SQLite: gorm's reflection and the
// SQLite driver's parsing of DATETIME columns cost more than the query
// itself on a million customers.
func (db *DB) RFMInputs(ctx context.Context, asOf time.Time, windowDays int) ([]domain.RFMInput, error) {
	start, end := domain.RFMBounds(asOf, windowDays)
	fresh := false
	if windowDays <= 0 {
		var later int64
		if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM (SELECT 1 FROM customer_stats WHERE last_order >= ? LIMIT 1) x", end).Scan(&later).Error; err != nil {
			return nil, fmt.Errorf("read customer aggregates: %w", err)
		}
		fresh = later == 0
	}
	// The last order's column: its UTC day as text on SQLite, so that the
	// driver does not parse a timestamp per row.
	last := "last_order"
	maxDate := "MAX(date)"
	if !db.postgres {
		last, maxDate = "substr(last_order, 1, 10)", "substr(MAX(date), 1, 10)"
	}
	var q string
	var args []any
	n := 0
	if fresh {
		// How many to make room for: PostgreSQL's estimate (its
		// statistics, which an import's Tidy brings up to date) rather
		// than a count, another pass over the aggregates (a tenth of the
		// digest's time on the server).
		count := "SELECT COUNT(*) FROM customer_stats"
		if db.postgres {
			count = "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = 'customer_stats'::regclass"
		}
		var rows int64
		if err := db.conn(ctx).Raw(count).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("read customer aggregates: %w", err)
		}
		n = int(min(rows, 1<<26))
		q = `SELECT contact_id, ` + last + `, orders, amount FROM customer_stats`
	} else if windowDays <= 0 {
		q = `SELECT contact_id, ` + maxDate + `, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM orders WHERE date < ? GROUP BY contact_id`
		args = []any{end}
	} else {
		q = `SELECT contact_id, ` + maxDate + `, COUNT(*), CAST(SUM(amount) AS BIGINT),
			CAST(SUM(CASE WHEN date >= ? THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN date >= ? THEN amount ELSE 0 END) AS BIGINT)
			FROM orders WHERE date < ? GROUP BY contact_id`
		args = []any{start, start, end}
	}
	out := make([]domain.RFMInput, 0, n)
	read, err := db.copyOut(ctx, timesInline(q, args), func(f [][]byte) error {
		in, err := copiedAggregates(f)
		out = append(out, in)
		return err
	})
	if read {
		if err != nil {
			return nil, fmt.Errorf("read customer aggregates: %w", err)
		}
		return sortedByContact(out), nil
	}
	var day sql.RawBytes
	err = db.eachRow(ctx, q, args, func(rows *sql.Rows) error {
		var in domain.RFMInput
		var orders, windowOrders int64
		last := any(&day)
		if db.postgres {
			last = &in.LastOrder
		}
		// Without a window the window columns would repeat the others:
		// they are not computed, nor read (each column read costs calls
		// into C on SQLite).
		if windowDays <= 0 {
			if err := rows.Scan(&in.ContactID, last, &orders, &in.Amount); err != nil {
				return err
			}
			windowOrders, in.WindowAmount = orders, in.Amount
		} else if err := rows.Scan(&in.ContactID, last, &orders, &in.Amount, &windowOrders, &in.WindowAmount); err != nil {
			return err
		}
		if !db.postgres {
			var err error
			if in.LastOrder, err = parseUTCDay(day); err != nil {
				return fmt.Errorf("last order of %s: %w", domain.ContactRef(in.ContactID), err)
			}
		}
		in.LastOrder = in.LastOrder.UTC()
		in.Orders, in.WindowOrders = int(orders), int(windowOrders)
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read customer aggregates: %w", err)
	}
	return sortedByContact(out), nil
}

// sortedByContact sorts the inputs by contact id, here rather than by the
// query: on SQLite, ORDER BY contact_id walks the primary key's index and
// fetches each row from the table, nearly twice the time of a plain scan.
func sortedByContact(in []domain.RFMInput) []domain.RFMInput {
	byID := func(a, b domain.RFMInput) int { return cmp.Compare(a.ContactID, b.ContactID) }
	if !slices.IsSortedFunc(in, byID) {
		slices.SortFunc(in, byID)
	}
	return in
}

// postgresEpoch is where PostgreSQL's binary timestamps count from, in
// microseconds since 1970.
const postgresEpoch = 946_684_800_000_000

// copiedAggregates reads a customer's aggregates from a binary copy of
// the columns of RFMInputs' query: 8-byte integers, the time in
// microseconds since 2000, and the window's orders and amount when there
// are six.
func copiedAggregates(f [][]byte) (domain.RFMInput, error) {
	var v [6]int64
	if len(f) != 4 && len(f) != 6 {
		return domain.RFMInput{}, fmt.Errorf("%d columns instead of 4 or 6", len(f))
	}
	for i, b := range f {
		if len(b) != 8 {
			return domain.RFMInput{}, fmt.Errorf("column %d: %d bytes instead of 8", i+1, len(b))
		}
		v[i] = int64(binary.BigEndian.Uint64(b))
	}
	if len(f) == 4 {
		v[4], v[5] = v[2], v[3]
	}
	return domain.RFMInput{ContactID: v[0], LastOrder: time.UnixMicro(postgresEpoch + v[1]).UTC(),
		Orders: int(v[2]), Amount: v[3], WindowOrders: int(v[4]), WindowAmount: v[5]}, nil
}

// timesInline writes the times args into q in place of its ? marks, as
// PostgreSQL's literals: COPY takes no parameters.
func timesInline(q string, args []any) string {
	var b strings.Builder
	for _, a := range args {
		before, after, _ := strings.Cut(q, "?")
		b.WriteString(before + "'" + a.(time.Time).UTC().Format("2006-01-02 15:04:05.999999") + "+00'::timestamptz")
		q = after
	}
	return b.String() + q
}

// parseUTCDay reads the YYYY-MM-DD that starts b as midnight UTC of that
// day, without time.Parse's generality (a million customers).
func parseUTCDay(b []byte) (time.Time, error) {
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = 10*n + int(c-'0')
		}
		return n, true
	}
	if len(b) >= 10 && b[4] == '-' && b[7] == '-' {
		y, ok1 := num(b[:4])
		m, ok2 := num(b[5:7])
		d, ok3 := num(b[8:10])
		if ok1 && ok2 && ok3 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a stored date", b)
}
