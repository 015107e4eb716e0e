package store

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/crmbot/crmbot/domain"
)

// contact_words indexes the words of each contact's name and company,
// folded (lower case, no accents), so that finding a contact by the start
// of a word is an index range scan rather than a scan of every contact.

// words returns the folded words of a contact's name and company.
func words(c *domain.Contact) []string {
	return splitWords(c.Name + " " + c.Company)
}

func splitWords(s string) []string {
	ws := strings.FieldsFunc(domain.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	slices.Sort(ws)
	return slices.Compact(ws)
}

// wordsCond matches the contacts that have, for each word of fragment, a
// word starting with it. A fragment with no word matches nothing.
func wordsCond(fragment string) (string, []any) {
	ws := splitWords(fragment)
	if len(ws) == 0 {
		return "1 = 0", nil
	}
	conds := make([]string, len(ws))
	args := make([]any, 0, 2*len(ws))
	for i, w := range ws {
		conds[i] = "id IN (SELECT contact_id FROM contact_words WHERE word >= ? AND word < ?)"
		args = append(args, w, w+"\U0010FFFF")
	}
	return strings.Join(conds, " AND "), args
}

// writeWords replaces the words of the given contacts.
func (db *DB) writeWords(ctx context.Context, cs []*domain.Contact, replace bool) error {
	type pair struct {
		id   int64
		word string
	}
	var pairs []pair
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
		for _, w := range words(c) {
			pairs = append(pairs, pair{c.ID, w})
		}
	}
	if replace {
		if err := db.conn(ctx).Exec("DELETE FROM contact_words WHERE contact_id IN ?", ids).Error; err != nil {
			return translate(err, domain.M("contact words"))
		}
	}
	return db.insertRows(ctx, "contact_words", []string{"word", "contact_id"}, len(pairs), func(i int, a []any) []any {
		return append(a, pairs[i].word, pairs[i].id)
	})
}
