package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

func TestFigures(t *testing.T) {
	one := fixtureResults()[:1]
	noCI := fixtureResults()
	for i := range noCI {
		noCI[i].TimeEpochCILow, noCI[i].TimeEpochCIHigh = math.NaN(), math.NaN()
	}
	unfinished := append(fixtureResults()[:3], bench.Result{Config: bench.Config{D: 9, K: 2, T: 1}, TimeEpochMean: math.NaN()})
	for _, tc := range []struct {
		name                   string
		results                []bench.Result
		timesW, timesH         int
		scalingW, scalingH     int
		minColours             int // distinct colours at least (the heatmap's palette shows many)
		minInkTimes, minInkMap float64
	}{
		{"reference grid", fixtureResults(), 1500, 600, 900, 600, 200, 0.02, 0.5},
		{"one config", one, 1500, 600, 900, 600, 50, 0.005, 0.5},
		{"no intervals", noCI, 1500, 600, 900, 600, 200, 0.01, 0.5},
		{"unfinished config left out", unfinished, 1500, 600, 900, 600, 100, 0.01, 0.5},
		{"nothing finished", nil, 1500, 600, 900, 600, 10, 0.001, 0.001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := store.PathsFor(t.TempDir())
			if err := writeFigures(fsys.OS{}, p, tc.results); err != nil {
				t.Fatal(err)
			}
			checkPNG(t, p.TimesPNG, tc.timesW, tc.timesH, 10, tc.minInkTimes)
			checkPNG(t, p.ScalingPNG, tc.scalingW, tc.scalingH, tc.minColours, tc.minInkMap)
			checkSVG(t, p.TimesSVG)
			checkSVG(t, p.ScalingSVG)
		})
	}
}

// TestFigureSizeGrows checks that a large grid gets a larger picture rather
// than overlapping labels.
func TestFigureSizeGrows(t *testing.T) {
	var rs []bench.Result
	for d := 1; d <= 8; d++ {
		for k := 2; k <= 17; k++ {
			rs = append(rs, bench.Result{Config: bench.Config{D: d, K: k, T: 64}, TimeEpochMean: 1e-6 * float64(d*k)})
		}
	}
	p := store.PathsFor(t.TempDir())
	if err := writeFigures(fsys.OS{}, p, rs); err != nil {
		t.Fatal(err)
	}
	tw, _ := pngSize(t, p.TimesPNG)
	sw, sh := pngSize(t, p.ScalingPNG)
	if tw <= 1500 || sw <= 900 || sh <= 600 {
		t.Errorf("sizes times %d wide, scaling %d×%d: want larger than the 12-config ones", tw, sw, sh)
	}
}

func pngSize(t *testing.T, path string) (int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cfg.Width, cfg.Height
}

// checkPNG decodes path and checks its size and that it shows something:
// enough distinct colours and enough non-white pixels.
func checkPNG(t *testing.T, path string, w, h, minColours int, minInk float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", path, err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: w, Y: h}) {
		t.Errorf("%s: %v pixels, want %d×%d", filepath.Base(path), got, w, h)
	}
	colours := map[color.RGBA]bool{}
	ink := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c] = true
			if c != (color.RGBA{R: 255, G: 255, B: 255, A: 255}) {
				ink++
			}
		}
	}
	frac := float64(ink) / float64(bd.Dx()*bd.Dy())
	if len(colours) < minColours || frac < minInk {
		t.Errorf("%s looks blank: %d colours (want ≥ %d), %.2f%% non-white (want ≥ %.2f%%)",
			filepath.Base(path), len(colours), minColours, 100*frac, 100*minInk)
	}
}

// checkSVG parses path as XML with an <svg> root.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: not XML: %v", path, err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("%s: root element %q, want svg", path, root)
	}
}

// TestRenderForInspection writes the figures of the fixture and of a
// larger grid to $REPORT_FIGURES_DIR, to look at them after a change to the
// drawing code: REPORT_FIGURES_DIR=/tmp/fig go test ./report/ -run Inspection
func TestRenderForInspection(t *testing.T) {
	dir := os.Getenv("REPORT_FIGURES_DIR")
	if dir == "" {
		t.Skip("REPORT_FIGURES_DIR not set")
	}
	var big []bench.Result
	for d := 2; d <= 12; d += 2 {
		for k := 2; k <= 20; k += 2 {
			for _, tt := range []int{64, 128, 256} {
				m := 1e-6 * math.Pow(float64(d), 0.3) * math.Sqrt(float64(k)) * float64(tt)
				big = append(big, bench.Result{Config: bench.Config{D: d, K: k, T: tt},
					TimeEpochMean: m, TimeEpochCILow: 0.97 * m, TimeEpochCIHigh: 1.04 * m})
			}
		}
	}
	wide := fixtureResults()[:9] // partial: D=6 K=5 lacks T=96
	for i := range wide {
		wide[i].TimeEpochMedian *= math.Pow(3, float64(i%4)) // spans 27×: a log axis
		wide[i].TimeEpochCILow, wide[i].TimeEpochCIHigh = 0.95*wide[i].TimeEpochMedian, 1.05*wide[i].TimeEpochMedian
	}
	for name, rs := range map[string][]bench.Result{"fixture": fixtureResults(), "big": big, "empty": nil, "wide": wide} {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writeFigures(fsys.OS{}, store.PathsFor(d), rs); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScalingGridPartial(t *testing.T) {
	rs := fixtureResults()[:5] // D=3: K=3 and K=5 have T=48 and 96, K=9 only T=48
	g := scalingGrid(rs)
	if g.partial[0][0] || g.partial[0][1] || !g.partial[0][2] {
		t.Errorf("partial = %v, want only K=9 partial", g.partial)
	}
	// The cells average the medians, not the means.
	rs[0].TimeEpochMean *= 100
	if g2 := scalingGrid(rs); g2.z[0][0] != g.z[0][0] {
		t.Errorf("cell moved with the mean: %v → %v", g.z[0][0], g2.z[0][0])
	}
}

func TestLogAxis(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   bool
	}{{1e-6, 9e-6, false}, {1e-6, 1.1e-5, true}, {0, 1, false}} {
		if got := logAxis(tc.lo, tc.hi); got != tc.want {
			t.Errorf("logAxis(%g, %g) = %v", tc.lo, tc.hi, got)
		}
	}
}
