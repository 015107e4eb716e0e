package store

// CopyOut is copyOut, for the tests of package store_test.
var CopyOut = (*DB).copyOut
