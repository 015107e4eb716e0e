package personas_test

import (
	"fmt"
	"strconv"
)

func strconvF(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

func toString(a any) string { return fmt.Sprint(a) }
