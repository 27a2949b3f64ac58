package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/session"
)

// runCLI runs the command in-process with piped (non-terminal) streams.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb, testEnvironment())
	return code, out.String(), errb.String()
}

// testEnvironment is a process without terminals and signals, with the
// machine's memory budget (8 GiB where the OS does not tell).
func testEnvironment() environment {
	env := environment{}
	env.memory, env.memorySource = session.MemoryBudget()
	if env.memory == 0 {
		env.memory, env.memorySource = 8<<30, "the test's budget"
	}
	return env
}

// badInvocation is a command line that must be refused up front.
type badInvocation struct {
	name string
	args []string
	code int
	// each must appear in the one line on stderr: the flag, the value, and
	// a word of what is allowed.
	want []string
}

// badInvocations lists refused command lines; dir is a fresh directory in
// which nothing may be created. Each gets "-o dir/out" prepended, so a later
// -o in args wins.
func badInvocations(dir string) []badInvocation {
	file := filepath.Join(dir, "a-file")
	garbage := filepath.Join(dir, "garbage.jsonl")
	return []badInvocation{
		{"zero D", []string{"-D", "0"}, 2, []string{"--dims", `"0"`, "1..65536"}},
		{"negative T", []string{"-T", "-48"}, 2, []string{"--seq-len", `"-48"`, "1..16777216"}},
		{"non-integer K", []string{"--branches", "3,five"}, 2, []string{"--branches", `"five"`, "not an integer", "3..12"}},
		{"float D", []string{"-D", "1.5"}, 2, []string{"--dims", `"1.5"`, "not an integer"}},
		{"empty element", []string{"-D", "3,,6"}, 2, []string{"--dims", `"3,,6"`, "empty", "separated by commas"}},
		{"empty list", []string{"--depths="}, 2, []string{"--depths", `""`, "empty list"}},
		{"reversed range", []string{"-T", "96..48"}, 2, []string{"--seq-len", `"96..48"`, "below its start"}},
		{"zero step", []string{"-T", "48..96:0"}, 2, []string{"--seq-len", `"48..96:0"`, "at least 1"}},
		{"K=1", []string{"-K", "1"}, 2, []string{"--branches", `"1"`, "2..65536"}},
		{"K=1 in a range", []string{"-K", "1..3"}, 2, []string{"--branches", `"1..3"`, "K=1", "2..65536"}},
		{"overflow", []string{"-K", "99999999999999999999"}, 2, []string{"--branches", "99999999999999999999", "out of range"}},
		{"range too long", []string{"-T", "1..2000000"}, 2, []string{"--seq-len", "2000000 values", "at most 1000000"}},
		{"oversized grid", []string{"-D", "1..100", "-K", "2..101", "-T", "1..101"}, 2,
			[]string{"--dims", "--branches", "--seq-len", "100×100×101 configs", "at most 1000000"}},
		{"zero depth", []string{"--depths", "0,1"}, 2, []string{"--depths", `"0,1"`, "1..1024"}},
		{"zero repeats", []string{"--repeats", "0"}, 2, []string{"--repeats", `"0"`, "1..65536"}},
		{"non-integer repeats", []string{"--repeats", "3x"}, 2, []string{"--repeats", `"3x"`, "1..65536"}},
		{"negative seed", []string{"--seed", "-1"}, 2, []string{"--seed", `"-1"`, "0..18446744073709551615"}},
		{"bad policy", []string{"--policy", "fastest"}, 2, []string{"--policy", `"fastest"`, "mean, median, minrisk"}},
		{"min-time without unit", []string{"--min-time", "10"}, 2, []string{"--min-time", `"10"`, "10ms"}},
		{"negative min-time", []string{"--min-time", "-5ms"}, 2, []string{"--min-time", `"-5ms"`, "≥ 0"}},
		{"min-time too long", []string{"--min-time", "2h"}, 2, []string{"--min-time", `"2h"`, "1h"}},
		{"unknown flag", []string{"--fast"}, 2, []string{"--fast", "--help"}},
		{"unknown shorthand", []string{"-x"}, 2, []string{"'x'", "--help"}},
		{"missing value", []string{"--dims"}, 2, []string{"--dims", "argument"}},
		{"stray argument", []string{"run"}, 2, []string{`"run"`, "only flags"}},
		{"flag as value", []string{"-D", "--headless"}, 2, []string{"--dims", `"--headless"`, "not an integer"}},
		{"fail-on-regression without baseline", []string{"--fail-on-regression", "20"}, 2,
			[]string{"--fail-on-regression", "20", "--baseline"}},
		{"negative regression allowance", []string{"--fail-on-regression", "-1", "--baseline", garbage}, 2,
			[]string{"--fail-on-regression", `"-1"`, "≥ 0"}},
		{"missing baseline", []string{"--baseline", filepath.Join(dir, "missing.jsonl")}, 2,
			[]string{"--baseline", "missing.jsonl"}},
		{"baseline that does not parse", []string{"--baseline", garbage}, 2, []string{"--baseline", "garbage.jsonl"}},
		{"repeated axis flag", []string{"-D", "3", "-D", "6"}, 2, []string{"-D, --dims", `"6"`, "given twice", `"3"`}},
		{"T beyond int", []string{"-T", "99999999999999999999"}, 2, []string{"--seq-len", "out of range", "1..16777216"}},
		{"repeats beyond int", []string{"--repeats", "99999999999999999999"}, 2, []string{"--repeats", "out of range", "1..65536"}},
		{"regression allowance 1e400", []string{"--fail-on-regression", "1e400", "--baseline", garbage}, 2,
			[]string{"--fail-on-regression", `"1e400"`, "out of range"}},
		{"version junk", []string{"--version", "junk"}, 2, []string{`"junk"`, "--version"}},
		{"help junk", []string{"-h", "junk"}, 2, []string{`"junk"`, "--help"}},
		{"baseline is a FIFO or directory", []string{"--baseline", dir}, 2, []string{"--baseline", "a directory"}},
		{"config beyond the memory budget", []string{"-D", "65536", "-K", "65536", "-T", "1", "--repeats", "1", "--depths", "1"}, 2,
			[]string{"D=65536 K=65536 T=1", "needs", "bytes", "budget"}},
		{"config beyond --max-memory", []string{"-D", "3", "-K", "3", "-T", "48", "--max-memory", "1K"}, 2,
			[]string{"D=3 K=3 T=48", "needs", "1.0 KiB (1024 bytes", "--max-memory"}},
		{"bad --max-memory", []string{"--max-memory", "lots"}, 2, []string{"--max-memory", `"lots"`, "512M"}},
		{"dangling symlink as out", []string{"-o", filepath.Join(dir, "dangling")}, 1, []string{"dangling", "symlink", "does not exist"}},
		{"symlink loop as out", []string{"-o", filepath.Join(dir, "loop")}, 1, []string{"loop", "symlink"}},
		{"empty out", []string{"-o", ""}, 2, []string{"--out", `""`, "directory"}},
		{"out is a file", []string{"-o", file}, 1, []string{"--out", file, "not a directory"}},
		{"out below a file", []string{"-o", filepath.Join(file, "sub")}, 1, []string{"--out", file, "not a directory"}},
	}
}

// writeBadFixtures creates the files badInvocations refers to.
func writeBadFixtures(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "a-file"), []byte("not a directory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "garbage.jsonl"), []byte("this is { not json\nnor this\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink(filepath.Join(dir, "loop"), filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
}

// checkRefusal checks one refused invocation's outcome.
func checkRefusal(t *testing.T, tc badInvocation, code int, stdout, stderr string, out string) {
	t.Helper()
	if code != tc.code {
		t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout not empty: %q", stdout)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not exactly one line: %q", stderr)
	}
	if !strings.HasPrefix(stderr, "hcbench: ") {
		t.Errorf("stderr does not start with the program name: %q", stderr)
	}
	for _, w := range tc.want {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not mention %q", stderr, w)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("output directory %s was created (stat: %v)", out, err)
	}
}

func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	writeBadFixtures(t, dir)
	for _, tc := range badInvocations(dir) {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out")
			code, stdout, stderr := runCLI(t, append([]string{"-o", out}, tc.args...)...)
			checkRefusal(t, tc, code, stdout, stderr, out)
			if fi, err := os.Stat(filepath.Join(dir, "a-file")); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("a-file was disturbed: %v", err)
			}
		})
	}
	if n := len(badInvocations(dir)); n < 15 {
		t.Errorf("only %d bad invocations", n)
	}
}

func TestParseArgsDefaults(t *testing.T) {
	env := environment{memory: 1 << 30, memorySource: "the test's budget"}
	o, err := parseArgs(nil, env)
	if err != nil {
		t.Fatal(err)
	}
	s := o.spec
	want := bench.DefaultPlan()
	want.Engine = bench.EngineGo
	if !reflect.DeepEqual(s.Plan, want) {
		t.Errorf("plan = %+v, want the default plan", s.Plan)
	}
	if s.Plan.EngineName() != bench.EngineGo || s.Engine.Name() != bench.EngineGo || s.PlanGiven || s.EngineGiven ||
		s.Out != ".benchmarks" || s.Resume || s.Baseline != "" || s.MaxMemory != 1<<30 || s.MemorySource != "the test's budget" ||
		s.Version == "" || o.headless || o.startNow || o.gate {
		t.Errorf("defaults = %+v", o)
	}
	def := bench.DefaultPlan()
	if def.Timing.MinTime != 10*time.Millisecond || def.Timing.MinEpochs != 5 {
		t.Errorf("engine's default timing %+v differs from the README's (10ms, ≥ 5 epochs)", def.Timing)
	}
}

func TestParseArgsAll(t *testing.T) {
	o, err := parseArgs([]string{"-D", "2,5..9:2", "-K=2..4", "--seq-len", "48..192:48", "--depths", "1,3",
		"--repeats", "2", "--seed", "7", "-o", "res", "--min-time", "1.5ms", "--policy", "minrisk", "--engine", "go",
		"--headless", "--run", "--resume", "--baseline", "b.jsonl", "--fail-on-regression", "12.5%", "--max-memory", "2G"}, environment{})
	if err != nil {
		t.Fatal(err)
	}
	s := o.spec
	p := s.Plan
	if !slices.Equal(p.Grid.Dims, []int{2, 5, 7, 9}) || !slices.Equal(p.Grid.Branches, []int{2, 3, 4}) ||
		!slices.Equal(p.Grid.SeqLens, []int{48, 96, 144, 192}) || !slices.Equal(p.Depths, []int{1, 3}) ||
		p.Repeats != 2 || p.Seed != 7 || p.Policy != "minrisk" || p.Timing.MinTime != 1500*time.Microsecond {
		t.Errorf("plan = %+v", p)
	}
	if s.Out != "res" || !o.headless || !o.startNow || !s.Resume || s.Baseline != "b.jsonl" || !s.PlanGiven || !s.EngineGiven ||
		!o.gate || o.pct != 12.5 || s.MaxMemory != 2<<30 || s.MemorySource != "--max-memory" {
		t.Errorf("options = %+v", o)
	}
}

// TestHelpDefaults: the help text, a file of its own, states the defaults
// the flags really have.
func TestHelpDefaults(t *testing.T) {
	def := bench.DefaultPlan()
	for _, w := range []string{
		"--dims LIST", "(default " + bench.FormatList(def.Grid.Dims) + ")",
		"--branches LIST", "(default " + bench.FormatList(def.Grid.Branches) + ")",
		"--seq-len LIST", "(default " + bench.FormatList(def.Grid.SeqLens) + ")",
		"(default " + bench.FormatList(def.Depths) + ")",
		fmt.Sprintf("(default %d)", def.Repeats), fmt.Sprintf("(default %d)", def.Seed),
		fmt.Sprintf("at least %d epochs (default %v)", def.Timing.MinEpochs, def.Timing.MinTime),
		strings.Join(bench.Policies, ", ") + " (default " + def.Policy + ")",
		"(default " + session.DefaultOut + ")", fmt.Sprintf("at most %d configs", bench.MaxConfigs),
		"--engine", "--qmlhc", "--python", "--max-memory", "5 and 5% alike",
	} {
		if !strings.Contains(usage, w) {
			t.Errorf("--help lacks %q", w)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"--help", "-K", "1"}} {
		code, stdout, stderr := runCLI(t, args...)
		if code != 0 || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
		for _, w := range []string{"Usage:", "Examples:", "--dims", "--branches", "--seq-len", "--depths",
			"--repeats", "--seed", "--out", "--min-time", "--policy", "--headless", "--run", "--resume",
			"--baseline", "--fail-on-regression", "--version", "3..12:3", "Exit status",
			"--max-memory", "NO_COLOR", "TERM=dumb", "p pause", "e edit", "q quit"} {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: help lacks %q", args, w)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "--version")
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "hcbench ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestDeepOutRefusedWithoutTrace: an -o path too long to create is refused
// with one line, and the directories that could be created are removed.
func TestDeepOutRefusedWithoutTrace(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "top", strings.Repeat("a/", 3000))
	code, stdout, stderr := runCLI(t, "--headless", "-o", deep, "-D", "3", "-K", "2", "-T", "8")
	if code != exitError || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "too long") {
		t.Errorf("exit %d, stderr %q; want 1 and one line saying the path is too long", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(dir, "top")); !os.IsNotExist(err) {
		t.Errorf("directories were left behind (%v)", err)
	}
}
