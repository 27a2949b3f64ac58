package worker

import (
	"fmt"
	"os"
	"strings"
)

// Limits are the operating system's limits on this process that decide
// how many workers it can run and how large each may grow: a worker
// inherits them.
type Limits struct {
	// AddressSpace is the soft RLIMIT_AS (ulimit -v) in bytes, a limit
	// on each process; 0 when there is none or it is unknown.
	AddressSpace int64
	// OpenFiles is the soft RLIMIT_NOFILE (ulimit -n); 0 when unknown.
	OpenFiles int
	// FilesOpen is how many files this process has open now; -1 when
	// the system cannot say.
	FilesOpen int
}

// CurrentLimits reads this process's limits.
func CurrentLimits() Limits {
	return Limits{AddressSpace: addressSpaceLimit(), OpenFiles: openFileLimit(), FilesOpen: filesOpen()}
}

// filesOpen counts this process's open files where the system lists them
// (Linux, the BSDs, macOS), -1 elsewhere.
func filesOpen() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		f, err := os.Open(dir)
		if err != nil {
			continue
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err != nil || len(names) == 0 {
			continue
		}
		return len(names) - 1 // the directory being read
	}
	return -1
}

// memoryMarks are words of a crash that mean the process could not get
// memory (or address space for a thread's stack).
var memoryMarks = []string{"out of memory", "cannot allocate memory", "pthread_create failed",
	"failed to reserve", "MemoryError", "cannot map", "Resource temporarily unavailable"}

// memoryCause reports whether the line that says why a process died is a
// lack of memory.
func memoryCause(line string) bool {
	for _, m := range memoryMarks {
		if strings.Contains(line, m) {
			return true
		}
	}
	return false
}

// addressSpaceNote says that a worker that ran out of memory did so under
// an address-space limit, which it inherited from hcbench: "" without one.
func addressSpaceNote(limit int64) string {
	if limit <= 0 {
		return ""
	}
	return fmt.Sprintf("; it ran out of address space: each process may reserve %s (ulimit -v %d); raise or lift the limit, or shrink the grid",
		gib(limit), limit/1024)
}

// gib formats bytes in GiB (MiB below one).
func gib(b int64) string {
	if b < 1<<30 {
		return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
}
