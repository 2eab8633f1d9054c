package gate

import (
	"math"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

func TestSettled(t *testing.T) {
	st := func(c, lo, hi float64) *verdict.Stats {
		return &verdict.Stats{Center: verdict.Number(c), Lo: verdict.Number(lo), Hi: verdict.Number(hi), N: 6}
	}
	tests := []struct {
		name string
		row  verdict.Row
		want bool
	}{
		{"quiet, unchanged", verdict.Row{Better: -1, ThresholdPct: 20, Base: st(100, 98, 102), Current: st(101, 99, 103)}, true},
		{"noisy, interval crosses the threshold", verdict.Row{Better: -1, ThresholdPct: 20, Base: st(100, 80, 130), Current: st(105, 85, 140)}, false},
		{"significant regression", verdict.Row{Better: -1, ThresholdPct: 20, Status: verdict.StatusRegression, Base: st(100, 99, 101), Current: st(150, 149, 151)}, true},
		{"throughput, quiet", verdict.Row{Better: 1, ThresholdPct: 10, Base: st(100, 99, 101), Current: st(99, 98, 100)}, true},
		{"throughput, maybe -12%", verdict.Row{Better: 1, ThresholdPct: 10, Base: st(100, 95, 105), Current: st(92, 88, 96)}, false},
		{"constant allocs", verdict.Row{Better: -1, ThresholdPct: 15, Base: st(2, 2, 2), Current: st(2, 2, 2)}, true},
		{"unbounded interval", verdict.Row{Better: -1, ThresholdPct: 20, Base: st(100, math.Inf(-1), math.Inf(1)), Current: st(100, 99, 101)}, false},
		{"new benchmark", verdict.Row{Better: -1, ThresholdPct: 20, Current: st(1, 1, 1)}, true},
	}
	for _, tt := range tests {
		if got := Settled(&tt.row); got != tt.want {
			t.Errorf("%s: Settled = %v, want %v", tt.name, got, tt.want)
		}
	}
}
