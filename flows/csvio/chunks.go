package csvio

import (
	"errors"
	"sync"

	"github.com/crmbot/crmbot/domain/csvfile"
)

// chunkRows is how many rows are checked and staged at once: an import
// holds a few chunks of the file in memory, whatever the file's size.
// (A variable for the tests, which watch memory over many chunks.)
var chunkRows = 5000

// errStopped ends the reading of a file whose rows are no longer wanted.
var errStopped = errors.New("stopped")

// eachChunkAhead is csvfile.Reader.EachChunk with the next chunk read and
// prepared on another goroutine while write handles the current one: on
// two cores, reading and checking rows (Go) overlaps with staging them
// (the database). prepare is called on the chunks in file order, from one
// goroutine, and must not keep the records; write is called in the
// caller's goroutine, in the same order. Both may use the transaction:
// database/sql serialises the calls on its connection.
func eachChunkAhead[T any](src *csvfile.Reader, prepare func([]*csvfile.Record) (T, error), write func(T) error) error {
	type item struct {
		v   T
		err error
	}
	ahead := make(chan item, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ahead)
		err := src.EachChunk(chunkRows, func(chunk []*csvfile.Record) error {
			v, err := prepare(chunk)
			if err != nil {
				return err
			}
			select {
			case ahead <- item{v: v}:
				return nil
			case <-stop:
				return errStopped
			}
		})
		if err != nil && err != errStopped {
			select {
			case ahead <- item{err: err}:
			case <-stop:
			}
		}
	})
	defer wg.Wait()
	defer close(stop)
	for it := range ahead {
		if it.err != nil {
			return it.err
		}
		if err := write(it.v); err != nil {
			return err
		}
		if afterChunk != nil {
			afterChunk()
		}
	}
	return nil
}

// afterChunk, when set (by tests), is called after each chunk is staged,
// to watch memory while a file is read.
var afterChunk func()
