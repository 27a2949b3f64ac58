//go:build !amd64 || amd64.v3

package hc

// Without the amd64 kernels the Tanh functions are math.Tanh loops. With
// GOAMD64=v3 or higher the compiler may fuse math.Tanh's multiply-adds, which
// the kernels do not reproduce, so those builds take this path too.

var useAVX2, useAVX512 bool

func tanhKernel(dst, src *float64, n int, w, b float64) {
	panic("hc: tanhKernel without the vector kernels")
}

// The tests' view of the kernels: none.

func cpuFeatures() (avx2, avx512 bool) { return false, false }

func tanhSelfCheck() bool { return true }

var tanhProbe []float64
