package verdict

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestBadNumbers: a non-finite sample is left out with a warning naming
// its line, the rest of its series is judged; a side with no finite
// sample, or negative samples of a unit that cannot be negative, leave
// the row shown but not judged (undecided, with the reason); every other
// row is judged as usual and the comparison survives JSON.
func TestBadNumbers(t *testing.T) {
	lines := func(unit string, vals ...string) string {
		var b strings.Builder
		b.WriteString("pkg: example.com/p\n")
		for _, v := range vals {
			fmt.Fprintf(&b, "BenchmarkA-8 1000 %s %s\nBenchmarkSteady-8 1000 100 ns/op\n", v, unit)
		}
		return b.String()
	}
	six := func(v string) []string { return []string{v, v, v, v, v, v} }
	tests := []struct {
		name, unit   string
		base, cur    []string
		status       Status
		reason, warn string
	}{
		{"one NaN among six", "ns/op", six("5"), []string{"6", "6", "6", "6", "6", "NaN"}, StatusRegression, "", "cur:12: BenchmarkA sec/op: a non-finite sample"},
		{"one +Inf", "ns/op", []string{"5", "5", "5", "5", "5", "+Inf"}, six("5"), StatusOK, "", "base:12: BenchmarkA sec/op: a non-finite sample"},
		{"NaN custom unit", "nan/op", six("NaN"), six("1"), StatusUndecided, ReasonNoFinite, "6 non-finite samples"},
		{"all -Inf", "ns/op", six("5"), six("-Inf"), StatusUndecided, ReasonNoFinite, "6 non-finite samples"},
		{"negative time", "ns/op", six("-102.5"), six("-202.5"), StatusUndecided, ReasonNegative, "negative samples"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compare(read(t, "base", lines(tc.unit, tc.base...)), read(t, "cur", lines(tc.unit, tc.cur...)), DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			var a, steady *Row
			for i := range c.Rows {
				switch c.Rows[i].Benchmark {
				case "BenchmarkA-8":
					a = &c.Rows[i]
				case "BenchmarkSteady-8":
					steady = &c.Rows[i]
				}
			}
			if a == nil || steady == nil {
				t.Fatalf("rows %+v: want BenchmarkA and BenchmarkSteady", c.Rows)
			}
			if a.Status != tc.status || a.Reason != tc.reason {
				t.Errorf("BenchmarkA: status %s reason %q, want %s %q", a.Status, a.Reason, tc.status, tc.reason)
			}
			if steady.Status != StatusOK || steady.Base.N != 6 {
				t.Errorf("BenchmarkSteady: %s with %d samples, want ok with 6", steady.Status, steady.Base.N)
			}
			all := strings.Join(append(c.Warnings, a.Warnings...), "\n")
			if !strings.Contains(all, tc.warn) {
				t.Errorf("warnings lack %q:\n%s", tc.warn, all)
			}
			if _, err := json.Marshal(c); err != nil {
				t.Errorf("comparison.json: %v", err)
			}
		})
	}
}

// TestNegativeOtherUnit: a unit with a declared direction may be
// negative; its change is relative to |base|, so -100 -> -200 of a
// higher-is-better unit is a decrease.
func TestNegativeOtherUnit(t *testing.T) {
	mk := func(v string) string {
		return "Unit score/op better=higher\npkg: example.com/p\n" + strings.Repeat("BenchmarkA-8 1000 "+v+" score/op\n", 6)
	}
	c, err := Compare(read(t, "base", mk("-100")), read(t, "cur", mk("-200")), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Rows[0]; float64(r.DeltaPct) != -100 || r.Status != StatusUndecided && r.Status != StatusRegression {
		t.Errorf("delta %v status %s, want -100%% and a regression (or undecided without significance)", r.DeltaPct, r.Status)
	}
}

// TestMalformedLinesAreCapped: a file of 10,000 malformed lines gives 20
// line warnings and one that counts the rest.
func TestMalformedLinesAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("pkg: example.com/p\nBenchmarkA-8 1000 5 ns/op\n")
	for i := 0; i < 10000; i++ {
		b.WriteString("BenchmarkBad-8 notanumber ns/op\n")
	}
	s := read(t, "big", b.String())
	if len(s.Warnings) != MaxLineWarnings+1 || !strings.Contains(s.Warnings[MaxLineWarnings], "9980 more malformed lines not listed (10000 in all)") {
		t.Errorf("%d warnings, last %q", len(s.Warnings), s.Warnings[len(s.Warnings)-1])
	}
}

// TestTooManyBenchmarks: a file of more distinct benchmark metrics than
// MaxSeries is refused with a clear error, not compared.
func TestTooManyBenchmarks(t *testing.T) {
	var b strings.Builder
	b.WriteString("pkg: example.com/p\n")
	for i := 0; i <= MaxSeries; i++ {
		fmt.Fprintf(&b, "BenchmarkN%d 1 1 ns/op\n", i)
	}
	_, err := Read(strings.NewReader(b.String()), "big")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 200000 distinct") {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}
