package bench

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestParseVariant(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Variant
		err  string // a word the error must hold
	}{
		{in: "policy=minrisk", want: Variant{Policy: "minrisk"}},
		{in: "engine=go", want: Variant{Engine: "go"}},
		{in: " qmlhc = ../b , python=/usr/bin/python3", want: Variant{QMLHC: "../b", Python: "/usr/bin/python3"}},
		{in: "binary=./old/hcbench,policy=median", want: Variant{Binary: "./old/hcbench", Policy: "median"}},
		{in: "", err: "KEY=VALUE"},
		{in: "policy", err: "not KEY=VALUE"},
		{in: "speed=fast", err: `unknown key "speed"`},
		{in: "policy=", err: "no value"},
		{in: "policy=mean,policy=median", err: "twice"},
		{in: "engine=rust", err: "engine=rust"},
		{in: "policy=fastest", err: "policy=fastest"},
	} {
		got, err := ParseVariant(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseVariant(%q) = %+v, %v; want an error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseVariant(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if back, err := ParseVariant(got.String()); err != nil || back != got {
			t.Errorf("%q: String() %q reads back as %+v, %v", tc.in, got.String(), back, err)
		}
	}
}

func TestVariantCheck(t *testing.T) {
	for _, tc := range []struct {
		v       Variant
		engineA string
		err     string
	}{
		{Variant{Policy: "median"}, EngineGo, ""},
		{Variant{QMLHC: "/b"}, EnginePython, ""},
		{Variant{QMLHC: "/b"}, EngineGo, "engine=python"},
		{Variant{Engine: "python", QMLHC: "/b"}, EngineGo, ""},
		{Variant{Binary: "/x"}, EnginePython, "Go engine"},
		{Variant{Engine: "go", Binary: "/x"}, EnginePython, ""},
		{Variant{Binary: "/x,y"}, EngineGo, "comma"},
	} {
		err := tc.v.Check(tc.engineA)
		if (tc.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v.Check(%s) = %v; want %q", tc.v, tc.engineA, err, tc.err)
		}
	}
}

// --vs and --same-within read back from Args as the same plan; a margin
// without --vs, or out of range, is refused naming the flag.
func TestVsFlags(t *testing.T) {
	parse := func(args ...string) (Plan, error) {
		fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
		var f PlanFlags
		f.Register(fs)
		if err := fs.Parse(args); err != nil {
			return Plan{}, err
		}
		return f.Plan()
	}
	p, err := parse("-D", "3", "--vs", "policy=median,engine=go", "--same-within", "1.5")
	if err != nil {
		t.Fatal(err)
	}
	if p.Vs != (Variant{Engine: "go", Policy: "median"}) || p.SameWithin != 1.5 || p.Margin() != 1.5 {
		t.Fatalf("plan %+v", p)
	}
	back, err := parse(Args(p)...)
	if err != nil || back.Vs != p.Vs || back.SameWithin != p.SameWithin {
		t.Errorf("Args %q read back as %+v, %v", Args(p), back, err)
	}
	if DefaultPlan().Margin() != DefaultSameWithin {
		t.Errorf("default margin %g", DefaultPlan().Margin())
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--same-within", "2"}, "give --vs too"},
		{[]string{"--vs", "policy=mean", "--same-within", "0"}, `--same-within "0"`},
		{[]string{"--vs", "policy=mean", "--same-within", "x"}, "not a number"},
		{[]string{"--vs", "nope"}, `--vs "nope"`},
	} {
		if _, err := parse(tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want %q", tc.args, err, tc.want)
		}
	}
}

func FuzzParseVariant(f *testing.F) {
	for _, s := range []string{"policy=minrisk", "qmlhc=../b,python=py", "binary=./x", "=", ",", "engine=go,engine=go"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVariant(s)
		if err != nil {
			return
		}
		if v.IsZero() {
			t.Fatalf("%q parsed to no override", s)
		}
		if v.Check(EngineGo) == nil || v.Check(EnginePython) == nil {
			if back, err := ParseVariant(v.String()); err != nil || back != v {
				t.Fatalf("%q → %+v → %q → %+v, %v", s, v, v.String(), back, err)
			}
		}
	})
}
