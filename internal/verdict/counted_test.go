package verdict

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestCounted: the decision rule of counted instructions. Samples barely
// vary, so three a side decide: beyond the threshold (2%), every sample of
// one side beyond every sample of the other, and beyond three times the
// larger spread; a spread over half the threshold widens the row's
// threshold to three times the spread; a spread over a third of 100% is
// not counted.
func TestCounted(t *testing.T) {
	counts := func(vals ...float64) string {
		var b strings.Builder
		b.WriteString("pkg: example.com/p\n")
		for _, v := range vals {
			fmt.Fprintf(&b, "BenchmarkA 1000 %g instructions/op 0 B/op\n", v)
		}
		return b.String()
	}
	tests := []struct {
		name      string
		base, cur []float64
		status    Status
		threshold float64 // default 2
	}{
		{"identical", []float64{28700, 28700, 28700}, []float64{28700, 28700, 28700}, StatusOK, 0},
		{"+3% exact", []float64{28700, 28702, 28699}, []float64{29561, 29560, 29563}, StatusRegression, 0},
		{"+1.5% within the threshold", []float64{28700, 28702, 28699}, []float64{29130, 29131, 29129}, StatusOK, 0},
		{"-3% improvement", []float64{28700, 28702, 28699}, []float64{27839, 27840, 27838}, StatusImprovement, 0},
		{"+3% but overlapping", []float64{28700, 28700, 29250}, []float64{29561, 29561, 29000}, StatusUndecided, 0},
		{"+2.4% within 3x the spread", []float64{28400, 28700, 28950}, []float64{29200, 29400, 29500}, StatusUndecided, 0},
		{"varies by ±4.8%, +14.8%: judged at 3x the spread", []float64{1000, 1100, 1050}, []float64{1200, 1210, 1205}, StatusRegression, 300 * 50 / 1050.0},
		{"varies by ±4.8%, +9.5%: within 3x the spread", []float64{1000, 1100, 1050}, []float64{1140, 1150, 1150}, StatusOK, 300 * 50 / 1050.0},
		{"varies by ±40%: not counted", []float64{600, 1400, 1000}, []float64{2600, 2610, 2605}, StatusNotCounted, 2},
		{"one sample a side: threshold alone", []float64{1000}, []float64{1100}, StatusRegression, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(read(t, "b", counts(tc.base...)), read(t, "c", counts(tc.cur...)), DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			var r *Row
			for i := range c.Rows {
				if c.Rows[i].Unit == InstructionsUnit {
					r = &c.Rows[i]
				}
			}
			want := tc.threshold
			if want == 0 {
				want = 2
			}
			if r == nil || r.Class != Instructions || math.Abs(r.ThresholdPct-want) > 1e-9 {
				t.Fatalf("row %+v: want class instructions at %g%%", r, want)
			}
			if want != 2 && !strings.Contains(r.Reason, "threshold widened") {
				t.Errorf("reason %q does not say the threshold was widened", r.Reason)
			}
			if r.Status != tc.status {
				t.Errorf("status %s (delta %.2f%%, spread %.3f%%), want %s", r.Status, float64(r.DeltaPct), float64(r.SpreadPct), tc.status)
			}
			if tc.status == StatusNotCounted && !strings.Contains(r.Reason, "vary by") {
				t.Errorf("reason %q does not say the counts vary", r.Reason)
			}
			if !c.Settings.Counted || !strings.Contains(c.Settings.String(), "instructions +2%") {
				t.Errorf("settings %q do not name the instructions threshold", c.Settings)
			}
		})
	}
}
