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
// context: the engine stops within one epoch and the caller saves what
// finished. SIGPIPE is a reader of stdout or stderr gone away (hcbench |
// head): the writes fail from then on, but the files are saved. Later
// signals are acknowledged but change nothing, so that a second Ctrl+C while
// the reports are written cannot leave them half-written.
type interrupts struct {
	mu     sync.Mutex
	first  os.Signal
	count  int
	quit   chan struct{}
	exited chan struct{}
	once   sync.Once
}

// watchSignals cancels the sweep on the first signal from sigs.
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
				in.count++
				first := in.count == 1
				if first {
					in.first = sig
				}
				in.mu.Unlock()
				if first {
					cancel()
					continue
				}
				fmt.Fprintf(stderr, "hcbench: %s again: already stopping (finished configs are being saved), please wait\n", signalName(sig))
			}
		}
	}()
	return in
}

// signal returns the first signal received, or nil.
func (in *interrupts) signal() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.first
}

// stop ends the watcher.
func (in *interrupts) stop() {
	in.once.Do(func() { close(in.quit) })
	<-in.exited
}

// signalName is the conventional name: SIGINT rather than "interrupt".
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case syscall.SIGPIPE:
		return "SIGPIPE (the reader of the output went away)"
	}
	return s.String()
}
