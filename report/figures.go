package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/hcbench/hcbench/engine/bench"
	"github.com/hcbench/hcbench/report/internal/fsys"
	"github.com/hcbench/hcbench/report/store"
)

// Figure titles: the reference's, saying which statistic is shown (the
// reference plots means; hcbench leads with the median).
const (
	titleTimes   = "QMLHC Benchmark – Epoch Time (median, 95% CI)"
	titleScaling = "QMLHC Benchmark – Scaling Map (median, avg over T)"
)

// logSpan: a time axis becomes logarithmic when its values span more than
// this factor, so the fast configs are not flattened against zero.
const logSpan = 10

// figureDPI makes a 10×4 in figure 1500×600 px, as the reference's.
const figureDPI = 150

var (
	colorLine  = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // the reference's blue
	colorMed   = color.NRGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff} // matplotlib's second colour
	colorBand  = color.NRGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0x48}
	colorGrid  = color.NRGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}
	colorEmpty = color.NRGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}
)

// figure draws itself on a canvas of its preferred size.
type figure struct {
	w, h vg.Length
	draw func(c draw.Canvas)
}

// writeFigures writes the epoch-time curve and the scaling heatmap, each as
// PNG and SVG, atomically. With no finished config the figures say so
// rather than keep a previous run's pictures.
func writeFigures(fs fsys.FS, p store.Paths, results []bench.Result) error {
	fin := finished(results)
	var errs []error
	for _, f := range []struct {
		png, svg string
		fig      figure
	}{
		{p.TimesPNG, p.TimesSVG, timesFigure(fin)},
		{p.ScalingPNG, p.ScalingSVG, scalingFigure(fin)},
	} {
		errs = append(errs, writeFigure(fs, f.png, f.fig, renderPNG), writeFigure(fs, f.svg, f.fig, renderSVG))
	}
	return errors.Join(errs...)
}

func writeFigure(fs fsys.FS, path string, fig figure, render func(figure) ([]byte, error)) error {
	if path == "" {
		return nil
	}
	// Render before touching the file system: a drawing failure leaves the
	// previous picture in place.
	b, err := render(fig)
	if err != nil {
		return fmt.Errorf("drawing %s: %w", path, err)
	}
	return fsys.WriteAtomic(fs, path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// renderPNG and renderSVG turn a gonum/plot panic (it panics on some
// degenerate inputs) into an error: a picture is never worth a crash.
func renderPNG(fig figure) (b []byte, err error) {
	defer recoverDraw(&err)
	c := vgimg.NewWith(vgimg.UseWH(fig.w, fig.h), vgimg.UseDPI(figureDPI))
	fig.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func renderSVG(fig figure) (b []byte, err error) {
	defer recoverDraw(&err)
	c := vgsvg.New(fig.w, fig.h)
	fig.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func recoverDraw(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("plot: %v", r)
	}
}

// sans is the figures' typeface, as matplotlib's default (gonum/plot's is
// a serif).
func sans(size float64) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Points(size))
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(13)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(10)
		a.Padding = 0
	}
	p.Y.Tick.Marker = niceTicks{}
	p.Legend.TextStyle.Font = sans(9.5)
	return p
}

// niceTicks labels every major tick at 1, 2, 2.5 or 5 times a power of ten,
// about six of them, with as few decimals as they need. (gonum/plot's
// default ticker labels only every other major tick.)
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 3, 64)}}
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	dec := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if s := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); s != math.Trunc(s) {
		dec++ // 2.5×10^k needs one more
	}
	first, last := math.Ceil(lo/step-1e-9), math.Floor(hi/step+1e-9)
	if !(last-first < 64) || math.Abs(first) > 1<<52 || math.Abs(last) > 1<<52 {
		// A range a few ulps wide (every config took the same time): past
		// 2^52 the index stops moving. The ends are all there is.
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)},
			{Value: hi, Label: strconv.FormatFloat(hi, 'g', 4, 64)}}
	}
	var ticks []plot.Tick
	// Multiples of step by index, so no rounding error accumulates.
	for i := first; i <= last; i++ {
		v := i*step + 0 // + 0 turns -0 into 0
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', dec, 64)})
	}
	return ticks
}

// fixedTicks are ticks at given places with given labels.
type fixedTicks []plot.Tick

func (t fixedTicks) Ticks(min, max float64) []plot.Tick { return t }

// message draws a title and a line of text on an otherwise empty figure.
func message(w, h vg.Length, title, msg string) figure {
	return figure{w: w, h: h, draw: func(c draw.Canvas) {
		p := newPlot(title)
		p.HideAxes()
		p.Draw(c)
		sty := text.Style{Color: color.Gray{Y: 0x55}, Font: sans(12),
			XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}, msg)
	}}
}

// timesFigure is the median epoch time of each config in sweep order,
// with its 95% confidence interval shaded, and the reference's mean thin
// and dashed. The time axis is logarithmic when the values span more
// than logSpan.
func timesFigure(fin []bench.Result) figure {
	const maxLabels = 48 // beyond that tick labels overlap; label every n-th
	n := len(fin)
	w := vg.Length(math.Min(20, math.Max(10, 2+0.25*float64(n)))) * vg.Inch
	h := 4 * vg.Inch
	if n == 0 {
		return message(w, h, titleTimes, "no config has finished yet")
	}
	var all []float64
	lo, hi := math.Inf(1), 0.0
	for _, r := range fin {
		all = append(all, Headline(r), r.TimeEpochMean, r.TimeEpochCIHigh)
		for _, v := range []float64{Headline(r), r.TimeEpochMean} {
			if usable(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	unit, scale := bench.TimeUnitFor(all...)
	logY := logAxis(lo, hi)

	return figure{w: w, h: h, draw: func(c draw.Canvas) {
		p := newPlot(titleTimes)
		p.Y.Label.Text = "Time per epoch (" + unit + ")"
		if logY {
			p.Y.Label.Text += ", log scale"
			p.Y.Scale = plot.LogScale{}
			p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		}
		p.X.Label.Text = "Config (sweep order)"

		grid := plotter.NewGrid()
		grid.Vertical.Color, grid.Horizontal.Color = colorGrid, colorGrid
		grid.Vertical.Width, grid.Horizontal.Width = vg.Points(0.5), vg.Points(0.5)
		p.Add(grid)

		// The band, drawn as one polygon per unbroken run of configs with
		// an interval (a missing interval breaks it).
		var bandRun plotter.XYs
		var bandTop plotter.XYs
		flush := func() {
			if len(bandRun) > 0 {
				poly := slices.Concat(bandRun, reversed(bandTop))
				if pg, err := plotter.NewPolygon(poly); err == nil {
					pg.Color = colorBand
					pg.LineStyle.Width = 0
					p.Add(pg)
				}
			}
			bandRun, bandTop = nil, nil
		}
		band := false
		med := make(plotter.XYs, 0, n)
		var mean plotter.XYs
		var ticks fixedTicks
		every := (n + maxLabels - 1) / maxLabels
		for i, r := range fin {
			med = append(med, plotter.XY{X: float64(i), Y: Headline(r) / scale})
			if usable(r.TimeEpochMean) {
				mean = append(mean, plotter.XY{X: float64(i), Y: r.TimeEpochMean / scale})
			}
			if lo, hi := r.TimeEpochCILow, r.TimeEpochCIHigh; lo > 0 && hi >= lo && !math.IsInf(hi, 1) {
				bandRun = append(bandRun, plotter.XY{X: float64(i), Y: lo / scale})
				bandTop = append(bandTop, plotter.XY{X: float64(i), Y: hi / scale})
				band = true
			} else {
				flush()
			}
			label := ""
			if i%every == 0 {
				label = r.Label()
			}
			ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
		}
		flush()

		// The reference's mean, thin and dashed: stalls pull it above the
		// median on a busy machine.
		var meanLine *plotter.Line
		if len(mean) > 0 {
			if l, err := plotter.NewLine(mean); err == nil {
				l.Color, l.Width = colorMed, vg.Points(1)
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				p.Add(l)
				meanLine = l
			}
		}

		line, err := plotter.NewLine(med)
		if err != nil {
			panic(err)
		}
		line.Color, line.Width = colorLine, vg.Points(1.5)
		marks, err := plotter.NewScatter(med)
		if err != nil {
			panic(err)
		}
		marks.GlyphStyle = draw.GlyphStyle{Color: colorLine, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(line, marks)
		if band {
			sw, _ := plotter.NewPolygon(plotter.XYs{{}, {X: 1}, {X: 1, Y: 1}})
			sw.Color, sw.LineStyle.Width = colorBand, 0
			p.Legend.Add("median, 95% CI", sw, line, marks)
		} else {
			p.Legend.Add("median", line, marks)
		}
		if meanLine != nil {
			p.Legend.Add("mean (the reference's)", meanLine)
		}
		p.Legend.Top, p.Legend.Left = true, true
		p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(4)

		p.X.Tick.Marker = ticks
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
		// Room below the data, like matplotlib's margins, and above it for
		// the legend.
		if logY {
			p.Y.Min, p.Y.Max = p.Y.Min/1.25, p.Y.Max*2
		} else {
			span := p.Y.Max - p.Y.Min
			if span == 0 {
				span = math.Abs(p.Y.Max)
			}
			p.Y.Min, p.Y.Max = math.Max(0, p.Y.Min-0.08*span), p.Y.Max+0.2*span
		}
		p.Draw(c)
	}}
}

// logAxis reports whether times from lo to hi need a logarithmic axis.
func logAxis(lo, hi float64) bool { return lo > 0 && hi > logSpan*lo }

func reversed(xys plotter.XYs) plotter.XYs {
	out := slices.Clone(xys)
	slices.Reverse(out)
	return out
}

// cellGrid is the heatmap's data: time per epoch averaged over T, one row
// per D (the first D at the top, as the reference draws it), one column per
// K. Missing cells are NaN.
type cellGrid struct {
	ds, ks  []int
	z       [][]float64 // z[row][col], row 0 = ds[0]
	partial [][]bool    // the cell lacks some T of the grid (not finished yet)
}

func (g cellGrid) Dims() (c, r int)      { return len(g.ks), len(g.ds) }
func (g cellGrid) Z(c, r int) float64    { return g.z[len(g.ds)-1-r][c] }
func (g cellGrid) X(c int) float64       { return float64(c) }
func (g cellGrid) Y(r int) float64       { return float64(r) }
func (g cellGrid) rowOf(row int) float64 { return float64(len(g.ds) - 1 - row) }

func scalingGrid(fin []bench.Result) cellGrid {
	var g cellGrid
	for _, r := range fin {
		if !slices.Contains(g.ds, r.D) {
			g.ds = append(g.ds, r.D)
		}
		if !slices.Contains(g.ks, r.K) {
			g.ks = append(g.ks, r.K)
		}
	}
	slices.Sort(g.ds)
	slices.Sort(g.ks)
	ts := map[int]bool{}
	for _, r := range fin {
		ts[r.T] = true
	}
	sum := make([][]float64, len(g.ds))
	cnt := make([][]int, len(g.ds))
	g.z = make([][]float64, len(g.ds))
	g.partial = make([][]bool, len(g.ds))
	for i := range g.ds {
		sum[i], cnt[i], g.z[i] = make([]float64, len(g.ks)), make([]int, len(g.ks)), make([]float64, len(g.ks))
		g.partial[i] = make([]bool, len(g.ks))
	}
	for _, r := range fin {
		i, j := slices.Index(g.ds, r.D), slices.Index(g.ks, r.K)
		sum[i][j] += Headline(r)
		cnt[i][j]++
	}
	for i := range g.ds {
		for j := range g.ks {
			g.z[i][j] = math.NaN()
			if cnt[i][j] > 0 {
				g.z[i][j] = sum[i][j] / float64(cnt[i][j])
				g.partial[i][j] = cnt[i][j] < len(ts)
			}
		}
	}
	return g
}

// heatColors is the heatmap's colour map: viridis (matplotlib's default,
// what the reference's readers know), rebuilt with Moreland's method from
// its control colours. Its lightness rises steadily, so it also reads in
// grey scale and the printed values can pick black or white text.
func heatColors() palette.ColorMap {
	var ctl []color.Color
	for _, h := range []uint32{0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xfde725} {
		ctl = append(ctl, color.NRGBA{R: uint8(h >> 16), G: uint8(h >> 8), B: uint8(h), A: 0xff})
	}
	cm, err := moreland.NewLuminance(ctl)
	if err != nil {
		return moreland.Kindlmann()
	}
	return cm
}

// scalingFigure is the heatmap of the median time per epoch averaged over
// T, rows D, columns K, with a colour bar, the value printed in each cell
// (marked * where some T has not finished) and the fitted power law below.
func scalingFigure(fin []bench.Result) figure {
	g := scalingGrid(fin)
	var notes []string // lines under the map
	if fit, err := ScalingFit(fin); err == nil {
		// The figure's font has no ∝.
		notes = append(notes, "fit: "+strings.Replace(fit.String(), "time ∝", "median time ~ C ·", 1))
	}
	for _, row := range g.partial {
		if slices.Contains(row, true) {
			notes = append(notes, "* not every T has finished: the average of those that have")
			break
		}
	}
	nc, nr := g.Dims()
	w := vg.Length(math.Min(16, math.Max(6, 2.5+0.9*float64(nc)))) * vg.Inch
	h := vg.Length(math.Min(12, math.Max(4, 1.5+0.6*float64(nr)))) * vg.Inch
	if len(fin) == 0 {
		return message(w, h, titleScaling, "no config has finished yet")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range g.z {
		for _, v := range row {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	unit, scale := bench.TimeUnitFor(hi)
	// A colour scale needs a range; one value (or all equal) gets ±1%.
	clo, chi := lo/scale, hi/scale
	if !(chi > clo) {
		clo, chi = clo*0.99, chi*1.01
	}
	// Cells narrower than a printed value would be a smudge of text.
	labelCells := float64(w)/float64(nc) > 45 && float64(h)/float64(nr) > 14

	return figure{w: w, h: h, draw: func(c draw.Canvas) {
		cm := heatColors()
		cm.SetMin(clo)
		cm.SetMax(chi)
		scaled := cellGrid{ds: g.ds, ks: g.ks, z: make([][]float64, len(g.z))}
		for i, row := range g.z {
			scaled.z[i] = make([]float64, len(row))
			for j, v := range row {
				scaled.z[i][j] = v / scale
			}
		}
		hm := plotter.NewHeatMap(scaled, cm.Palette(256))
		hm.Min, hm.Max = clo, chi
		hm.NaN = colorEmpty

		p := newPlot(titleScaling)
		p.Add(hm)
		p.X.Label.Text = "Branches K"
		p.Y.Label.Text = "Dimension D"
		var xt, yt fixedTicks
		for j, k := range g.ks {
			xt = append(xt, plot.Tick{Value: float64(j), Label: fmt.Sprintf("K=%d", k)})
		}
		for i, d := range g.ds {
			yt = append(yt, plot.Tick{Value: g.rowOf(i), Label: fmt.Sprintf("D=%d", d)})
		}
		p.X.Tick.Marker, p.Y.Tick.Marker = xt, yt
		p.X.Padding, p.Y.Padding = 0, 0

		if labelCells {
			var xys plotter.XYs
			var labels []string
			var styles []text.Style
			for i := range g.ds {
				for j := range g.ks {
					v := g.z[i][j]
					txt, fg := "–", color.Color(color.Gray{Y: 0x66})
					if !math.IsNaN(v) {
						txt = bench.FormatSeconds(v)
						if g.partial[i][j] {
							txt += "*"
						}
						bg, _ := cm.At(math.Max(clo, math.Min(chi, v/scale)))
						fg = contrastText(bg)
					}
					xys = append(xys, plotter.XY{X: float64(j), Y: g.rowOf(i)})
					labels = append(labels, txt)
					styles = append(styles, text.Style{Color: fg, Font: sans(11),
						XAlign: draw.XCenter, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler})
				}
			}
			p.Add(&plotter.Labels{XYs: xys, Labels: labels, TextStyle: styles})
		}

		barW := 1.25 * vg.Inch
		sty := text.Style{Color: color.Gray{Y: 0x33}, Font: sans(10), XAlign: draw.XCenter, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
		foot := vg.Length(len(notes)) * vg.Points(14)
		if foot > 0 {
			foot += vg.Points(4)
		}
		for k, n := range notes {
			y := c.Min.Y + vg.Points(4) + vg.Length(len(notes)-1-k)*vg.Points(14)
			c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: y}, n)
		}
		left := draw.Crop(c, 0, -barW, foot, 0)
		p.Draw(left)
		dc := p.DataCanvas(left)
		frame(dc)
		drawColorBar(c, cm, "Time per epoch ("+unit+")",
			vg.Rectangle{Min: vg.Point{X: dc.Max.X + 0.3*vg.Inch, Y: dc.Min.Y}, Max: vg.Point{X: dc.Max.X + 0.52*vg.Inch, Y: dc.Max.Y}})
	}}
}

// frame outlines a plot's data area.
func frame(c draw.Canvas) {
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.75)}
	c.StrokeLines(sty, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}, c.Min})
}

// drawColorBar draws cm's colours upwards in r, with ticks, values and the
// label on the right, as matplotlib does (a gonum/plot axis is always on
// the left).
func drawColorBar(c draw.Canvas, cm palette.ColorMap, label string, r vg.Rectangle) {
	const steps = 256
	img := image.NewNRGBA(image.Rect(0, 0, 1, steps))
	lo, hi := cm.Min(), cm.Max()
	for i := range steps {
		col, err := cm.At(lo + (hi-lo)*float64(i)/(steps-1))
		if err != nil {
			col = colorEmpty
		}
		img.Set(0, steps-1-i, col)
	}
	c.DrawImage(r, img)
	frame(draw.Crop(c, r.Min.X-c.Min.X, r.Max.X-c.Max.X, r.Min.Y-c.Min.Y, r.Max.Y-c.Max.Y))
	edge := draw.LineStyle{Color: color.Black, Width: vg.Points(0.75)}

	tickSty := text.Style{Color: color.Black, Font: sans(10), XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler}
	widest := vg.Length(0)
	for _, t := range (niceTicks{}).Ticks(lo, hi) {
		if t.Value < lo || t.Value > hi {
			continue
		}
		y := r.Min.Y + (r.Max.Y-r.Min.Y)*vg.Length((t.Value-lo)/(hi-lo))
		c.StrokeLine2(edge, r.Max.X, y, r.Max.X+vg.Points(4), y)
		c.FillText(tickSty, vg.Point{X: r.Max.X + vg.Points(6), Y: y}, t.Label)
		widest = max(widest, tickSty.Width(t.Label))
	}
	// Turned a quarter to the left, the label's top faces the ticks.
	labelSty := text.Style{Color: color.Black, Font: sans(11), XAlign: draw.XCenter, YAlign: draw.YTop,
		Rotation: math.Pi / 2, Handler: plot.DefaultTextHandler}
	c.FillText(labelSty, vg.Point{X: r.Max.X + vg.Points(12) + widest, Y: (r.Min.Y + r.Max.Y) / 2}, label)
}

// contrastText is black or white, whichever reads better on bg.
func contrastText(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	// Relative luminance (Rec. 709 weights) on the 16-bit channels.
	l := (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
	if l > 0.45 {
		return color.Black
	}
	return color.White
}
