//go:build unix

package worker

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// processGone waits up to d for pid to be dead: gone, or a zombie (where no
// init reaps orphans, as in some containers, a dead orphan stays one).
func processGone(pid int, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return true
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
				return true
			}
		}
	}
	return false
}
