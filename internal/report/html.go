package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/verdict"
)

//go:embed html.tmpl
var htmlFS embed.FS

var htmlTmpl = template.Must(template.New("html.tmpl").Funcs(template.FuncMap{
	"value":  Value,
	"delta":  Delta,
	"status": StatusLabel,
	"short":  ShortCommit,
	"pct":    func(n verdict.Number) string { return Delta(n) },
	"lower":  func(s verdict.Status) string { return string(s) },
}).ParseFS(htmlFS, "html.tmpl"))

// HTMLOptions configure HTML.
type HTMLOptions struct {
	// ChartRows is the most bars the change chart draws: the rows that
	// changed most. Default 60.
	ChartRows int
	// Now is the time printed in the header. Default: the comparison's
	// Generated time.
	Now time.Time
}

// DefaultHTMLOptions are the defaults of HTMLOptions.
var DefaultHTMLOptions = HTMLOptions{ChartRows: 60}

// HTML writes a self-contained page (inline CSS, SVG and a little
// JavaScript for sorting and filtering; no network fetches) of a
// comparison or, for a ResultsOnly comparison, of results. Every name from
// a benchmark is escaped by html/template.
func HTML(w io.Writer, c *verdict.Comparison, opts HTMLOptions) error {
	if opts.ChartRows <= 0 {
		opts.ChartRows = DefaultHTMLOptions.ChartRows
	}
	if opts.Now.IsZero() {
		opts.Now = c.Generated
	}
	return htmlTmpl.Execute(w, newPage(c, opts))
}

type page struct {
	C        *verdict.Comparison
	Now      string
	Title    string
	Counts   []count
	Suites   []suitePage
	Chart    *chart
	AvgMBps  string
	Machine  string
	Settings string
	Why      []whyPage
	// Broken are the comparison's broken benchmarks, one line each;
	// Quarantined the quarantine entries that hold.
	Broken, Quarantined []string
}

// whyPage is one profiled benchmark's top changes.
type whyPage struct {
	Name     string
	Lines    []string
	Commands []string
}

type count struct {
	Label, Class string
	N            int
}

type suitePage struct {
	Name    string
	Geomean []string
	Rows    []rowPage
}

type rowPage struct {
	*verdict.Row
	Name, Metric      string
	Base, Cur         string
	Change, P, N      string
	StatusText        string
	ChangeSort        float64
	BaseSort, CurSort float64
	PSort             float64
	Dots              template.HTML
}

func newPage(c *verdict.Comparison, opts HTMLOptions) *page {
	p := &page{C: c, Now: opts.Now.UTC().Format("2006-01-02 15:04 UTC"), Machine: machine(c.Current), Broken: brokenLines(c), Quarantined: quarantinedLines(c)}
	s := c.Summary
	switch {
	case c.ResultsOnly:
		p.Title = "Benchmark results"
		p.Counts = []count{{"benchmarks", "ok", s.Benchmarks}, {"metrics", "ok", s.Rows}}
	case c.Regressed():
		p.Title = "Performance regressions detected"
	case c.Outcome() == verdict.Fail:
		p.Title = "Benchmarks missing on the current side"
	case c.Outcome() == verdict.NoVerdict:
		p.Title = "No verdict: the evidence is incomplete"
	default:
		p.Title = "No performance regressions"
	}
	if !c.ResultsOnly {
		p.Counts = []count{
			{"regressions", "regression", s.Regressions}, {"improvements", "improvement", s.Improvements},
			{"unchanged", "ok", s.Unchanged}, {"undecided", "undecided", s.Undecided},
			{"missing", "missing", s.Missing}, {"new", "new", s.New},
		}
		if n := len(c.NotAffected); n > 0 {
			p.Counts = append(p.Counts, count{"packages not affected (not measured)", "ok", n})
		}
		p.Settings = "thresholds: " + c.Settings.String()
	}
	p.AvgMBps = averageMBps(c)
	for _, d := range c.Profiles {
		w := whyPage{Name: shortImport(d.Pkg) + "." + d.Benchmark, Commands: d.Commands}
		for _, x := range slower(d.CPUModule) {
			w.Lines = append(w.Lines, "CPU in the module "+cpuLine(x))
		}
		for _, x := range slower(d.CPUFlat) {
			w.Lines = append(w.Lines, "CPU "+cpuLine(x))
		}
		for _, x := range slower(d.Memory) {
			w.Lines = append(w.Lines, "memory "+memLine(x))
		}
		p.Why = append(p.Why, w)
	}
	geo := map[string][]string{}
	for _, ss := range c.Suites {
		units := make([]string, 0, len(ss.GeomeanPct))
		for u := range ss.GeomeanPct {
			units = append(units, u)
		}
		slices.Sort(units)
		for _, u := range units {
			geo[ss.Name] = append(geo[ss.Name], fmt.Sprintf("%s %s", u, Delta(ss.GeomeanPct[u])))
		}
	}
	idx := map[string]int{}
	for i := range c.Rows {
		r := &c.Rows[i]
		j, ok := idx[r.Suite]
		if !ok {
			j = len(p.Suites)
			idx[r.Suite] = j
			name := r.Suite
			if name == "" {
				name = "benchmarks"
			}
			p.Suites = append(p.Suites, suitePage{Name: name, Geomean: geo[r.Suite]})
		}
		p.Suites[j].Rows = append(p.Suites[j].Rows, newRowPage(r))
	}
	if !c.ResultsOnly {
		p.Chart = newChart(c, opts.ChartRows)
	}
	return p
}

func newRowPage(r *verdict.Row) rowPage {
	rp := rowPage{Row: r, Name: BenchName(r), Metric: Metric(r), Base: "—", Cur: "—", Change: "—", P: "—", StatusText: rowStatus(r),
		ChangeSort: math.Inf(-1), BaseSort: math.Inf(-1), CurSort: math.Inf(-1), PSort: 2}
	if r.Base != nil {
		rp.Base = Value(float64(r.Base.Center)) + " " + Range(r.Base)
		rp.BaseSort = float64(r.Base.Center)
	}
	if r.Current != nil {
		rp.Cur = Value(float64(r.Current.Center)) + " " + Range(r.Current)
		rp.CurSort = float64(r.Current.Center)
	}
	if r.DeltaPct.Finite() || math.IsInf(float64(r.DeltaPct), 0) {
		rp.Change = Delta(r.DeltaPct)
		rp.ChangeSort = clampSort(float64(r.DeltaPct))
	}
	if r.P.Finite() {
		rp.P = fmt.Sprintf("%.3f", float64(r.P))
		rp.PSort = float64(r.P)
	}
	switch {
	case r.Base != nil && r.Current != nil && r.Base.N != r.Current.N:
		rp.N = fmt.Sprintf("%d+%d", r.Base.N, r.Current.N)
	case r.Current != nil:
		rp.N = fmt.Sprint(r.Current.N)
	case r.Base != nil:
		rp.N = fmt.Sprint(r.Base.N)
	}
	rp.Dots = dots(r)
	return rp
}

func clampSort(f float64) float64 {
	return math.Max(-1e12, math.Min(1e12, f))
}

// averageMBps is the mean of the current MB/s medians, or "".
func averageMBps(c *verdict.Comparison) string {
	sum, n := 0.0, 0
	for _, r := range c.Rows {
		if r.Current != nil && r.Unit == "MB/s" && r.Current.Center.Finite() {
			sum += float64(r.Current.Center)
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s MB/s over %d benchmarks", Value(sum/float64(n)), n)
}

// dots draws both sides' samples on one scale: base above, current below.
func dots(r *verdict.Row) template.HTML {
	const w, h, pad = 140.0, 22.0, 4.0
	var all []float64
	for _, s := range []*verdict.Stats{r.Base, r.Current} {
		if s != nil {
			all = append(all, s.Samples...)
		}
	}
	if len(all) == 0 {
		return ""
	}
	lo, hi := slices.Min(all), slices.Max(all)
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	x := func(v float64) float64 { return pad + (v-lo)/(hi-lo)*(w-2*pad) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="dots" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="samples: base above, current below">`, w, h, w, h)
	for i, s := range []*verdict.Stats{r.Base, r.Current} {
		if s == nil {
			continue
		}
		y, cls := 6.0, "b"
		if i == 1 {
			y, cls = 16.0, "c"
		}
		for _, v := range s.Samples {
			fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%g" r="2.5"/>`, cls, x(v), y)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
