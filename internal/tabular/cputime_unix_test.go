//go:build unix

package tabular

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, user and system:
// on a busy machine a steadier measure than the time elapsed.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
