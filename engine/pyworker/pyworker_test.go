package pyworker

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
)

// checkout makes a directory holding files (see pyworkertest.Checkout).
var checkout = pyworkertest.Checkout

func TestCheckoutFilesAgree(t *testing.T) {
	if len(checkoutFiles) != len(pyworkertest.CheckoutFiles) {
		t.Fatalf("pyworker checks %v, pyworkertest makes %v", checkoutFiles, pyworkertest.CheckoutFiles)
	}
	for i, f := range pyworkertest.CheckoutFiles {
		if filepath.FromSlash(f) != checkoutFiles[i] {
			t.Errorf("pyworker checks %v, pyworkertest makes %v", checkoutFiles, pyworkertest.CheckoutFiles)
		}
	}
}

// fakeInterpreter is an executable file standing in for python; Resolve
// only looks it up.
func fakeInterpreter(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("executable lookup by file mode is Unix-only")
	}
	p := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolve(t *testing.T) {
	good := checkout(t, "src/qmlhc/__init__.py", "examples/ex_benchmark_performance_demo.py")
	noExample := checkout(t, "src/qmlhc/__init__.py")
	noPackage := checkout(t, "examples/ex_benchmark_performance_demo.py")
	file := filepath.Join(good, "src", "qmlhc", "__init__.py")
	py := fakeInterpreter(t)
	missing := filepath.Join(t.TempDir(), "nope")

	tests := []struct {
		name, python, dir, env string
		flag                   string // "" means no error
		want                   []string
	}{
		{"valid", py, good, "", "", nil},
		{"from QMLHC_PATH", py, "", good, "", nil},
		{"flag beats QMLHC_PATH", py, good, missing, "", nil},
		{"no dir at all", py, "", "", FlagQMLHC, []string{"--qmlhc", "QMLHC_PATH", "needs a qml-hcs checkout"}},
		{"dir missing", py, missing, "", FlagQMLHC, []string{"--qmlhc", missing, "no such directory"}},
		{"env dir missing", py, "", missing, FlagQMLHC, []string{"QMLHC_PATH=", missing, "no such directory"}},
		{"file, not dir", py, file, "", FlagQMLHC, []string{"not a directory"}},
		{"no package", py, noPackage, "", FlagQMLHC, []string{"not a qml-hcs checkout", "src/qmlhc/__init__.py"}},
		{"no example", py, noExample, "", FlagQMLHC, []string{"not a qml-hcs checkout", "examples/ex_benchmark_performance_demo.py"}},
		{"python missing", missing, good, "", FlagPython, []string{"--python", missing, "no such interpreter", "/usr/bin/python3"}},
		{"python not in PATH", "hcbench-no-such-python", good, "", FlagPython, []string{"--python \"hcbench-no-such-python\"", "no such interpreter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvQMLHC, tt.env)
			s, err := Resolve(tt.python, tt.dir)
			if tt.flag == "" {
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if s.Python != py || s.Dir != good {
					t.Fatalf("Resolve = %+v, want python %s dir %s", s, py, good)
				}
				return
			}
			var se *SetupError
			if !errors.As(err, &se) {
				t.Fatalf("Resolve error %v (%T), want a *SetupError", err, err)
			}
			if se.Flag != tt.flag {
				t.Errorf("error names flag %q, want %q", se.Flag, tt.flag)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestResolveDefaultPython(t *testing.T) {
	py := fakeInterpreter(t)
	t.Setenv("PATH", filepath.Dir(py))
	s, err := Resolve("", checkout(t, "src/qmlhc/__init__.py", "examples/ex_benchmark_performance_demo.py"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Python != py {
		t.Errorf("default interpreter %q, want %s found in PATH", s.Python, py)
	}
}

func TestCommand(t *testing.T) {
	s := Setup{Python: "/opt/py/bin/python3", Dir: "/src/qml-hcs"}
	cmd := s.Command()
	want := []string{"/opt/py/bin/python3", "-B", "-c", script, "/src/qml-hcs"}
	if strings.Join(cmd.Args, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("args %q, want %q", cmd.Args, want)
	}
	if cmd.Path != s.Python {
		t.Errorf("path %q, want %q", cmd.Path, s.Python)
	}
	if !strings.Contains(script, "\nPROTOCOL = 1\n") {
		t.Error("the embedded worker does not declare protocol 1")
	}
	// Windows limits a whole command line to 32767 characters.
	if n := len(script); n > 30000 {
		t.Errorf("worker.py is %d bytes: too long to pass with -c on Windows", n)
	}
}

// CheckDir and FindPython are Resolve's parts for a form: their errors do
// not name a flag, the field does.
func TestCheckDirFindPython(t *testing.T) {
	if _, err := CheckDir(""); err == nil || strings.Contains(err.Error(), "--") {
		t.Errorf("CheckDir(\"\"): %v, want an error naming no flag", err)
	}
	good := checkout(t, "src/qmlhc/__init__.py", "examples/ex_benchmark_performance_demo.py")
	if abs, err := CheckDir(good); err != nil || abs != good {
		t.Errorf("CheckDir(checkout) = %q, %v", abs, err)
	}
	if _, err := CheckDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a qml-hcs checkout") || strings.Contains(err.Error(), "--qmlhc") {
		t.Errorf("CheckDir(empty dir): %v", err)
	}
	py := fakeInterpreter(t)
	if p, err := FindPython(py); err != nil || p != py {
		t.Errorf("FindPython(%s) = %q, %v", py, p, err)
	}
	if _, err := FindPython(filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "no such interpreter") || strings.Contains(err.Error(), "--python \"") {
		t.Errorf("FindPython(missing): %v", err)
	}
}
