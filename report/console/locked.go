package console

import (
	"io"
	"sync"
)

// Locked is w with its writes serialised, for a stream that several
// goroutines write (the progress printer and a signal watcher): each
// Write reaches w whole, never interleaved with another.
func Locked(w io.Writer) io.Writer { return &locked{w: w} }

type locked struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *locked) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
