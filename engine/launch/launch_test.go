package launch

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
)

// Probe reads a worker's handshake and describes it; a worker that
// refuses (no numpy) is its error. The Go engine has nothing to probe.
func TestProbe(t *testing.T) {
	py := pyworkertest.FakePython(t)
	for _, tt := range []struct{ mode, want string }{{"ok", ""}, {"nonumpy", "numpy is not installed"}} {
		t.Run(tt.mode, func(t *testing.T) {
			t.Setenv("FAKE_PYTHON_MODE", tt.mode)
			t.Setenv("FAKE_PYTHON_PIDS", t.TempDir())
			s, err := Resolve(Spec{Engine: bench.EnginePython, QMLHC: pyworkertest.Checkout(t), Python: py})
			if err != nil {
				t.Fatal(err)
			}
			if name := s.Options().WorkerOptions.Name; name != "python worker" {
				t.Errorf("worker name %q", name)
			}
			line, err := Probe(context.Background(), s)
			if tt.want == "" {
				if err != nil || !strings.Contains(line, "engine: python — qml-hcs 0.1.0+fake at "+s.QMLHC) {
					t.Errorf("probe: %q, %v", line, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("probe: %v, want %q", err, tt.want)
			}
		})
	}
	if line, err := Probe(context.Background(), Spec{}); line != "" || err != nil {
		t.Errorf("the Go engine probed: %q, %v", line, err)
	}
}

// A resolved spec's Args name absolute paths and read back as the spec;
// SpecOf recovers it from what the python worker records.
func TestSpecArgsAndSpecOf(t *testing.T) {
	py := pyworkertest.FakePython(t)
	dir := pyworkertest.Checkout(t)
	s, err := Resolve(Spec{Engine: bench.EnginePython, QMLHC: dir, Python: py})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"--engine", "python", "--qmlhc", s.QMLHC, "--python", s.Python}
	if got := s.Args(); !slices.Equal(got, want) {
		t.Errorf("Args = %q, want %q", got, want)
	}
	if got := (Spec{}).Args(); got != nil {
		t.Errorf("the Go engine's Args = %q, want none", got)
	}
	r := bench.Result{Engine: bench.EnginePython, EngineDetails: map[string]string{"qmlhc_dir": s.QMLHC, "python_executable": s.Python}}
	if got := SpecOf(r); got != s {
		t.Errorf("SpecOf = %+v, want %+v", got, s)
	}
	if got := SpecOf(bench.Result{Engine: "go"}); got.Name() != bench.EngineGo {
		t.Errorf("SpecOf a Go record = %+v", got)
	}
}
