package worker

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A worker's stderr is its own diagnostics: the parent never parses it,
// but when the worker breaks, the error quotes what says why (the first
// line of a Go runtime crash or a panic, which a dump of goroutines follows;
// else the end), and the whole of it goes to a log file named in the error
// (Options.LogDir).
const (
	// stderrHead and stderrTail bound what is kept of a worker's stderr:
	// its beginning, where a crash says why, and its end. A crash dump of a
	// Go worker is a few KiB; only a worker that writes for ever (a warning
	// on every epoch) loses its middle.
	stderrHead = 256 << 10
	stderrTail = 256 << 10
	// quoteTail is how much of the end an error quotes when no line says
	// why and the whole is in a log file; without a log file, up to
	// quoteKeep.
	quoteTail = 512
	quoteKeep = 4 << 10
)

// causePrefixes start the lines that say why a process died: the Go
// runtime's fatal errors ("runtime: out of memory: …" then "fatal error:
// out of memory"), a Go panic, cgo's failed thread creation, CPython's
// fatal errors and its out-of-memory exception.
var causePrefixes = []string{"fatal error:", "runtime:", "runtime/cgo:", "panic:", "Fatal Python error:", "MemoryError"}

// stderrLog keeps the beginning and the end of what a worker writes to
// its stderr.
type stderrLog struct {
	mu      sync.Mutex
	head    []byte
	tail    []byte // a ring once full: the oldest byte at start
	start   int
	written int64
}

func (s *stderrLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(p)
	s.written += int64(n)
	if room := stderrHead - len(s.head); room > 0 {
		k := min(room, len(p))
		s.head = append(s.head, p[:k]...)
		p = p[k:]
	}
	if len(p) >= stderrTail {
		s.tail, s.start = append(s.tail[:0], p[len(p)-stderrTail:]...), 0
		return n, nil
	}
	for len(p) > 0 {
		if len(s.tail) < stderrTail {
			k := min(stderrTail-len(s.tail), len(p))
			s.tail = append(s.tail, p[:k]...)
			p = p[k:]
			continue
		}
		k := copy(s.tail[s.start:], p)
		s.start = (s.start + k) % stderrTail
		p = p[k:]
	}
	return n, nil
}

// parts are the kept beginning, the number of bytes left out after it,
// and the kept end.
func (s *stderrLog) parts() (head []byte, skipped int64, tail []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tail = append(append([]byte(nil), s.tail[s.start:]...), s.tail[:s.start]...)
	return append([]byte(nil), s.head...), s.written - int64(len(s.head)) - int64(len(tail)), tail
}

// String is what was kept, with a mark where bytes were left out.
func (s *stderrLog) String() string {
	head, skipped, tail := s.parts()
	if skipped > 0 {
		return fmt.Sprintf("%s\n[… %d bytes left out …]\n%s", head, skipped, tail)
	}
	return string(head) + string(tail)
}

// cause is the line of text that says why its process died: the first
// line starting with one of causePrefixes, with the "fatal error:" line
// that follows a "runtime:" one ("runtime: out of memory: cannot allocate
// …; fatal error: out of memory"); "" when there is none.
func cause(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if !hasCausePrefix(l) {
			continue
		}
		if strings.HasPrefix(l, "runtime:") {
			for _, next := range lines[i+1:] {
				next = strings.TrimSpace(next)
				if next == "" {
					continue
				}
				if strings.HasPrefix(next, "fatal error:") {
					l += "; " + next
				}
				break
			}
		}
		return l
	}
	return ""
}

func hasCausePrefix(line string) bool {
	for _, p := range causePrefixes {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// lastBytes is the end of text, at most n bytes, from a line's start
// when one begins within them.
func lastBytes(text string, n int) string {
	if len(text) <= n {
		return text
	}
	text = text[len(text)-n:]
	if i := strings.IndexByte(text, '\n'); i >= 0 && i < len(text)-1 {
		return text[i+1:]
	}
	return "…" + text
}

// writeLog writes the whole kept stderr of the worker with pid to a new
// file in dir and returns its path.
func writeLog(dir, name string, pid int, text string) (string, error) {
	stamp := time.Now().Format("20060102-150405")
	base := strings.ReplaceAll(name, " ", "-")
	path := filepath.Join(dir, fmt.Sprintf("hcbench-%s-%d-%s.log", base, pid, stamp))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}
