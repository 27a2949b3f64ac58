package console

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// unsafeWriter fails the test when two writes overlap.
type unsafeWriter struct {
	t      *testing.T
	busy   bool
	mu     sync.Mutex // guards busy only, not the buffer's use
	buf    bytes.Buffer
	writes int
}

func (u *unsafeWriter) Write(p []byte) (int, error) {
	u.mu.Lock()
	if u.busy {
		u.t.Error("two writes at once")
	}
	u.busy = true
	u.mu.Unlock()
	n, err := u.buf.Write(p)
	u.writes++
	u.mu.Lock()
	u.busy = false
	u.mu.Unlock()
	return n, err
}

// TestLocked: writes from many goroutines reach the writer one at a
// time, each whole.
func TestLocked(t *testing.T) {
	u := &unsafeWriter{t: t}
	w := Locked(u)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line := strings.Repeat(string(rune('a'+g)), 64) + "\n"
			for range 200 {
				if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
					t.Errorf("Write: %d %v", n, err)
				}
			}
		}()
	}
	wg.Wait()
	if u.writes != 8*200 {
		t.Errorf("%d writes reached the writer, want %d", u.writes, 8*200)
	}
	for _, l := range strings.Split(strings.TrimSuffix(u.buf.String(), "\n"), "\n") {
		if len(l) != 64 || strings.Count(l, l[:1]) != 64 {
			t.Fatalf("an interleaved line: %q", l)
		}
	}
}
