package store

import (
	"context"
	"fmt"
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

// SaveSegment stores a new saved segment; a name already taken is a
// Conflict error.
func (db *DB) SaveSegment(ctx context.Context, s *domain.SavedSegment) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.now().UTC()
	}
	row := savedSegmentRow{Name: s.Name, Filter: s.Filter, Author: s.Author, CreatedAt: s.CreatedAt.UTC()}
	return translate(db.conn(ctx).Create(&row).Error, domain.M("a segment named %s", s.Name))
}

// SavedSegments lists the saved segments by name.
func (db *DB) SavedSegments(ctx context.Context) ([]domain.SavedSegment, error) {
	var rows []savedSegmentRow
	if err := db.conn(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read saved segments: %w", err)
	}
	return mapRows(rows, savedSegmentRow.toDomain), nil
}

// SavedSegmentNamed returns the saved segment name, or a NotFound error.
func (db *DB) SavedSegmentNamed(ctx context.Context, name string) (*domain.SavedSegment, error) {
	var row savedSegmentRow
	err := db.conn(ctx).Where("name = ?", name).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, domain.Errorf(domain.NotFound, "there is no saved segment %q: segment list shows them", name)
	}
	if err != nil {
		return nil, fmt.Errorf("read saved segment %q: %w", name, err)
	}
	s := row.toDomain()
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

func (r savedSegmentRow) toDomain() domain.SavedSegment {
	return domain.SavedSegment{Name: r.Name, Filter: r.Filter, Author: r.Author, CreatedAt: r.CreatedAt.UTC()}
}
