package verdict

import (
	"math"
	"testing"
)

func TestSettled(t *testing.T) {
	st := func(c, lo, hi float64) *Stats {
		return &Stats{Center: Number(c), Lo: Number(lo), Hi: Number(hi), N: 6}
	}
	tests := []struct {
		name string
		row  Row
		want bool
	}{
		{"quiet, unchanged", Row{Better: -1, ThresholdPct: 20, Base: st(100, 98, 102), Current: st(101, 99, 103)}, true},
		{"noisy, interval crosses the threshold", Row{Better: -1, ThresholdPct: 20, Base: st(100, 80, 130), Current: st(105, 85, 140)}, false},
		{"significant regression", Row{Better: -1, ThresholdPct: 20, Status: StatusRegression, Base: st(100, 99, 101), Current: st(150, 149, 151)}, true},
		{"throughput, quiet", Row{Better: 1, ThresholdPct: 10, Base: st(100, 99, 101), Current: st(99, 98, 100)}, true},
		{"throughput, maybe -12%", Row{Better: 1, ThresholdPct: 10, Base: st(100, 95, 105), Current: st(92, 88, 96)}, false},
		{"constant allocs", Row{Better: -1, ThresholdPct: 15, Base: st(2, 2, 2), Current: st(2, 2, 2)}, true},
		{"unbounded interval", Row{Better: -1, ThresholdPct: 20, Base: st(100, math.Inf(-1), math.Inf(1)), Current: st(100, 99, 101)}, false},
		{"new benchmark", Row{Better: -1, ThresholdPct: 20, Current: st(1, 1, 1)}, true},
	}
	for _, tt := range tests {
		if got := tt.row.Settled(); got != tt.want {
			t.Errorf("%s: Settled = %v, want %v", tt.name, got, tt.want)
		}
	}
}
