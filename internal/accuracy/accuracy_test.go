package accuracy

import (
	"bytes"
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/counter"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestRunSmoke runs every method once at tiny benchtimes on the fixture:
// the gross effects (+100%, an allocation) must be caught by the timing
// gate, every loop change of 3% or more by counted instructions, and
// the report must account for every comparison. Accuracy itself is
// measured by bench:accuracy, not asserted here.
func TestRunSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	opts := DefaultOptions
	opts.Reps = 1
	opts.Time, opts.BenchstatTime, opts.NaiveTime = "20ms", "10ms", "10ms"
	opts.BenchstatCount = 6
	opts.TempDir = t.TempDir()
	opts.Loads = []string{LoadIdle}
	counted := true
	if _, err := counter.Detect(counter.Auto); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no instruction counter on CI: %v", err)
		}
		t.Logf("without the instruction method: %v", err)
		counted = false
		opts.Methods = []string{MethodBenchgate, MethodSensitive, MethodNaive, MethodBenchstatSeq, MethodBenchstatAlt}
	}
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	gates := map[string]*Tally{}
	for _, v := range rep.Variants {
		if v.Method == MethodBenchgate && v.Name == "benchgate" || v.Method == MethodSensitive && v.Confirmed || v.Method == MethodInstructions && v.Confirmed {
			gates[v.Name] = v
		}
		if v.AARows == 0 || v.UnchangedRows == 0 || len(v.Wall) != 2 {
			t.Errorf("%s: %d A/A rows, %d unchanged rows, %d wall times", v.Name, v.AARows, v.UnchangedRows, len(v.Wall))
		}
	}
	wantVariants, wantGates := 9, 2
	if counted {
		wantVariants, wantGates = 11, 3
	}
	if len(rep.Variants) != wantVariants || len(gates) != wantGates {
		t.Fatalf("%d variants, gates %v", len(rep.Variants), gates)
	}
	for name, gate := range gates {
		for _, e := range rep.Effects {
			if gate.Method == MethodInstructions {
				// Counts are exact: every loop change of 3% or more, in
				// both directions, is found.
				if e.Unit == verdict.InstructionsUnit && math.Abs(e.Pct) >= 3 && gate.Detected[e] != 1 {
					t.Errorf("%s missed %s %s %+.0f%%", name, e.Benchmark, e.Unit, e.Pct)
				}
				continue
			}
			if e.Unit == verdict.InstructionsUnit {
				continue
			}
			if (e.Benchmark == "BenchmarkSlow100" || e.Unit == "allocs/op") && gate.Detected[e] != 1 {
				t.Errorf("%s missed %s %s %+.0f%%:\n%s", name, e.Benchmark, e.Unit, e.Pct, strings.Join(gate.Notes, "\n"))
			}
		}
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "Slow100 ns/op +100%") || !strings.Contains(out.String(), "benchstat, alternating 10 rounds") || !strings.Contains(out.String(), "of which confirmation") {
		t.Errorf("report:\n%s", out.String())
	}
}
