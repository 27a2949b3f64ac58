//go:build linux || darwin

package setup

import "syscall"

// wOK is access(2)'s W_OK.
const wOK = 2

// writable reports whether this process may create files in dir.
func writable(dir string) error { return syscall.Access(dir, wOK) }
