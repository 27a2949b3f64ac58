package launch

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
)

func TestPairing(t *testing.T) {
	goA := Spec{Engine: bench.EngineGo}
	pyA := Spec{Engine: bench.EnginePython, QMLHC: "/a", Python: "/usr/bin/python3"}
	for _, tc := range []struct {
		a    Spec
		v    bench.Variant
		want string
	}{
		{goA, bench.Variant{}, ""},
		{goA, bench.Variant{Policy: "minrisk"}, bench.PairRounds},
		{goA, bench.Variant{Engine: "go", Policy: "median"}, bench.PairRounds},
		{goA, bench.Variant{Binary: "/old/hcbench"}, bench.PairMeasurements},
		{goA, bench.Variant{Engine: "python", QMLHC: "/a"}, bench.PairMeasurements},
		{pyA, bench.Variant{QMLHC: "/b"}, bench.PairRounds},
		{pyA, bench.Variant{QMLHC: "/b", Policy: "median"}, bench.PairRounds},
		{pyA, bench.Variant{Python: "/opt/python3.12"}, bench.PairMeasurements},
		{pyA, bench.Variant{Engine: "go"}, bench.PairMeasurements},
	} {
		if got := Pairing(tc.a, tc.v); got != tc.want {
			t.Errorf("A %+v, --vs %s: pairing %q, want %q", tc.a, tc.v, got, tc.want)
		}
	}
	if b := SpecB(pyA, bench.Variant{QMLHC: "/b"}); b != (Spec{Engine: bench.EnginePython, QMLHC: "/b", Python: pyA.Python}) {
		t.Errorf("SpecB %+v", b)
	}
	if b := SpecB(goA, bench.Variant{Engine: "python", QMLHC: "/b"}); b.Python != "" || b.QMLHC != "/b" {
		t.Errorf("SpecB of a Go A: %+v", b)
	}
	// One worker: the overrides go with every request; two: B's own workers.
	p := bench.DefaultPlan()
	if VsOptions(goA, p) != nil {
		t.Error("no --vs, yet sweep options for B")
	}
	p.Vs = bench.Variant{Policy: "median"}
	if vs := VsOptions(goA, p); vs == nil || vs.InWorker == nil || vs.InWorker.Policy != "median" || vs.InWorker.QMLHC != "" {
		t.Errorf("policy: %+v", vs)
	}
	p.Vs = bench.Variant{QMLHC: "/b"}
	if vs := VsOptions(pyA, p); vs == nil || vs.InWorker == nil || vs.InWorker.QMLHC != "/b" {
		t.Errorf("another checkout: %+v", vs)
	}
	p.Vs = bench.Variant{Binary: "/old/hcbench", Policy: "minrisk"}
	vs := VsOptions(goA, p)
	if vs == nil || vs.InWorker != nil || vs.Worker == nil || vs.Policy != "minrisk" || !strings.Contains(vs.WorkerOptions.Name, "hcbench") {
		t.Fatalf("binary: %+v", vs)
	}
	if cmd, err := vs.Worker(); err != nil || cmd.Path != "/old/hcbench" || !strings.Contains(strings.Join(cmd.Env, " "), "HCBENCH_WORKER=go") {
		t.Errorf("binary worker: %v, %v", cmd, err)
	}
}

// Paths are checked and made absolute before anything runs; each refusal
// names the key.
func TestResolveVs(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "hcbench")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	v, err := ResolveVs(Spec{}, bench.Variant{Binary: "hcbench"})
	if err != nil || v.Binary != exe {
		t.Errorf("binary=hcbench: %+v, %v; want %s", v, err, exe)
	}
	for _, tc := range []struct {
		a    Spec
		v    bench.Variant
		want string
	}{
		{Spec{}, bench.Variant{Binary: "missing"}, "binary=missing: no such file"},
		{Spec{}, bench.Variant{Binary: dir}, "a directory"},
		{Spec{}, bench.Variant{QMLHC: dir}, "engine=python"},
		{Spec{Engine: bench.EnginePython, QMLHC: dir}, bench.Variant{QMLHC: dir}, "qmlhc=" + dir},
	} {
		if runtime.GOOS == "windows" {
			break
		}
		if _, err := ResolveVs(tc.a, tc.v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v; want %q", tc.v, err, tc.want)
		}
	}
	if _, err := ResolveVs(Spec{}, bench.Variant{Binary: plain}); err == nil || !strings.Contains(err.Error(), "not executable") {
		t.Errorf("a plain file: %v", err)
	}
}

// ProbeVs refuses, before anything is measured, a binary that speaks
// another protocol version and a worker that cannot hold two variants.
func TestProbeVs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in binary is a shell script")
	}
	dir := t.TempDir()
	other := filepath.Join(dir, "hcbench-v2")
	script := "#!/bin/sh\necho '{\"type\":\"hello\",\"protocol\":2,\"engine\":\"go\",\"engine_version\":\"v9\"}'\ncat >/dev/null\n"
	if err := os.WriteFile(other, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p := bench.DefaultPlan()
	p.Vs = bench.Variant{Binary: other}
	if _, err := ProbeVs(context.Background(), Spec{}, p); err == nil || !strings.Contains(err.Error(), "protocol") {
		t.Errorf("a binary of protocol 2: %v", err)
	}
	p.Vs = bench.Variant{Policy: "median"}
	if line, err := ProbeVs(context.Background(), Spec{}, p); err != nil || !strings.Contains(line, "round by round in one worker") {
		t.Errorf("Go, another policy: %q, %v", line, err)
	}
	// The stand-in Python worker offers no "vs": it cannot hold two variants.
	t.Setenv("FAKE_PYTHON_MODE", "ok")
	t.Setenv("FAKE_PYTHON_PIDS", t.TempDir())
	a, err := Resolve(Spec{Engine: bench.EnginePython, QMLHC: pyworkertest.Checkout(t), Python: pyworkertest.FakePython(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ProbeVs(context.Background(), a, p); err == nil || !strings.Contains(err.Error(), "cannot measure two variants") {
		t.Errorf("a worker without the vs feature: %v", err)
	}
	p.Vs = bench.Variant{Engine: bench.EngineGo, Binary: other}
	if _, err := ProbeVs(context.Background(), a, p); err == nil || !strings.Contains(err.Error(), "protocol") {
		t.Errorf("python A, a binary of protocol 2 as B: %v", err)
	}
}
