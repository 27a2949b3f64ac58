package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/pyworker/pyworkertest"
	"github.com/hcbench/hcbench/report/session"
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
			o, err := parseArgs(tt.args, environment{})
			if tt.engine != "" {
				if err != nil {
					t.Fatalf("parseArgs: %v", err)
				}
				if o.spec.Engine.Name() != tt.engine || o.spec.Plan.EngineName() != tt.engine {
					t.Errorf("engine %q (plan %q), want %q", o.spec.Engine.Name(), o.spec.Plan.EngineName(), tt.engine)
				}
				if o.spec.EngineGiven != slices.Contains(tt.args, "--engine") {
					t.Errorf("EngineGiven %v for %v", o.spec.EngineGiven, tt.args)
				}
				if py := tt.engine == bench.EnginePython; py && (!filepath.IsAbs(o.spec.Engine.QMLHC) || !filepath.IsAbs(o.spec.Engine.Python)) {
					t.Errorf("python engine %+v: want absolute paths, for commands that work from anywhere", o.spec.Engine)
				}
				return
			}
			var ue *session.UsageError
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
