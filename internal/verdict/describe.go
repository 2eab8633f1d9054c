package verdict

import (
	"math"
	"slices"
	"time"

	"golang.org/x/perf/benchmath"
)

// Describe summarizes one results file without a baseline: every row has
// its Current statistics only and status ok. The comparison is marked
// ResultsOnly.
func Describe(current *Set, opts Options) (*Comparison, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	c := &Comparison{
		Schema:      Schema,
		Generated:   time.Now().UTC(),
		ResultsOnly: true,
		Current:     sideOf(current),
		Settings:    Settings{Thresholds: opts.Thresholds, Alpha: opts.Alpha, Confidence: opts.Confidence, Correction: opts.Correction},
		Warnings:    slices.Clone(current.Warnings),
	}
	th := &benchmath.Thresholds{CompareAlpha: opts.Alpha}
	for _, ser := range current.Series {
		class, better := Classify(ser.Unit, current.Units.GetBetter(ser.Unit))
		r := Row{
			Suite: ser.Suite, Pkg: ser.Pkg, Benchmark: fullName(ser), Unit: ser.DisplayUnit,
			Class: class, Better: better, DeltaPct: Number(math.NaN()), P: Number(math.NaN()),
			Status: StatusOK,
		}
		s := benchmath.NewSample(slices.Clone(ser.Values), th)
		r.Current = summarize(s, ser, current.Units.GetAssumption(ser.Unit), opts.Confidence, &r.Warnings)
		c.Rows = append(c.Rows, r)
	}
	c.count()
	return c, nil
}
