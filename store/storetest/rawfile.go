package storetest

import (
	"bytes"
	"os"
	"testing"
)

// Lingering returns those of strings that the SQLite file at path, or its
// write-ahead log, still holds anywhere in their bytes: free space
// included, which no query shows.
func Lingering(t testing.TB, path string, strings ...string) []string {
	t.Helper()
	var raw []byte
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	var left []string
	for _, s := range strings {
		if bytes.Contains(raw, []byte(s)) {
			left = append(left, s)
		}
	}
	return left
}
