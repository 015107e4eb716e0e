package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/crmbot/crmbot/domain"
	"gorm.io/gorm"
)

// This file keeps what the segmentations read: each customer's order
// aggregates (customer_stats), kept up to date in the transaction of every
// order write so that RFM need not read the orders, and the saved segments.

// statsUpsert adds a batch's aggregates to those already stored.
const statsUpsert = ` ON CONFLICT (contact_id) DO UPDATE SET
	first_order = CASE WHEN excluded.first_order < customer_stats.first_order THEN excluded.first_order ELSE customer_stats.first_order END,
	last_order = CASE WHEN excluded.last_order > customer_stats.last_order THEN excluded.last_order ELSE customer_stats.last_order END,
	orders = customer_stats.orders + excluded.orders,
	amount = customer_stats.amount + excluded.amount`

// customerStat is one customer's order aggregates.
type customerStat struct {
	id          int64
	first, last time.Time
	orders      int64
	amount      int64
}

// addToStats adds orders to their customers' aggregates, one row per
// customer. Call it in the transaction that writes the orders.
func (db *DB) addToStats(ctx context.Context, os []domain.Order) error {
	byID := map[int64]*customerStat{}
	var list []*customerStat
	for i := range os {
		o := &os[i]
		d := o.Date.UTC()
		s := byID[o.ContactID]
		if s == nil {
			s = &customerStat{id: o.ContactID, first: d, last: d}
			byID[o.ContactID] = s
			list = append(list, s)
		}
		if d.Before(s.first) {
			s.first = d
		}
		if d.After(s.last) {
			s.last = d
		}
		s.orders++
		s.amount += o.Amount
	}
	cols := []string{"contact_id", "first_order", "last_order", "orders", "amount"}
	return db.writeRows(ctx, "customer_stats", cols, statsUpsert, len(list), func(i int, a []any) []any {
		s := list[i]
		return append(a, s.id, s.first, s.last, s.orders, s.amount)
	})
}

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
	y, m, d := asOf.Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC) // orders before it count
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
		var count int64
		if err := db.conn(ctx).Raw("SELECT COUNT(*) FROM customer_stats").Scan(&count).Error; err != nil {
			return nil, fmt.Errorf("read customer aggregates: %w", err)
		}
		n = int(count)
		q = `SELECT contact_id, ` + last + `, orders, amount FROM customer_stats`
	} else if windowDays <= 0 {
		q = `SELECT contact_id, ` + maxDate + `, COUNT(*), SUM(amount) FROM orders WHERE date < ? GROUP BY contact_id`
		args = []any{end}
	} else {
		start := end.AddDate(0, 0, -windowDays)
		q = `SELECT contact_id, ` + maxDate + `, COUNT(*), SUM(amount),
			SUM(CASE WHEN date >= ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN date >= ? THEN amount ELSE 0 END)
			FROM orders WHERE date < ? GROUP BY contact_id`
		args = []any{start, start, end}
	}
	out := make([]domain.RFMInput, 0, n)
	var day sql.RawBytes
	err := db.eachRow(ctx, q, args, func(rows *sql.Rows) error {
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
	// Sorted here rather than by the query: on SQLite, ORDER BY contact_id
	// walks the primary key's index and fetches each row from the table,
	// nearly twice the time of a plain scan.
	byID := func(a, b domain.RFMInput) int { return cmp.Compare(a.ContactID, b.ContactID) }
	if !slices.IsSortedFunc(out, byID) {
		slices.SortFunc(out, byID)
	}
	return out, nil
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

// StatsDrift returns the customers whose maintained aggregates differ from
// a fresh count of their orders (none, unless something wrote orders
// behind the store's back): for tests and for crmbot's own checks.
func (db *DB) StatsDrift(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := db.conn(ctx).Raw(`SELECT o.contact_id FROM
		(SELECT contact_id, MIN(date) AS f, MAX(date) AS l, COUNT(*) AS n, SUM(amount) AS a FROM orders GROUP BY contact_id) o
		LEFT JOIN customer_stats s ON s.contact_id = o.contact_id
		WHERE s.contact_id IS NULL OR s.first_order <> o.f OR s.last_order <> o.l OR s.orders <> o.n OR s.amount <> o.a
		UNION SELECT s.contact_id FROM customer_stats s WHERE NOT EXISTS (SELECT 1 FROM orders WHERE orders.contact_id = s.contact_id)
		ORDER BY 1`).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("compare customer aggregates: %w", err)
	}
	return ids, nil
}

// idsCond keeps the contacts whose id is in ids, with one parameter
// whatever their number (SQLite limits the variables of a statement).
func (db *DB) idsCond(ids []int64) (string, []any) {
	list := jsonText(ids)
	if db.postgres {
		return "id IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint)", []any{list}
	}
	return "id IN (SELECT value FROM json_each(?))", []any{list}
}

// savedSegmentRow is the saved_segments table.
type savedSegmentRow struct {
	ID        int64 `gorm:"primaryKey"`
	Name      string
	Filter    string
	Author    string
	CreatedAt time.Time
}

func (savedSegmentRow) TableName() string { return "saved_segments" }

// SavedSegment is a stored segment: its name and filter, who saved it and
// when.
type SavedSegment struct {
	domain.SavedSegment
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// SaveSegment stores a new saved segment; a name already taken is a
// Conflict error.
func (db *DB) SaveSegment(ctx context.Context, s *SavedSegment) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.now().UTC()
	}
	row := savedSegmentRow{Name: s.Name, Filter: s.Filter, Author: s.Author, CreatedAt: s.CreatedAt.UTC()}
	return translate(db.conn(ctx).Create(&row).Error, "a segment named "+s.Name)
}

// SavedSegments lists the saved segments by name.
func (db *DB) SavedSegments(ctx context.Context) ([]SavedSegment, error) {
	var rows []savedSegmentRow
	if err := db.conn(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read saved segments: %w", err)
	}
	return mapRows(rows, savedSegmentRow.toStore), nil
}

// SavedSegmentNamed returns the saved segment name, or a NotFound error.
func (db *DB) SavedSegmentNamed(ctx context.Context, name string) (*SavedSegment, error) {
	var row savedSegmentRow
	err := db.conn(ctx).Where("name = ?", name).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.Errorf(domain.NotFound, "there is no saved segment %q: segment list shows them", name)
	}
	if err != nil {
		return nil, fmt.Errorf("read saved segment %q: %w", name, err)
	}
	s := row.toStore()
	return &s, nil
}

// DeleteSegment removes the saved segment name, or returns a NotFound error.
func (db *DB) DeleteSegment(ctx context.Context, name string) error {
	res := db.conn(ctx).Where("name = ?", name).Delete(&savedSegmentRow{})
	if res.Error != nil {
		return fmt.Errorf("delete saved segment %q: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.Errorf(domain.NotFound, "there is no saved segment %q: segment list shows them", name)
	}
	return nil
}

func (r savedSegmentRow) toStore() SavedSegment {
	return SavedSegment{SavedSegment: domain.SavedSegment{Name: r.Name, Filter: r.Filter}, Author: r.Author, CreatedAt: r.CreatedAt.UTC()}
}
