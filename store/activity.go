package store

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/crmbot/crmbot/domain"
)

type moveRow struct {
	ID        int64 `gorm:"primaryKey"`
	ContactID int64
	FromStage string
	ToStage   string
	Note      string
	Author    string
	At        time.Time
}

func (moveRow) TableName() string { return "moves" }

type interactionRow struct {
	ID        int64 `gorm:"primaryKey"`
	ContactID int64
	Kind      string
	Note      string
	Author    string
	At        time.Time
}

func (interactionRow) TableName() string { return "interactions" }

type orderRow struct {
	ID        int64 `gorm:"primaryKey"`
	ContactID int64
	Amount    int64
	Date      time.Time
	Note      string
	Author    string
	CreatedAt time.Time
}

func (orderRow) TableName() string { return "orders" }

// AddMove records a pipeline move.
func (db *DB) AddMove(ctx context.Context, m *domain.Move) error {
	row := moveRow{ContactID: m.ContactID, FromStage: string(m.From), ToStage: string(m.To), Note: m.Note, Author: m.Author, At: m.At.UTC()}
	if err := db.conn(ctx).Create(&row).Error; err != nil {
		return translate(err, domain.M("move"))
	}
	m.ID = row.ID
	return nil
}

// AddInteraction records an interaction and, in the same transaction,
// raises its contact's last contact time to it.
func (db *DB) AddInteraction(ctx context.Context, i *domain.Interaction) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		row := interactionRow{ContactID: i.ContactID, Kind: string(i.Kind), Note: i.Note, Author: i.Author, At: i.At.UTC()}
		if err := db.conn(ctx).Create(&row).Error; err != nil {
			return translate(err, domain.M("interaction"))
		}
		i.ID = row.ID
		return db.UpdateContactsLastContact(ctx, map[int64]time.Time{i.ContactID: i.At})
	})
}

// AddOrder records an order and, in the same transaction, adds it to its
// customer's aggregates (customer_stats).
func (db *DB) AddOrder(ctx context.Context, o *domain.Order) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = db.now().UTC()
	}
	row := orderRow{ContactID: o.ContactID, Amount: o.Amount, Date: o.Date.UTC(), Note: o.Note, Author: o.Author, CreatedAt: o.CreatedAt.UTC()}
	return db.InTx(ctx, func(ctx context.Context) error {
		if err := db.conn(ctx).Create(&row).Error; err != nil {
			return translate(err, domain.M("order"))
		}
		o.ID = row.ID
		return db.addToStats(ctx, []domain.Order{*o})
	})
}

// RecentMoves returns a contact's last moves, newest first.
func (db *DB) RecentMoves(ctx context.Context, contactID int64, limit int) ([]domain.Move, error) {
	var rows []moveRow
	err := db.conn(ctx).Where("contact_id = ?", contactID).Order("at DESC, id DESC").Limit(limit).Find(&rows).Error
	return mapRows(rows, moveRow.toDomain), err
}

// MovesBetween returns every move in [from, to), oldest first.
func (db *DB) MovesBetween(ctx context.Context, from, to time.Time) ([]domain.Move, error) {
	var rows []moveRow
	err := db.conn(ctx).Where("at >= ? AND at < ?", from.UTC(), to.UTC()).Order("at, id").Find(&rows).Error
	return mapRows(rows, moveRow.toDomain), err
}

// RecentInteractions returns a contact's last interactions, newest first.
func (db *DB) RecentInteractions(ctx context.Context, contactID int64, limit int) ([]domain.Interaction, error) {
	var rows []interactionRow
	err := db.conn(ctx).Where("contact_id = ?", contactID).Order("at DESC, id DESC").Limit(limit).Find(&rows).Error
	return mapRows(rows, interactionRow.toDomain), err
}

// RecentOrders returns a contact's last orders, newest first.
func (db *DB) RecentOrders(ctx context.Context, contactID int64, limit int) ([]domain.Order, error) {
	var rows []orderRow
	err := db.conn(ctx).Where("contact_id = ?", contactID).Order("date DESC, id DESC").Limit(limit).Find(&rows).Error
	return mapRows(rows, orderRow.toDomain), err
}

func mapRows[R any, T any](rows []R, f func(R) T) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

func (r moveRow) toDomain() domain.Move {
	return domain.Move{ID: r.ID, ContactID: r.ContactID, From: domain.Stage(r.FromStage), To: domain.Stage(r.ToStage), Note: r.Note, Author: r.Author, At: r.At.UTC()}
}

func (r interactionRow) toDomain() domain.Interaction {
	return domain.Interaction{ID: r.ID, ContactID: r.ContactID, Kind: domain.InteractionKind(r.Kind), Note: r.Note, Author: r.Author, At: r.At.UTC()}
}

func (r orderRow) toDomain() domain.Order {
	return domain.Order{ID: r.ID, ContactID: r.ContactID, Amount: r.Amount, Date: r.Date.UTC(), Note: r.Note, Author: r.Author, CreatedAt: r.CreatedAt.UTC()}
}

// Facts counts what the scoring rules need to know of contact id at now:
// interactions by kind over all time, 30 and 90 days, and its orders.
func (db *DB) Facts(ctx context.Context, id int64, now time.Time) (*domain.Facts, error) {
	all, err := db.factsWhere(ctx, now, "contact_id = ?", id)
	if err != nil {
		return nil, err
	}
	if f, ok := all[id]; ok {
		return f, nil
	}
	return &domain.Facts{}, nil
}

// AllFacts counts the facts of every contact with any activity (or of the
// given ones), keyed by contact id. Contacts with none are absent.
func (db *DB) AllFacts(ctx context.Context, now time.Time, ids ...int64) (map[int64]*domain.Facts, error) {
	if len(ids) == 0 {
		return db.factsWhere(ctx, now, "1 = 1")
	}
	// In chunks: SQLite takes at most 32,766 variables in a statement.
	out := map[int64]*domain.Facts{}
	for start := 0; start < len(ids); start += 5000 {
		part, err := db.factsWhere(ctx, now, "contact_id IN ?", ids[start:min(len(ids), start+5000)])
		if err != nil {
			return nil, err
		}
		maps.Copy(out, part)
	}
	return out, nil
}

func (db *DB) factsWhere(ctx context.Context, now time.Time, where string, args ...any) (map[int64]*domain.Facts, error) {
	now = now.UTC()
	d30, d90 := now.AddDate(0, 0, -30), now.AddDate(0, 0, -90)
	out := map[int64]*domain.Facts{}
	get := func(id int64) *domain.Facts {
		f, ok := out[id]
		if !ok {
			f = &domain.Facts{Counts: map[domain.InteractionKind]domain.WindowCounts{}, LastAt: map[domain.InteractionKind]time.Time{}}
			out[id] = f
		}
		return f
	}
	// Times are read as text (CAST): the SQLite driver would otherwise
	// parse each one in several layouts.
	q := `SELECT contact_id, kind, COUNT(*),
		SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END),
		CAST(MAX(at) AS TEXT)
		FROM interactions WHERE ` + where + ` GROUP BY contact_id, kind`
	err := db.eachRaw(ctx, q, append([]any{d30, d90}, args...), func(scan func(...any) error) error {
		var id int64
		var kind, last string
		var c domain.WindowCounts
		if err := scan(&id, &kind, &c.Total, &c.Last30, &c.Last90, &last); err != nil {
			return err
		}
		f := get(id)
		f.Counts[domain.InteractionKind(kind)] = c
		t := parseDBTime(last)
		f.LastAt[domain.InteractionKind(kind)] = t
		if t.After(f.LastInteraction) {
			f.LastInteraction = t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count interactions: %w", err)
	}
	// The customers' maintained aggregates hold these counts: reading them
	// costs a row per customer, not one per order.
	q = `SELECT contact_id, orders, amount, CAST(last_order AS TEXT) FROM customer_stats WHERE ` + where
	err = db.eachRaw(ctx, q, args, func(scan func(...any) error) error {
		var id int64
		var last string
		var n int
		var total int64
		if err := scan(&id, &n, &total, &last); err != nil {
			return err
		}
		f := get(id)
		f.Orders, f.Revenue, f.LastOrder = n, total, parseDBTime(last)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count orders: %w", err)
	}
	return out, nil
}

// parseDBTime reads a MAX(timestamp) that SQLite returns as text and
// PostgreSQL as a timestamp rendered to text by the scan.
func parseDBTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999-07"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// EachOrder calls fn with every order, batch by batch in id order: memory
// is bounded by the batch, not by the orders.
func (db *DB) EachOrder(ctx context.Context, batch int, fn func([]domain.Order) error) error {
	return eachRowOf(ctx, db, batch, func(r orderRow) (int64, domain.Order) {
		return r.ID, domain.Order{ID: r.ID, ContactID: r.ContactID, Amount: r.Amount, Date: r.Date.UTC(), Note: r.Note,
			Author: r.Author, CreatedAt: r.CreatedAt.UTC()}
	}, fn)
}

// EachMove is EachOrder for pipeline moves.
func (db *DB) EachMove(ctx context.Context, batch int, fn func([]domain.Move) error) error {
	return eachRowOf(ctx, db, batch, func(r moveRow) (int64, domain.Move) {
		return r.ID, domain.Move{ID: r.ID, ContactID: r.ContactID, From: domain.Stage(r.FromStage), To: domain.Stage(r.ToStage),
			Note: r.Note, Author: r.Author, At: r.At.UTC()}
	}, fn)
}

// EachInteraction is EachOrder for interactions.
func (db *DB) EachInteraction(ctx context.Context, batch int, fn func([]domain.Interaction) error) error {
	return eachRowOf(ctx, db, batch, func(r interactionRow) (int64, domain.Interaction) {
		return r.ID, domain.Interaction{ID: r.ID, ContactID: r.ContactID, Kind: domain.InteractionKind(r.Kind), Note: r.Note,
			Author: r.Author, At: r.At.UTC()}
	}, fn)
}

// eachRowOf reads the rows R of their table batch by batch after the
// last id seen, and calls fn with each batch made into T by conv.
func eachRowOf[R any, T any](ctx context.Context, db *DB, batch int, conv func(R) (int64, T), fn func([]T) error) error {
	var after int64
	for {
		var rows []R
		if err := db.conn(ctx).Where("id > ?", after).Order("id").Limit(batch).Find(&rows).Error; err != nil {
			return fmt.Errorf("read a batch after id %d: %w", after, err)
		}
		if len(rows) == 0 {
			return nil
		}
		out := make([]T, len(rows))
		for i, r := range rows {
			after, out[i] = conv(r)
		}
		if err := fn(out); err != nil {
			return err
		}
	}
}
