// Package history remembers benchmark runs: one small compressed file per
// run on a branch of the benchmarked repository (benchgate-history by
// default), written with go-git as commits made directly from objects.
// HEAD, the index, the working tree and every other ref stay untouched.
// Runs only add files, so concurrent appends never conflict; a lost race
// to move the branch is retried on the new tip.
package history

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Schema is the version of a run file's format.
const Schema = 1

// A Run is everything remembered of one benchmark run of one commit.
type Run struct {
	Schema int `json:"schema"`
	// Commit is the measured commit, Parent its first parent.
	Commit string `json:"commit"`
	Parent string `json:"parent,omitempty"`
	// Date is the commit's committer date; Recorded when the run was
	// stored.
	Date     time.Time `json:"date"`
	Recorded time.Time `json:"recorded"`
	// ID tells runs of one commit apart (the CI run ID, or a time stamp).
	ID      string   `json:"id"`
	Machine Machine  `json:"machine"`
	Time    string   `json:"benchtime,omitempty"`
	Count   int      `json:"count,omitempty"`
	Metrics []Metric `json:"metrics"`
}

// A Machine is what makes runs comparable: runs of different machines or
// Go versions belong to different epochs of a series.
type Machine struct {
	GOOS   string `json:"goos,omitempty"`
	GOARCH string `json:"goarch,omitempty"`
	CPU    string `json:"cpu,omitempty"`
	Go     string `json:"go,omitempty"`
}

// Fingerprint is the machine as one string.
func (m Machine) Fingerprint() string {
	return strings.Join([]string{m.GOOS, m.GOARCH, m.CPU, m.Go}, " ")
}

// A Metric is every sample of one benchmark metric in a run, and for an
// A/B run its change against the base with the interval the two sides'
// confidence intervals allow.
type Metric struct {
	Pkg       string    `json:"pkg,omitempty"`
	Benchmark string    `json:"benchmark"`
	Unit      string    `json:"unit"`
	Samples   []float64 `json:"samples"`
	// Versus is set for a metric of an A/B run.
	Versus *Versus `json:"versus,omitempty"`
}

// Versus is an A/B run's change of a metric against its base.
type Versus struct {
	Base     string  `json:"base"`
	DeltaPct float64 `json:"delta_pct"`
	LoPct    float64 `json:"lo_pct"`
	HiPct    float64 `json:"hi_pct"`
}

// FromResults makes a run of a results file's set; cmp, when not nil and
// made against the same current commit, adds each metric's change against
// its base.
func FromResults(set *verdict.Set, cmp *verdict.Comparison) *Run {
	c := set.Config
	r := &Run{Schema: Schema, Commit: c["commit"], Time: c["benchtime"],
		Machine: Machine{GOOS: c["goos"], GOARCH: c["goarch"], CPU: c["cpu"], Go: c["go"]}}
	for _, s := range set.Series {
		name := s.Name
		if s.Procs > 0 {
			name = fmt.Sprintf("%s-%d", s.Name, s.Procs)
		}
		r.Metrics = append(r.Metrics, Metric{Pkg: s.Pkg, Benchmark: name, Unit: s.DisplayUnit, Samples: scaled(s.Values, s.DisplayFactor)})
		r.Count = max(r.Count, len(s.Values))
	}
	if cmp != nil && cmp.Current.Commit == r.Commit && r.Commit != "" {
		type key struct{ pkg, bench, unit string }
		idx := map[key]int{}
		for i, m := range r.Metrics {
			idx[key{m.Pkg, m.Benchmark, m.Unit}] = i
		}
		for i := range cmp.Rows {
			row := &cmp.Rows[i]
			j, ok := idx[key{row.Pkg, row.Benchmark, row.Unit}]
			lo, hi, okI := row.ChangeInterval()
			if ok && okI && row.DeltaPct.Finite() {
				r.Metrics[j].Versus = &Versus{Base: cmp.Base.Commit, DeltaPct: float64(row.DeltaPct), LoPct: lo, HiPct: hi}
			}
		}
	}
	slices.SortFunc(r.Metrics, func(a, b Metric) int {
		return strings.Compare(a.Pkg+"\x00"+a.Benchmark+"\x00"+a.Unit, b.Pkg+"\x00"+b.Benchmark+"\x00"+b.Unit)
	})
	return r
}

func scaled(v []float64, f float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

// Path is where the run is stored on the branch:
// runs/2026/11/2026-11-26-a1b2c3d-<id>.json.gz, by the commit's date.
func (r *Run) Path() string {
	d := r.Date.UTC()
	return fmt.Sprintf("runs/%04d/%02d/%s-%s-%s.json.gz", d.Year(), int(d.Month()), d.Format("2006-01-02"), verdict.ShortCommit(r.Commit), safeID(r.ID))
}

func safeID(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}
