package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"syscall"
)

// interrupts turns SIGINT, SIGTERM, SIGHUP and SIGPIPE into a cancelled
// context: the sweep stops within one epoch and the session saves what
// finished. SIGPIPE is a reader of stdout or stderr gone away (hcbench |
// head): the writes fail from then on, but the files are saved. Later
// signals are acknowledged but change nothing, so that a second Ctrl+C
// while the reports are written cannot leave them half-written.
type interrupts struct {
	first        atomic.Pointer[string] // the first signal's name
	quit, exited chan struct{}
}

// watchSignals cancels on the first signal from sigs until stop.
func watchSignals(sigs <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer) *interrupts {
	in := &interrupts{quit: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(in.exited)
		for {
			select {
			case <-in.quit:
				return
			case sig := <-sigs:
				name := signalName(sig)
				if in.first.CompareAndSwap(nil, &name) {
					cancel()
				} else {
					fmt.Fprintf(stderr, "hcbench: %s again: already stopping (finished configs are being saved), please wait\n", name)
				}
			}
		}
	}()
	return in
}

// signal is the first signal's name, "" when none came.
func (in *interrupts) signal() string {
	if p := in.first.Load(); p != nil {
		return *p
	}
	return ""
}

func (in *interrupts) stop() { close(in.quit); <-in.exited }

// signalName is the conventional name: SIGINT rather than "interrupt".
func signalName(s os.Signal) string {
	if n, ok := map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP",
		syscall.SIGPIPE: "SIGPIPE (the reader of the output went away)"}[s]; ok {
		return n
	}
	return s.String()
}
