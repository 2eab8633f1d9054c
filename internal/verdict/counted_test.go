package verdict

import (
	"fmt"
	"strings"
	"testing"
)

// TestCounted: the decision rule of counted instructions. Samples barely
// vary, so three a side decide: beyond the threshold (2%), every sample of
// one side beyond every sample of the other, and beyond three times the
// larger spread; a spread over half the threshold is not counted.
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
	}{
		{"identical", []float64{28700, 28700, 28700}, []float64{28700, 28700, 28700}, StatusOK},
		{"+3% exact", []float64{28700, 28702, 28699}, []float64{29561, 29560, 29563}, StatusRegression},
		{"+1.5% within the threshold", []float64{28700, 28702, 28699}, []float64{29130, 29131, 29129}, StatusOK},
		{"-3% improvement", []float64{28700, 28702, 28699}, []float64{27839, 27840, 27838}, StatusImprovement},
		{"+3% but overlapping", []float64{28700, 28700, 29250}, []float64{29561, 29561, 29000}, StatusUndecided},
		{"+2.4% within 3x the spread", []float64{28400, 28700, 28950}, []float64{29200, 29400, 29500}, StatusUndecided},
		{"varies by ±5%: not counted", []float64{1000, 1100, 1050}, []float64{1200, 1210, 1205}, StatusNotCounted},
		{"one sample a side: threshold alone", []float64{1000}, []float64{1100}, StatusRegression},
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
			if r == nil || r.Class != Instructions || r.ThresholdPct != 2 {
				t.Fatalf("row %+v: want class instructions at 2%%", r)
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
