package measure

import (
	"math"

	"github.com/hcbench/hcbench/engine/npyrand"
)

// FillSeries writes the reference's synthetic input series for seed into x
// (T×D, row-major): three base columns 0.30 sin(0.35t), 0.20 sin(0.35t+0.70),
// 0.10 cos(0.35t+0.30), repeated across the D columns (column j is base
// column j mod 3; for D < 3 the first D, an extension of the reference), plus
// 0.01 times numpy's default_rng(seed).standard_normal((T, D)).
func FillSeries(x []float64, T, D int, seed uint64) {
	x = x[:T*D]
	for t := 0; t < T; t++ {
		ft := float64(t)
		base := [3]float64{
			0.30 * math.Sin(float64(0.35*ft)+0.00),
			0.20 * math.Sin(float64(0.35*ft)+0.70),
			0.10 * math.Cos(float64(0.35*ft)+0.30),
		}
		row := x[t*D : (t+1)*D]
		for j := range row {
			row[j] = base[j%3]
		}
	}
	rng := npyrand.New(seed)
	for i := range x {
		x[i] += float64(0.01 * rng.StandardNormal())
	}
}
