package flow

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

// TestSensitive checks what sensitive mode sets, and that a change of a few
// percent, settled at the default thresholds, gets extra rounds in it.
func TestSensitive(t *testing.T) {
	st := func(c, lo, hi float64) *verdict.Stats {
		return &verdict.Stats{Center: verdict.Number(c), Lo: verdict.Number(lo), Hi: verdict.Number(hi), N: 6}
	}
	def, sens := DefaultConfig(), DefaultConfig()
	sens.Sensitive()
	want := verdict.Thresholds{Throughput: 3, Latency: 3, Memory: 3, Improvement: 3, Instructions: 2} // spelled out: AllAt is what is tested
	if sens.Verdict.Thresholds != want || !sens.Adaptive || def.Adaptive {
		t.Fatalf("sensitive: thresholds %+v, adaptive %v; default adaptive %v", sens.Verdict.Thresholds, sens.Adaptive, def.Adaptive)
	}
	tests := []struct {
		name      string
		class     verdict.Class
		better    int
		base, cur *verdict.Stats
		settledAt map[string]bool // config name -> Settled
	}{
		{"latency +6%", verdict.Latency, -1, st(100, 98, 102), st(106, 104, 108), map[string]bool{"default": true, "sensitive": false}},
		{"throughput -5%", verdict.Throughput, 1, st(100, 99, 101), st(95, 94, 96), map[string]bool{"default": true, "sensitive": false}},
		{"latency flat, tight", verdict.Latency, -1, st(100, 99.5, 100.5), st(100, 99.5, 100.5), map[string]bool{"default": true, "sensitive": true}},
	}
	for _, tt := range tests {
		for name, cfg := range map[string]Config{"default": def, "sensitive": sens} {
			r := verdict.Row{Class: tt.class, Better: tt.better, Base: tt.base, Current: tt.cur,
				ThresholdPct: cfg.Verdict.Thresholds.For(tt.class, tt.better)}
			if got := Settled(&r); got != tt.settledAt[name] {
				t.Errorf("%s at %s thresholds: Settled = %v, want %v", tt.name, name, got, tt.settledAt[name])
			}
		}
	}
}
