package csvio

// SetAfterChunk sets a function called after each chunk of a file is
// staged, and returns a function that unsets it.
func SetAfterChunk(fn func()) (reset func()) {
	afterChunk = fn
	return func() { afterChunk = nil }
}

// SetChunkRows sets how many rows are read at once, and returns a
// function that restores it.
func SetChunkRows(n int) (reset func()) {
	old := chunkRows
	chunkRows = n
	return func() { chunkRows = old }
}
