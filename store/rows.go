package store

import (
	"context"
	"database/sql"
)

// This file reads rows straight from database/sql, for the reads of up to a
// row per contact where gorm's reflection would dominate.

// eachRow runs the query q and calls scan for each row, for reads of up
// to a row per contact. The rows are read under a context that cannot be
// cancelled, and ctx is checked every 4,096 rows instead: for a query
// whose context can be cancelled, the SQLite driver starts a goroutine and
// a channel for every row, which cost a third of the time of reading the
// customers' aggregates.
func (db *DB) eachRow(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.conn(ctx).WithContext(context.WithoutCancel(ctx)).Raw(q, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// eachRaw calls row for each row of query with the row's Scan (see
// eachRow: the driver does not watch ctx row by row).
func (db *DB) eachRaw(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	return db.eachRow(ctx, query, args, func(rows *sql.Rows) error { return row(rows.Scan) })
}
