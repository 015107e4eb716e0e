package domain

// FoldUnicode is foldUnicode, for the tests of Fold's table.
var FoldUnicode = foldUnicode
