package flow

import (
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// TestSensitive checks what sensitive mode sets, and that a change of a few
// percent, settled at the default thresholds, gets extra rounds in it.
func TestSensitive(t *testing.T) {
	st := func(c, lo, hi float64) *verdict.Stats {
		return &verdict.Stats{Center: verdict.Number(c), Lo: verdict.Number(lo), Hi: verdict.Number(hi), N: 6}
	}
	def, sens := DefaultConfig(), DefaultConfig()
	sens.Sensitive()
	want := verdict.Thresholds{Throughput: 3, Latency: 3, Memory: 3, Improvement: 3, Instructions: 2, Cycles: 3} // spelled out: AllAt is what is tested
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
			if got := r.Settled(); got != tt.settledAt[name] {
				t.Errorf("%s at %s thresholds: Settled = %v, want %v", tt.name, name, got, tt.settledAt[name])
			}
		}
	}
}
