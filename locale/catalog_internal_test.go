package locale

import (
	"io/fs"
	"testing"
)

// TestCatalogsAgree fails on a message two catalog files translate
// differently: the file loaded last would win without a word.
func TestCatalogsAgree(t *testing.T) {
	seen := map[string]struct{ file, text string }{}
	files, err := fs.Glob(catalogs, "catalog/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := catalogs.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := bundle.ParseMessageFileBytes(b, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, m := range mf.Messages {
			text := m.One + "|" + m.Other
			if was, ok := seen[m.ID]; ok && was.text != text {
				t.Errorf("%q is %q in %s but %q in %s", m.ID, was.text, was.file, text, f)
			}
			seen[m.ID] = struct{ file, text string }{f, text}
		}
	}
}
