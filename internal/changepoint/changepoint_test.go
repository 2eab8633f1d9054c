package changepoint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/golden"
)

// series is n points around 100 with noise of sd percent, deterministic
// by seed; shape gives each point's factor.
func series(n int, sd float64, seed uint64, shape func(i int) float64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n)
	for i := range x {
		x[i] = 100 * shape(i) * (1 + sd/100*r.NormFloat64())
	}
	return x
}

func flat(int) float64 { return 1 }

func step(at int, f float64) func(int) float64 {
	return func(i int) float64 {
		if i >= at {
			return f
		}
		return 1
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name  string
		x     []float64
		want  []int // change point indexes, each within ±tol
		tol   int
		drift bool
	}{
		{"flat", series(60, 1.5, 1, flat), nil, 0, false},
		{"flat, long", series(400, 1.5, 2, flat), nil, 0, false},
		{"+10% step", series(60, 1.5, 3, step(30, 1.10)), []int{30}, 2, false},
		{"+50% step", series(16, 1.5, 4, step(9, 1.5)), []int{9}, 0, false},
		{"two steps", series(90, 1.5, 5, func(i int) float64 {
			switch {
			case i >= 60:
				return 1.0
			case i >= 30:
				return 1.2
			}
			return 1
		}), []int{30, 60}, 2, false},
		{"outliers", func() []float64 {
			x := series(60, 1.5, 6, flat)
			x[20], x[40] = 180, 20
			return x
		}(), nil, 0, false},
		{"step far in a long series", series(300, 1.5, 7, step(220, 1.08)), []int{220}, 3, false},
		{"ramp +0.5% a commit", series(50, 1.0, 8, func(i int) float64 {
			if i < 20 {
				return 1
			}
			return 1 + 0.005*float64(i-20)
		}), nil, -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pts := Detect(tt.x, DefaultOptions)
			if tt.tol >= 0 {
				if len(pts) != len(tt.want) {
					t.Fatalf("change points %+v, want at %v", pts, tt.want)
				}
				for i, p := range pts {
					if math.Abs(float64(p.Index-tt.want[i])) > float64(tt.tol) || p.P >= DefaultOptions.P {
						t.Errorf("point %d: %+v, want index %d ±%d", i, p, tt.want[i], tt.tol)
					}
				}
			}
			_, drift := FindDrift(tt.x, pts, -1, 10, 5)
			if drift != tt.drift {
				t.Errorf("drift %v, want %v (points %+v)", drift, tt.drift, pts)
			}
		})
	}
}

func TestBestSplit(t *testing.T) {
	x := []float64{1, 1, 1, 1, 5, 5, 5, 5, 5}
	if got := bestSplit(x, 2); got != 4 {
		t.Errorf("bestSplit = %d, want 4", got)
	}
}

func TestChangeAndMedians(t *testing.T) {
	x := []float64{100, 101, 99, 100, 100, 150, 151, 149, 150, 150}
	pts := Detect(x, DefaultOptions)
	if len(pts) != 1 || pts[0].Index != 5 || pts[0].Before != 100 || pts[0].After != 150 || math.Abs(pts[0].ChangePct-50) > 1e-9 {
		t.Errorf("points %+v", pts)
	}
}

// BenchmarkDetect1000 is one metric of bench:trend's target: 1,000 runs.
func BenchmarkDetect1000(b *testing.B) {
	x := series(1000, 1.5, 9, step(600, 1.1))
	for b.Loop() {
		Detect(x, DefaultOptions)
	}
}

// TestDetectFindsTheSame pins Detect's output on long noisy series with
// steps, where the first pass proposes many candidates for the merge to
// weigh. The golden file was written by the merge that tested every
// candidate again after each removal; the one that tests only the
// removed candidate's neighbours must agree.
func TestDetectFindsTheSame(t *testing.T) {
	var b strings.Builder
	for seed := range uint64(6) {
		x := series(3000+int(seed)*500, 1+float64(seed), seed+10, func(i int) float64 {
			switch {
			case i >= 2500:
				return 0.9
			case i >= 1000:
				return 1.08
			}
			return 1
		})
		fmt.Fprintf(&b, "seed %d:\n", seed)
		for _, p := range Detect(x, DefaultOptions) {
			fmt.Fprintf(&b, "  %d %.6g -> %.6g (%+.4f%%) p=%.4g\n", p.Index, p.Before, p.After, p.ChangePct, p.P)
		}
	}
	golden.Check(t, "detect.txt", []byte(b.String()))
}
