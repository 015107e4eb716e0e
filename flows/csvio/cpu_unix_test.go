//go:build unix

package csvio_test

import (
	"syscall"
	"time"
)

// cpuTime is the processor time the test process has used so far, in user
// and system mode: unlike elapsed time, other processes on a shared
// machine do not inflate it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
