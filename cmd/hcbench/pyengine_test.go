package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
	"github.com/hcbench/hcbench/engine/worker"
)

// qmlhcCheckout makes a directory that passes --qmlhc's checks.
var qmlhcCheckout = pyworkertest.Checkout

func TestEngineFlags(t *testing.T) {
	good := qmlhcCheckout(t)
	self, err := os.Executable() // any executable stands in for python here
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name   string
		args   []string
		env    string // QMLHC_PATH
		engine string // "" means refused
		want   []string
	}{
		{"default", nil, "", bench.EngineGo, nil},
		{"go", []string{"--engine", "go"}, good, bench.EngineGo, nil},
		{"python", []string{"--engine", "python", "--qmlhc", good, "--python", self}, "", bench.EnginePython, nil},
		{"python from QMLHC_PATH", []string{"--engine", "python", "--python", self}, good, bench.EnginePython, nil},
		{"unknown engine", []string{"--engine", "rust"}, "", "", []string{`--engine "rust"`, "go, python"}},
		{"engine twice", []string{"--engine", "python", "--engine", "go"}, "", "", []string{"given twice"}},
		{"qmlhc without python engine", []string{"--qmlhc", good}, "", "", []string{"--qmlhc is for --engine python"}},
		{"python without python engine", []string{"--python", self}, "", "", []string{"--python is for --engine python"}},
		{"no checkout", []string{"--engine", "python", "--python", self}, "", "", []string{"--qmlhc", "QMLHC_PATH"}},
		{"checkout missing", []string{"--engine", "python", "--qmlhc", missing, "--python", self}, "", "", []string{"--qmlhc", missing, "no such directory"}},
		{"not a checkout", []string{"--engine", "python", "--qmlhc", t.TempDir(), "--python", self}, "", "", []string{"not a qml-hcs checkout", "src/qmlhc/__init__.py"}},
		{"bad QMLHC_PATH", []string{"--engine", "python", "--python", self}, missing, "", []string{"QMLHC_PATH=", "no such directory"}},
		{"no interpreter", []string{"--engine", "python", "--qmlhc", good, "--python", missing}, "", "", []string{"--python", missing, "no such interpreter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("QMLHC_PATH", tt.env)
			o, err := parseArgs(tt.args)
			if tt.engine != "" {
				if err != nil {
					t.Fatalf("parseArgs: %v", err)
				}
				if o.plan.EngineName() != tt.engine {
					t.Errorf("engine %q, want %q", o.plan.EngineName(), tt.engine)
				}
				if (o.workers.Worker != nil) != (tt.engine == bench.EnginePython) {
					t.Errorf("worker command set: %v, want it only for python", o.workers.Worker != nil)
				}
				return
			}
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v, want a usage error (exit 2)", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestCheckResumedEngine(t *testing.T) {
	py := &options{plan: bench.Plan{Engine: bench.EnginePython}}
	goRun := bench.Plan{}
	if err := checkResumedEngine(true, goRun, py); err == nil || !strings.Contains(err.Error(), "--engine go") {
		t.Errorf("resuming a Go run with --engine python: %v, want a refusal naming --engine go", err)
	}
	if err := checkResumedEngine(true, bench.Plan{Engine: bench.EnginePython}, py); err != nil {
		t.Errorf("resuming a python run with --engine python: %v", err)
	}
	if err := checkResumedEngine(false, goRun, py); err != nil {
		t.Errorf("a new run: %v", err)
	}
}

func TestDescribeEngine(t *testing.T) {
	tests := []struct {
		h    worker.Hello
		want string
	}{
		{worker.Hello{Engine: "python", EngineVersion: "0.1.0+0b51d0b64d61", Details: map[string]string{
			"qmlhc_dir": "/src/qml-hcs", "python": "3.11.2", "python_executable": "/usr/bin/python3", "numpy": "1.24.2"}},
			"engine: python — qml-hcs 0.1.0+0b51d0b64d61 at /src/qml-hcs, Python 3.11.2 (/usr/bin/python3), numpy 1.24.2"},
		{worker.Hello{Engine: "python", EngineVersion: "0.1.0", Details: map[string]string{"python": "3.12.1"}},
			"engine: python — qml-hcs 0.1.0, Python 3.12.1"},
		{worker.Hello{Engine: "go", EngineVersion: "v1.2.0"}, "engine: go v1.2.0"},
	}
	for _, tt := range tests {
		if got := describeEngine(tt.h); got != tt.want {
			t.Errorf("describeEngine(%+v)\n got %q\nwant %q", tt.h, got, tt.want)
		}
	}
}
