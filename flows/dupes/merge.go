package dupes

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// MergeStore is what a merge needs of the database, in one transaction.
type MergeStore interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
	UpdateContact(ctx context.Context, c *domain.Contact) error
	Respondent(ctx context.Context, contactID int64) (*domain.Respondent, error)
	SaveRespondent(ctx context.Context, r *domain.Respondent) error
	DeleteRespondent(ctx context.Context, contactID int64) error
	OpenSurveys(ctx context.Context, contactID int64) (int, error)
	MoveRecords(ctx context.Context, keep, other int64, by string, at time.Time) error
}

// Merger folds a duplicate into the contact kept.
type Merger struct {
	Store MergeStore
	CRM   *crm.Service // resolves the contacts and rescores the one kept
	Now   func() time.Time
}

// Merged is what a merge did: the contact kept, as it is now, the one
// folded into it, and the fields both set differently (kept's value
// stayed).
type Merged struct {
	Kept      *domain.Contact        `json:"kept"`
	MergedID  int64                  `json:"merged_id"`
	Conflicts []domain.FieldConflict `json:"conflicts"`
}

// Merge folds the contact otherRef names into the one keepRef names, as
// actor, in one transaction: its fields where keep has none, every record,
// the stricter questionnaire state, then it is deleted, the merge recorded
// and keep rescored. It refuses (conflict) two contacts that are one, two
// with a linked Telegram chat each, or two with a questionnaire under way
// each: which chat or which questionnaire to keep is the customer's.
func (m *Merger) Merge(ctx context.Context, actor, otherRef, keepRef string) (*Merged, error) {
	var out *Merged
	err := m.Store.InTx(ctx, func(ctx context.Context) error {
		keep, other, err := m.pair(ctx, keepRef, otherRef)
		if err != nil {
			return err
		}
		if err := m.mergeState(ctx, keep, other); err != nil {
			return err
		}
		merged, conflicts := domain.MergeContacts(keep, other)
		merged.UpdatedAt = m.Now().UTC()
		// other goes first: its email and phone are unique.
		if err := m.Store.MoveRecords(ctx, keep.ID, other.ID, actor, m.Now()); err != nil {
			return err
		}
		if err := m.Store.UpdateContact(ctx, merged); err != nil {
			return err
		}
		if err := m.CRM.Rescore(ctx, merged); err != nil {
			return err
		}
		out = &Merged{Kept: merged, MergedID: other.ID, Conflicts: conflicts}
		return nil
	})
	return out, err
}

// pair resolves both contacts and refuses one named twice.
func (m *Merger) pair(ctx context.Context, keepRef, otherRef string) (keep, other *domain.Contact, err error) {
	if keep, err = m.CRM.Resolve(ctx, keepRef); err != nil {
		return nil, nil, err
	}
	if other, err = m.CRM.Resolve(ctx, otherRef); err != nil {
		return nil, nil, err
	}
	if keep.ID == other.ID {
		return nil, nil, domain.Errorf(domain.Invalid, "%s and %s are the same contact, %s: name two contacts, as in merge C513 into C501", otherRef, keepRef, keep.Ref())
	}
	return keep, other, nil
}

// mergeState checks that the two can be merged and leaves keep with the
// stricter questionnaire state of both.
func (m *Merger) mergeState(ctx context.Context, keep, other *domain.Contact) error {
	open := [2]int{}
	for i, c := range []*domain.Contact{keep, other} {
		n, err := m.Store.OpenSurveys(ctx, c.ID)
		if err != nil {
			return err
		}
		open[i] = n
	}
	if open[0] > 0 && open[1] > 0 {
		return domain.Errorf(domain.Conflict, "%s and %s both have a questionnaire under way: nothing was merged. Merge them once one is answered or expired (why %s shows it).", keep.Ref(), other.Ref(), other.Ref())
	}
	kr, err := m.Store.Respondent(ctx, keep.ID)
	if err != nil {
		return err
	}
	or, err := m.Store.Respondent(ctx, other.ID)
	if err != nil || or == nil {
		return err
	}
	if kr == nil {
		kr = &domain.Respondent{ContactID: keep.ID}
	}
	if kr.ChatID != 0 && or.ChatID != 0 {
		return domain.Errorf(domain.Conflict, "%s and %s are each linked to a Telegram chat: nothing was merged, since crmbot cannot tell which chat is the customer's. Ask the customer which is theirs, then erase the other with forget.", keep.Ref(), other.Ref())
	}
	merged := domain.MergeRespondents(kr, or)
	merged.ContactID = keep.ID
	// other's row goes first: its chat link is unique.
	if err := m.Store.DeleteRespondent(ctx, other.ID); err != nil {
		return err
	}
	return m.Store.SaveRespondent(ctx, merged)
}
