package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// interrupts turns SIGINT, SIGTERM, SIGHUP and SIGPIPE into a cancelled
// context: the sweep stops within one epoch and the session saves what
// finished. SIGPIPE is a reader of stdout or stderr gone away (hcbench |
// head): the writes fail from then on, but the files are saved. Later
// signals are acknowledged but change nothing, so that a second Ctrl+C
// while the reports are written cannot leave them half-written.
type interrupts struct {
	mu           sync.Mutex
	name         string // the first signal's, "" until one came
	quit, exited chan struct{}
}

// watchSignals cancels on the first signal from sigs.
func watchSignals(sigs <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer) *interrupts {
	in := &interrupts{quit: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(in.exited)
		for {
			select {
			case <-in.quit:
				return
			case sig := <-sigs:
				in.mu.Lock()
				again := in.name != ""
				if !again {
					in.name = signalName(sig)
				}
				in.mu.Unlock()
				if !again {
					cancel()
					continue
				}
				fmt.Fprintf(stderr, "hcbench: %s again: already stopping (finished configs are being saved), please wait\n", signalName(sig))
			}
		}
	}()
	return in
}

// signal is the first signal's name, "" when none came.
func (in *interrupts) signal() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.name
}

// stop ends the watcher.
func (in *interrupts) stop() {
	close(in.quit)
	<-in.exited
}

var signalNames = map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP",
	syscall.SIGPIPE: "SIGPIPE (the reader of the output went away)"}

// signalName is the conventional name: SIGINT rather than "interrupt".
func signalName(s os.Signal) string {
	if n, ok := signalNames[s]; ok {
		return n
	}
	return s.String()
}
