package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
)

// TestCopyReaderSplits feeds a binary copy stream, as PostgreSQL writes
// it, in every way it can be cut into writes: the rows read are the same.
func TestCopyReaderSplits(t *testing.T) {
	rows := [][][]byte{
		{[]byte("ab"), nil, {1, 2, 3, 4, 5, 6, 7, 8}},
		{{}, []byte("x"), nil},
		{[]byte("last row"), {9}, {}},
	}
	stream := slices.Concat(copySignature, []byte{0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}) // flags, a 2-byte extension
	for _, r := range rows {
		stream = binary.BigEndian.AppendUint16(stream, uint16(len(r)))
		for _, f := range r {
			if f == nil {
				stream = binary.BigEndian.AppendUint32(stream, 0xffffffff)
				continue
			}
			stream = binary.BigEndian.AppendUint32(stream, uint32(len(f)))
			stream = append(stream, f...)
		}
	}
	stream = binary.BigEndian.AppendUint16(stream, 0xffff)
	want := fmt.Sprintf("%q", rows)
	read := func(writes ...[]byte) string {
		var got [][][]byte
		r := &copyReader{row: func(f [][]byte) error {
			row := make([][]byte, len(f))
			for i, b := range f {
				if b != nil {
					row[i] = slices.Clone(b)
					if row[i] == nil {
						row[i] = []byte{}
					}
				}
			}
			got = append(got, row)
			return nil
		}}
		for _, w := range writes {
			if n, err := r.Write(w); err != nil || n != len(w) {
				t.Fatalf("write %q: %d, %v", w, n, err)
			}
		}
		if !r.done {
			t.Fatal("the trailer was not read")
		}
		return fmt.Sprintf("%q", got)
	}
	for cut := range len(stream) + 1 {
		if got := read(stream[:cut], stream[cut:]); got != want {
			t.Fatalf("cut at %d: rows %s, want %s", cut, got, want)
		}
	}
	var bytes [][]byte
	for i := range stream {
		bytes = append(bytes, stream[i:i+1])
	}
	if got := read(bytes...); got != want {
		t.Fatalf("a byte a write: rows %s, want %s", got, want)
	}
	if _, err := (&copyReader{}).Write([]byte("not a copy stream at all")); err == nil {
		t.Error("a stream without the signature was read")
	}
}
