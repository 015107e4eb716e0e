package command

// QuoteWord exports quoteWord to the tests of package command_test.
var QuoteWord = quoteWord
