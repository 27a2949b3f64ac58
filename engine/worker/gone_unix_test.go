//go:build unix

package worker

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// waitGone waits until pid is dead: gone, or a zombie (where no init
// reaps orphans, as in some containers, a dead orphan stays one).
func waitGone(pid int) {
	for ; ; time.Sleep(5 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
			if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
				return
			}
		}
	}
}
