package store_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// After Forget and EmptyLog, the SQLite file holds none of the person's
// strings, not even in the space their rows left free, nor in the
// write-ahead log.
func TestForgetLeavesNoTraceInTheFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "crm.db")
	db, err := store.Open(ctx, path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var others []*domain.Contact
	for i := range 300 { // neighbours in the same pages
		others = append(others, &domain.Contact{Name: fmt.Sprintf("Voisin %d", i), Email: fmt.Sprintf("voisin%d@example.org", i)})
	}
	if err := db.InsertContacts(ctx, others); err != nil {
		t.Fatal(err)
	}
	personal := []string{"Zéphyrine Quintaval", "zephyrine@quintaval.example", "0698765432", "Quintaval Ferronnerie",
		"Trébeurden", "aime les kouign-amann"}
	c := create(t, db, &domain.Contact{Name: personal[0], Email: personal[1], Phone: personal[2], Company: personal[3], City: personal[4]})
	if err := db.InsertInteractions(ctx, []domain.Interaction{{ContactID: c.ID, Kind: domain.Call, Note: personal[5], At: testNow.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Forget(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.EmptyLog(ctx); err != nil {
		t.Fatal(err)
	}
	if left := storetest.Lingering(t, path, append(personal, "zephyrine", "quintaval")...); len(left) > 0 {
		t.Errorf("the file still holds %q after Forget", left)
	}
}
