package bench_test

import (
	"bufio"
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The module's layering (docs/architecture.md), checked on the source: the
// imports of every Go file of the module, read with go/parser. It lives
// here because engine/bench is at the bottom of everything it checks.

// floors are the module's packages from the lowest floor up, by path
// relative to the module ("x/..." is x and everything under it; the longest
// pattern that matches names a package's floor). A package's non-test
// files import module packages of lower floors only.
var floors = [][]string{
	{"engine/stats", "engine/npyrand", "engine/hc", "engine/worker"},
	{"engine/bench"},
	{"engine/measure", "engine/pyworker/..."},
	{"engine/sweep"},
	{"engine/launch", "engine/shard"},
	{"report/internal/...", "report/slurm", "report/k8s"},
	{"report/internal/fsys/fsystest"},
	{"report/store"},
	{"report/store/storetest"},
	{"report/compare", "report/shards"},
	{"report", "report/shardstatus"},
	{"report/session"},
	{"report/console", "report/merge"},
	{"report/cluster"},
	{"tui/widgets/..."},
	{"tui/views/..."},
	{"tui"},
	{"cmd/..."},
	{"scripts/..."}, // tools for maintainers, built with go run
}

// areas: a package's files, its tests' too, import nothing from the areas
// above its own.
var areas = []string{"engine", "report", "tui", "cmd"}

// onlyImporters: outside tests, the package is imported by these only.
var onlyImporters = []struct {
	pkg, why string
	by       []string
}{
	{"engine/worker", "the protocol: its client is the sweep's, its server the Go worker's, choosing a worker is launch's",
		[]string{"engine/sweep", "engine/measure", "engine/launch"}},
	{"engine/pyworker", "choosing and starting an engine is launch's",
		[]string{"engine/launch"}},
}

type goFile struct {
	path    string // relative to the module root, slash-separated
	pkg     string // the package's path relative to the module root
	test    bool
	imports []string // module packages, relative to the module root
}

// moduleFiles reads the imports of every Go file of the module (testdata,
// hidden and underscore directories aside).
func moduleFiles(t *testing.T) []goFile {
	t.Helper()
	root, mod := moduleRoot(t)
	var files []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		gf := goFile{path: filepath.ToSlash(rel), pkg: filepath.ToSlash(filepath.Dir(rel)), test: strings.HasSuffix(name, "_test.go")}
		for _, im := range f.Imports {
			p, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				return err
			}
			if dep, ok := strings.CutPrefix(p, mod+"/"); ok {
				gf.imports = append(gf.imports, dep)
			}
		}
		files = append(files, gf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// moduleRoot walks up from the test's directory to go.mod and returns its
// directory and the module path.
func moduleRoot(t *testing.T) (dir, module string) {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		f, err := os.Open(filepath.Join(dir, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if m, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return dir, strings.Trim(strings.TrimSpace(m), `"`)
				}
			}
			t.Fatalf("%s has no module line", f.Name())
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// floorOf is the floor of pkg, or -1 when no pattern matches it.
func floorOf(pkg string) int {
	best, floor := -1, -1
	for i, pats := range floors {
		for _, p := range pats {
			if n, ok := matches(p, pkg); ok && n > best {
				best, floor = n, i
			}
		}
	}
	return floor
}

// matches reports whether pattern p names pkg, and how specific it is.
func matches(p, pkg string) (int, bool) {
	if base, ok := strings.CutSuffix(p, "/..."); ok {
		return len(base), pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return len(p) + 1, pkg == p
}

// area is the top directory of pkg.
func area(pkg string) string {
	a, _, _ := strings.Cut(pkg, "/")
	return a
}

func TestLayering(t *testing.T) {
	files := moduleFiles(t)
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.pkg] = true
	}
	for _, p := range []string{"engine/bench", "engine/sweep", "engine/worker"} {
		if !seen[p] {
			t.Fatalf("package %s not found: the walk is wrong", p)
		}
	}
	for _, f := range files {
		if f.pkg == "." {
			t.Errorf("%s: the module root holds no package", f.path)
			continue
		}
		floor := floorOf(f.pkg)
		if floor < 0 {
			t.Errorf("%s: package %s has no floor: add it to floors here and to docs/architecture.md", f.path, f.pkg)
			continue
		}
		at := slices.Index(areas, area(f.pkg))
		for _, dep := range f.imports {
			if dep == f.pkg {
				continue
			}
			if da := slices.Index(areas, area(dep)); at >= 0 && da > at {
				t.Errorf("%s imports %s: %s/ is below %s/", f.path, dep, area(f.pkg), area(dep))
				continue
			}
			if f.test {
				continue
			}
			if df := floorOf(dep); df >= floor {
				t.Errorf("%s imports %s: a package imports lower floors only (%s is on floor %d, %s on %d)",
					f.path, dep, f.pkg, floor, dep, df)
			}
			for _, o := range onlyImporters {
				if dep == o.pkg && !slices.Contains(o.by, f.pkg) {
					t.Errorf("%s imports %s: only %s may (%s)", f.path, dep, strings.Join(o.by, ", "), o.why)
				}
			}
		}
	}
}

// TestLayeringRules checks where the checker puts packages.
func TestLayeringRules(t *testing.T) {
	for _, tc := range []struct {
		pkg      string
		floor    int
		areaName string
	}{
		{"engine/stats", 0, "engine"},
		{"engine/pyworker", 2, "engine"},
		{"engine/pyworker/pyworkertest", 2, "engine"},
		{"report", 10, "report"},
		{"report/internal/fsys", 5, "report"},
		{"report/internal/fsys/fsystest", 6, "report"},
		{"tui/views/run", 15, "tui"},
		{"tui", 16, "tui"},
		{"cmd/hcbench", 17, "cmd"},
		{"scripts/tool", 18, "scripts"},
		{"report/store/storetest", 8, "report"},
		{"docs/tool", -1, "docs"},
	} {
		if got := floorOf(tc.pkg); got != tc.floor {
			t.Errorf("floorOf(%s) = %d, want %d", tc.pkg, got, tc.floor)
		}
		if got := area(tc.pkg); got != tc.areaName {
			t.Errorf("area(%s) = %s, want %s", tc.pkg, got, tc.areaName)
		}
	}
}
