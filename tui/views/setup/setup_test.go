package setup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/session"
	"github.com/hcbench/hcbench/tui/widgets/theme"
)

// The output directory is checked as typed, without creating anything,
// and "~" is the home directory.
func TestOutDirChecked(t *testing.T) {
	work := t.TempDir()
	file := filepath.Join(work, "afile")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	check := checkOutDirIn(work)
	for _, c := range []struct{ in, want string }{
		{"", "give a directory"},
		{"afile", "is a file, not a directory"},
		{"afile/sub", "is a file: afile/sub cannot be made under it"},
		{"new/deeper", ""},
		{"~/somewhere", ""},
	} {
		err := check(c.in)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("check(%q) = %v, want %q", c.in, err, c.want)
		}
	}
	if os.Geteuid() != 0 { // root may write anywhere
		ro := filepath.Join(work, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		if err := check("ro/out"); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Errorf("unwritable parent: %v", err)
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip("no home directory")
	}
	if got := ExpandHome("~/hcbtest"); got != filepath.Join(home, "hcbtest") {
		t.Errorf("ExpandHome(~/hcbtest) = %q", got)
	}
	if got := ExpandHome("a~/b"); got != "a~/b" {
		t.Errorf("ExpandHome(a~/b) = %q", got)
	}

}

// The form carries an A/B sweep's --vs: prefilled from the run it starts
// from, read back into the plan, checked as the flag is.
func TestFormVs(t *testing.T) {
	spec := session.Spec{Plan: bench.DefaultPlan(), Out: t.TempDir()}
	spec.Plan.Vs = bench.Variant{Policy: "minrisk"}
	m := New(spec, theme.New())
	got, err := m.Spec()
	if err != nil || got.Plan.Vs != spec.Plan.Vs {
		t.Fatalf("Spec: %+v, %v; want --vs policy=minrisk kept", got.Plan.Vs, err)
	}
	if v := m.form.Value("vs"); v != "policy=minrisk" {
		t.Errorf("the vs field reads %q", v)
	}
	for _, c := range []struct{ in, want string }{{"", ""}, {"policy=median", ""}, {"speed=fast", `unknown key "speed"`}} {
		err := checkVs(c.in)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("checkVs(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}
