// Package pyworkertest makes what tests of --engine python need without
// Python: a directory that passes pyworker's qml-hcs checkout check, and
// internal/fakepython, an interpreter stand-in written in Go that speaks
// the worker protocol (its behaviour is set by FAKE_PYTHON_MODE).
package pyworkertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// CheckoutFiles are the files pyworker looks for in a qml-hcs checkout
// (pyworker's tests check that the two lists agree).
var CheckoutFiles = []string{"src/qmlhc/__init__.py", "examples/ex_benchmark_performance_demo.py"}

// Checkout makes a directory holding files (empty), CheckoutFiles when
// none are given.
func Checkout(t testing.TB, files ...string) string {
	t.Helper()
	if len(files) == 0 {
		files = CheckoutFiles
	}
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// BuildFakePython builds internal/fakepython as dir/python3 and returns
// its path.
func BuildFakePython(dir string) (string, error) {
	p := filepath.Join(dir, "python3")
	if runtime.GOOS == "windows" {
		p += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", p, "github.com/hcbench/hcbench/engine/pyworker/internal/fakepython").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build fakepython: %v: %s", err, out)
	}
	return p, nil
}

// FakePython builds the fake interpreter into a directory of the test's.
func FakePython(t testing.TB) string {
	t.Helper()
	p, err := BuildFakePython(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return p
}
