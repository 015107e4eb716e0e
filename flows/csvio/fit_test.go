package csvio_test

import (
	"testing"

	"github.com/crmbot/crmbot/flows/csvio"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// TestImportStoresFitAndEngagement: an import stores each new contact's
// fit grade and engagement with its score (scored from its fields in the
// staging path), and the contacts its interactions touch are rescored with
// them.
func TestImportStoresFitAndEngagement(t *testing.T) {
	storetest.Each(t, clock, func(t *testing.T, db *store.DB) {
		imp(t, db, csvio.Contacts, "name,role,employees,sector,budget\nAda,CEO,80,btp,15000\nBob,,,,\n")
		check := func(id int64, fit string, engagement int) {
			t.Helper()
			c, err := db.Contact(t.Context(), id)
			if err != nil || c.Fit != fit || c.Engagement != engagement {
				t.Errorf("C%d: fit %q engagement %d (%v), want %s and %d", id, c.Fit, c.Engagement, err, fit, engagement)
			}
		}
		check(1, "A", 11) // 5 of the 45 engagement points; 15 + 10 + 10 + 15 fit; created now: contacted within 30 days
		check(2, "D", 11)
		imp(t, db, csvio.Interactions, "contact,kind,date\nC2,request,"+now.Format("2006-01-02")+"\n")
		check(2, "D", 44) // 20 of 45: + a specific request (90 days)
	})
}
