// Package csvfile reads CSV files as people give them, from Excel,
// LibreOffice or a script, and says in one message what to fix when they
// are wrong.
//
// It is the format, not what a file means: Reader takes UTF-8 with or
// without a byte order mark, "," or ";" as the header line shows (or as
// Excel's "sep=;" line says), quoted cells over several lines, and skips
// blank rows; each Record knows its line as a spreadsheet numbers it and
// as a text editor does. ReadHeader matches a header to a Schema, refusing
// unknown columns by name with the nearest known one. Problems gathers
// what is wrong with the rows, keeping only the first few by line and
// counting the rest, so that checking a file of any size holds little in
// memory. FormatTime and ParseTime write and read a point in time in a
// cell. The kinds of file, their columns and what a row does are the use
// case's (flows/csvio); docs/csv.md describes the format for users.
package csvfile
