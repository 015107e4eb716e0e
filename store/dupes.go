package store

import (
	"context"
	"fmt"
	"strings"
)

// DupeCandidate is what duplicates are sought by, for one contact.
type DupeCandidate struct {
	ID            int64
	Name, Company string
	Email, Phone  string
}

// EachCompanyGroup calls fn with the contacts of each company, one company
// after another (its name compared without case), for the contacts with a
// company. A company of more than max contacts comes in several calls of
// at most max: memory holds one group at a time. On SQLite the rows are
// sorted rather than read in the company index's order: the index would
// send a read to the table for each row, three times slower on a million.
func (db *DB) EachCompanyGroup(ctx context.Context, max int, fn func([]DupeCandidate) error) error {
	order := "+company COLLATE NOCASE, id"
	if db.postgres {
		order = "LOWER(company), id"
	}
	var group []DupeCandidate
	last := ""
	err := db.eachDupeCandidate(ctx, `SELECT id, name, company, email, phone FROM contacts WHERE company <> '' ORDER BY `+order, nil, func(c DupeCandidate) error {
		k := strings.ToLower(c.Company)
		if (k != last || len(group) >= max) && len(group) > 0 {
			if err := fn(group); err != nil {
				return err
			}
			group = group[:0]
		}
		last = k
		group = append(group, c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read contacts by company: %w", err)
	}
	if len(group) > 0 {
		return fn(group)
	}
	return nil
}

// EachTaggedEmail calls fn with each contact whose email has a +tag
// (jeanne+crm@martin.fr), in id order.
func (db *DB) EachTaggedEmail(ctx context.Context, fn func(id int64, email string) error) error {
	err := db.eachRaw(ctx, `SELECT id, email FROM contacts WHERE email LIKE '%+%@%' ORDER BY id`, nil, func(scan func(...any) error) error {
		var id int64
		var email string
		if err := scan(&id, &email); err != nil {
			return err
		}
		return fn(id, email)
	})
	if err != nil {
		return fmt.Errorf("read tagged emails: %w", err)
	}
	return nil
}

// ContactIDsByEmail returns the ids of the contacts whose email is one of
// emails, by email.
func (db *DB) ContactIDsByEmail(ctx context.Context, emails []string) (map[string]int64, error) {
	out := map[string]int64{}
	for start := 0; start < len(emails); start += 5000 {
		var rows []struct {
			ID    int64
			Email string
		}
		err := db.conn(ctx).Table("contacts").Select("id, email").Where("email IN ?", emails[start:min(len(emails), start+5000)]).Scan(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("contacts by email: %w", err)
		}
		for _, r := range rows {
			out[r.Email] = r.ID
		}
	}
	return out, nil
}

// MaxContactID returns the highest contact id, 0 with none: an import's
// new contacts are those above it.
func (db *DB) MaxContactID(ctx context.Context) (int64, error) {
	var id *int64
	if err := db.conn(ctx).Raw("SELECT MAX(id) FROM contacts").Scan(&id).Error; err != nil {
		return 0, fmt.Errorf("highest contact id: %w", err)
	}
	if id == nil {
		return 0, nil
	}
	return *id, nil
}

// NewDupeCandidates returns the contacts above id after, at most limit+1
// of them (one more tells the caller there are more than limit).
func (db *DB) NewDupeCandidates(ctx context.Context, after int64, limit int) ([]DupeCandidate, error) {
	out, err := db.dupeCandidates(ctx, "id > ? ORDER BY id LIMIT ?", after, limit+1)
	if err != nil {
		return nil, fmt.Errorf("read the new contacts: %w", err)
	}
	return out, nil
}

// CompanyDupeCandidates returns the contacts of company (its name compared
// without case), at most limit.
func (db *DB) CompanyDupeCandidates(ctx context.Context, company string, limit int) ([]DupeCandidate, error) {
	where := "company = ? COLLATE NOCASE"
	if db.postgres {
		where, company = "LOWER(company) = ?", strings.ToLower(company)
	}
	out, err := db.dupeCandidates(ctx, where+" ORDER BY id LIMIT ?", company, limit)
	if err != nil {
		return nil, fmt.Errorf("read the contacts of a company: %w", err)
	}
	return out, nil
}

// dupeCandidates returns the candidates of the contacts that where (with
// its ORDER BY and LIMIT) selects.
func (db *DB) dupeCandidates(ctx context.Context, where string, args ...any) ([]DupeCandidate, error) {
	var out []DupeCandidate
	err := db.eachDupeCandidate(ctx, "SELECT id, name, company, email, phone FROM contacts WHERE "+where, args, func(c DupeCandidate) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

// eachDupeCandidate calls fn with each row of q, which selects id, name,
// company, email and phone.
func (db *DB) eachDupeCandidate(ctx context.Context, q string, args []any, fn func(DupeCandidate) error) error {
	return db.eachRaw(ctx, q, args, func(scan func(...any) error) error {
		var c DupeCandidate
		if err := scan(&c.ID, &c.Name, &c.Company, &c.Email, &c.Phone); err != nil {
			return err
		}
		return fn(c)
	})
}
