package history

import (
	"cmp"
	"slices"
	"time"

	"golang.org/x/perf/benchmath"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A Point is one run's summary of one metric.
type Point struct {
	Commit string    `json:"commit"`
	Date   time.Time `json:"date"`
	RunID  string    `json:"run_id"`
	Median float64   `json:"median"`
	// Lo and Hi bound the median's 95% interval; null when unbounded.
	Lo verdict.Number `json:"lo"`
	Hi verdict.Number `json:"hi"`
	N  int            `json:"n"`
	// Epoch numbers the machine fingerprints in order of appearance.
	Epoch int `json:"epoch"`
}

// A Series is one benchmark metric over the runs, in commit order. Each
// machine fingerprint is an epoch of its own: detection runs within an
// epoch, never across, so a change of runner or Go is not a change point.
type Series struct {
	Pkg       string   `json:"pkg,omitempty"`
	Benchmark string   `json:"benchmark"`
	Unit      string   `json:"unit"`
	Better    int      `json:"better"`
	Epochs    []string `json:"epochs"`
	Points    []Point  `json:"points"`
}

// Name is "pkg.Benchmark unit" for people.
func (s *Series) Name() string {
	n := s.Benchmark
	if s.Pkg != "" {
		n = s.Pkg + "." + n
	}
	return n + " " + s.Unit
}

// A Finding is a change point or a drift of a series.
type Finding struct {
	Series *Series `json:"-"`
	// Kind is "change point" or "drift".
	Kind      changepoint.Kind `json:"kind"`
	Pkg       string           `json:"pkg,omitempty"`
	Benchmark string           `json:"benchmark"`
	Unit      string           `json:"unit"`
	Epoch     string           `json:"epoch"`
	LastGood  string           `json:"last_good"`
	FirstBad  string           `json:"first_bad"`
	Before    float64          `json:"before"`
	After     float64          `json:"after"`
	ChangePct float64          `json:"change_pct"`
	P         float64          `json:"p,omitempty"`
	// Worse is set when the change is in the metric's bad direction.
	Worse bool `json:"worse"`
	// Acknowledged is set when the acknowledgements accept it.
	Acknowledged bool `json:"acknowledged"`
	// Index is the first point of the new level in Series.Points.
	Index int `json:"index"`
}

// TrendOptions configure Analyze.
type TrendOptions struct {
	changepoint.Options
	// DriftPct is the smallest slide from the best to the latest level
	// reported as drift. Default 5.
	DriftPct float64
	// DriftPiece is the length of the pieces a level is cut into to see
	// a slide. Default 10.
	DriftPiece int
}

// DefaultTrendOptions are the defaults of TrendOptions.
var DefaultTrendOptions = TrendOptions{Options: changepoint.DefaultOptions, DriftPct: 5, DriftPiece: 10}

// Analyze orders runs by order (commit hash -> position on the
// first-parent line, oldest first; runs of other commits are left out),
// builds a series per benchmark metric and finds its change points and
// drift within each epoch.
func Analyze(runs []*Run, order map[string]int, o TrendOptions) ([]*Series, []Finding) {
	runs = slices.Clone(runs)
	runs = slices.DeleteFunc(runs, func(r *Run) bool { _, ok := order[r.Commit]; return !ok })
	slices.SortStableFunc(runs, func(a, b *Run) int {
		if c := cmp.Compare(order[a.Commit], order[b.Commit]); c != 0 {
			return c
		}
		return a.Recorded.Compare(b.Recorded)
	})
	type key struct{ pkg, bench, unit string }
	byKey := map[key]*Series{}
	var series []*Series
	th := &benchmath.Thresholds{CompareAlpha: 0.05}
	for _, r := range runs {
		fp := r.Machine.Fingerprint()
		for _, m := range r.Metrics {
			if len(m.Samples) == 0 {
				continue
			}
			k := key{m.Pkg, m.Benchmark, m.Unit}
			s := byKey[k]
			if s == nil {
				_, better := verdict.Classify(m.Unit, 0)
				s = &Series{Pkg: m.Pkg, Benchmark: m.Benchmark, Unit: m.Unit, Better: better}
				byKey[k] = s
				series = append(series, s)
			}
			epoch := slices.Index(s.Epochs, fp)
			if epoch < 0 {
				s.Epochs = append(s.Epochs, fp)
				epoch = len(s.Epochs) - 1
			}
			sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(m.Samples), th), 0.95)
			s.Points = append(s.Points, Point{Commit: r.Commit, Date: r.Date, RunID: r.ID, Median: sum.Center, Lo: verdict.Number(sum.Lo), Hi: verdict.Number(sum.Hi), N: len(m.Samples), Epoch: epoch})
		}
	}
	var findings []Finding
	for _, s := range series {
		if s.Better == 0 {
			continue
		}
		for e := range s.Epochs {
			var idx []int
			var x []float64
			for i, p := range s.Points {
				if p.Epoch == e {
					idx = append(idx, i)
					x = append(x, p.Median)
				}
			}
			pts := changepoint.Detect(x, o.Options)
			for _, cp := range pts {
				f := s.finding(changepoint.Step, e, idx[cp.Index-1], idx[cp.Index], cp.Before, cp.After, cp.ChangePct)
				f.P = cp.P
				findings = append(findings, f)
			}
			if d, ok := changepoint.FindDrift(x, pts, s.Better, o.DriftPiece, o.DriftPct); ok {
				first := idx[d.Latest]
				last := first - 1
				if d.Latest == 0 {
					last = first
				}
				findings = append(findings, s.finding(changepoint.Slide, e, last, first, d.BestMedian, d.LatestMedian, d.ChangePct))
			}
		}
	}
	return series, findings
}

func (s *Series) finding(kind changepoint.Kind, epoch, lastGood, firstBad int, before, after, pct float64) Finding {
	return Finding{Series: s, Kind: kind, Pkg: s.Pkg, Benchmark: s.Benchmark, Unit: s.Unit, Epoch: s.Epochs[epoch],
		LastGood: s.Points[lastGood].Commit, FirstBad: s.Points[firstBad].Commit, Index: firstBad,
		Before: before, After: after, ChangePct: pct, Worse: -float64(s.Better)*pct > 0}
}
