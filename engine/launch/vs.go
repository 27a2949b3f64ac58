package launch

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/engine/sweep"
	"github.com/hcbench/hcbench/engine/worker"
)

// An A/B sweep's variant B (--vs) is variant A — the engine a, and the
// plan's policy — with a few overrides. This file decides who measures B
// and how the two are paired (sweep.Vs).

// ResolveVs checks v against A's engine and makes its paths absolute (so
// that a printed command works from any directory): a checkout must be a
// qml-hcs checkout, an interpreter must exist, a binary must be an
// executable file. Nothing is run. The error names the key.
func ResolveVs(a Spec, v bench.Variant) (bench.Variant, error) {
	if v.IsZero() {
		return v, nil
	}
	if err := v.Check(a.Name()); err != nil {
		return v, err
	}
	for _, f := range []struct {
		key   string
		p     *string
		check func(string) (string, error)
	}{{bench.VsQMLHC, &v.QMLHC, CheckQMLHC}, {bench.VsPython, &v.Python, FindPython}, {bench.VsBinary, &v.Binary, checkBinary}} {
		if *f.p == "" {
			continue
		}
		abs, err := f.check(*f.p)
		if err != nil {
			return v, fmt.Errorf("%s=%s: %w", f.key, *f.p, err)
		}
		*f.p = abs
	}
	b := SpecB(a, v)
	if b.Name() == bench.EnginePython && b.QMLHC == "" {
		if _, err := Resolve(b); err != nil {
			return v, fmt.Errorf("variant B (%s): %w", v, err)
		}
	}
	return v, nil
}

// checkBinary is path made absolute when it names an executable file.
func checkBinary(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	switch {
	case err != nil:
		return "", fmt.Errorf("no such file: give the path of another hcbench build")
	case fi.IsDir():
		return "", fmt.Errorf("a directory: give the path of another hcbench build")
	case fi.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("not executable: give the path of another hcbench build")
	}
	return abs, nil
}

// SpecB is variant B's engine: a's with v's overrides. A Python B keeps
// a's checkout and interpreter unless v names others.
func SpecB(a Spec, v bench.Variant) Spec {
	b := Spec{Engine: a.Name()}
	if v.Engine != "" {
		b.Engine = v.Engine
	}
	if b.Engine == bench.EnginePython {
		if a.Name() == bench.EnginePython {
			b.QMLHC, b.Python = a.QMLHC, a.Python
		}
		if v.QMLHC != "" {
			b.QMLHC = v.QMLHC
		}
		if v.Python != "" {
			b.Python = v.Python
		}
	}
	return b
}

// Pairing is how an A/B sweep pairs a with v (bench.PairRounds or
// bench.PairMeasurements; "" without v): round by round in one worker
// when one worker can hold both — the same engine and interpreter, B
// differing in its policy or (Python) its checkout — else measurement by
// measurement in two workers.
func Pairing(a Spec, v bench.Variant) string {
	if v.IsZero() {
		return ""
	}
	b := SpecB(a, v)
	if v.Binary != "" || b.Name() != a.Name() || b.Python != a.Python {
		return bench.PairMeasurements
	}
	return bench.PairRounds
}

// VsOptions are the sweep's Vs for plan p measured by a (nil when p has
// no --vs). a and p.Vs must be resolved.
func VsOptions(a Spec, p bench.Plan) *sweep.Vs {
	v := p.Vs
	if v.IsZero() {
		return nil
	}
	if Pairing(a, v) == bench.PairRounds {
		in := &worker.Vs{Policy: v.Policy}
		if b := SpecB(a, v); b.QMLHC != a.QMLHC {
			in.QMLHC = b.QMLHC
		}
		return &sweep.Vs{InWorker: in}
	}
	vs := &sweep.Vs{Policy: v.Policy}
	switch b := SpecB(a, v); {
	case v.Binary != "":
		path := v.Binary
		vs.Worker = func() (*exec.Cmd, error) { return worker.BinaryCommand(path), nil }
		vs.WorkerOptions = worker.Options{Name: "variant B worker (" + filepath.Base(path) + ")"}
	case b.Name() == bench.EnginePython:
		o := b.Options()
		vs.Worker, vs.WorkerOptions = o.Worker, o.WorkerOptions
		vs.WorkerOptions.Name = "variant B python worker"
	default:
		vs.Worker = worker.SelfCommand
		vs.WorkerOptions = worker.Options{Name: "variant B go worker"}
	}
	return vs
}

// ProbeVs starts the worker that will measure B and reads its handshake:
// B's own worker when the variants are paired across workers (a binary
// that speaks another protocol version is refused here), else A's, which
// must be able to measure two variants in one run. It returns one line
// saying what B is and how it is paired.
func ProbeVs(ctx context.Context, a Spec, p bench.Plan) (string, error) {
	vs := VsOptions(a, p)
	if vs == nil {
		return "", nil
	}
	if vs.InWorker != nil && a.Name() == bench.EngineGo {
		return fmt.Sprintf("A/B: variant B is --%s %s, paired round by round in one worker", bench.FlagVs, p.Vs), nil // this program's own worker
	}
	start, opt := vs.Worker, vs.WorkerOptions
	if vs.InWorker != nil {
		o := a.Options()
		start, opt = o.Worker, o.WorkerOptions
		if start == nil {
			start = worker.SelfCommand
		}
	}
	cmd, err := start()
	if err != nil {
		return "", fmt.Errorf("--%s %s: %w", bench.FlagVs, p.Vs, err)
	}
	c, err := worker.Start(ctx, cmd, opt)
	if err != nil {
		return "", fmt.Errorf("--%s %s: %w", bench.FlagVs, p.Vs, err)
	}
	h := c.Hello()
	if err := c.Close(); err != nil {
		return "", err
	}
	how := "paired round by round in one worker"
	if vs.InWorker == nil {
		how = "paired measurement by measurement in two workers"
	} else if !hasFeature(h, worker.FeatureVs) {
		return "", fmt.Errorf("--%s %s: the %s worker (%s) cannot measure two variants in one run: update it", bench.FlagVs, p.Vs, h.Engine, h.EngineVersion)
	}
	line := fmt.Sprintf("A/B: variant B is --%s %s, %s", bench.FlagVs, p.Vs, how)
	if vs.InWorker == nil {
		line += "; B's " + describe(h)
	}
	return line, nil
}

func hasFeature(h worker.Hello, f string) bool {
	for _, x := range h.Features {
		if x == f {
			return true
		}
	}
	return false
}
