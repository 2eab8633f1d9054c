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
	a := NewAnalysis(order)
	for _, r := range runs {
		a.Add(r)
	}
	return a.Find(o)
}

// An Analysis gathers runs one at a time, keeping of each metric only its
// summary (a Point), so that a long history is never held whole; Find
// then orders the points and finds change points and drift as Analyze
// does.
type Analysis struct {
	order map[string]int
	runs  []runKey
	// machines are the fingerprints seen, in order of appearance.
	machines []string
	byKey    map[seriesKey]*building
	th       *benchmath.Thresholds
}

type seriesKey struct{ pkg, bench, unit string }

// runKey is a run as the analysis keeps it: what orders it (its commit's
// position, when it was recorded, the order it was added in) and what its
// points name.
type runKey struct {
	pos      int
	recorded time.Time
	machine  int
	commit   string
	date     time.Time
	id       string
}

// building is a series while runs are added, its points kept small until
// Find (100,000 runs of 15 metrics are 1.5 million of them).
type building struct {
	s      *Series
	points []smallPoint
}

// smallPoint is a Point while runs are added: its run, the metric's place
// in that run, and the run's summary of the metric.
type smallPoint struct {
	run, metric int32
	n           int32
	median      float64
	lo, hi      verdict.Number
}

// NewAnalysis starts an analysis of the runs of the commits in order.
func NewAnalysis(order map[string]int) *Analysis {
	return &Analysis{order: order, byKey: map[seriesKey]*building{}, th: &benchmath.Thresholds{CompareAlpha: 0.05}}
}

// Add summarizes one run; a run of a commit not in the order is left out.
func (a *Analysis) Add(r *Run) {
	pos, ok := a.order[r.Commit]
	if !ok {
		return
	}
	fp := r.Machine.Fingerprint()
	m := slices.Index(a.machines, fp)
	if m < 0 {
		a.machines = append(a.machines, fp)
		m = len(a.machines) - 1
	}
	ri := int32(len(a.runs))
	a.runs = append(a.runs, runKey{pos: pos, recorded: r.Recorded, machine: m, commit: r.Commit, date: r.Date, id: r.ID})
	for mi, met := range r.Metrics {
		if len(met.Samples) == 0 {
			continue
		}
		k := seriesKey{met.Pkg, met.Benchmark, met.Unit}
		b := a.byKey[k]
		if b == nil {
			_, better := verdict.Classify(met.Unit, 0)
			b = &building{s: &Series{Pkg: met.Pkg, Benchmark: met.Benchmark, Unit: met.Unit, Better: better}}
			a.byKey[k] = b
		}
		sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(met.Samples), a.th), 0.95)
		b.points = append(b.points, smallPoint{run: ri, metric: int32(mi), n: int32(len(met.Samples)), median: sum.Center, lo: verdict.Number(sum.Lo), hi: verdict.Number(sum.Hi)})
	}
}

// compareRuns orders runs by commit position, then by when they were
// recorded, then as they were added.
func (a *Analysis) compareRuns(x, y int32) int {
	rx, ry := &a.runs[x], &a.runs[y]
	if c := cmp.Compare(rx.pos, ry.pos); c != 0 {
		return c
	}
	if c := rx.recorded.Compare(ry.recorded); c != 0 {
		return c
	}
	return cmp.Compare(x, y)
}

// Find orders each series' points by run, numbers its epochs in order of
// appearance, and finds change points and drift within each epoch. The
// series come in the order their first points do.
func (a *Analysis) Find(o TrendOptions) ([]*Series, []Finding) {
	var built []*building
	for _, b := range a.byKey {
		slices.SortStableFunc(b.points, func(x, y smallPoint) int { return a.compareRuns(x.run, y.run) })
		b.s.Points = make([]Point, len(b.points))
		seen := map[int]int{}
		for i, sp := range b.points {
			r := &a.runs[sp.run]
			e, ok := seen[r.machine]
			if !ok {
				e = len(b.s.Epochs)
				seen[r.machine] = e
				b.s.Epochs = append(b.s.Epochs, a.machines[r.machine])
			}
			b.s.Points[i] = Point{Commit: r.commit, Date: r.date, RunID: r.id, Median: sp.median, Lo: sp.lo, Hi: sp.hi, N: int(sp.n), Epoch: e}
		}
		b.points = []smallPoint{b.points[0]} // the first, to order the series by; the rest is freed
		built = append(built, b)
	}
	slices.SortFunc(built, func(x, y *building) int {
		if c := a.compareRuns(x.points[0].run, y.points[0].run); c != 0 {
			return c
		}
		return cmp.Compare(x.points[0].metric, y.points[0].metric)
	})
	series := make([]*Series, len(built))
	for i, b := range built {
		series[i] = b.s
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
