package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/benchgate/benchgate/internal/golden"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

// trendFixture is 30 runs: BenchmarkStep's ns/op 20% slower from run 20
// on, BenchmarkFlat unchanged, and a benchmark whose name is markup.
func trendFixture(t testing.TB) *Trend {
	order := map[string]int{}
	var runs []*history.Run
	for i := range 30 {
		commit := fmt.Sprintf("%07x%033d", 0xabc0000+i, 0)
		order[commit] = i
		wiggle := float64(i%5) - 2 // deterministic noise of ±0.2%
		step := 1000.0
		if i >= 20 {
			step = 1200
		}
		r := &history.Run{Schema: history.Schema, Commit: commit, ID: "1", Date: time.Date(2026, 11, 1+i/3, 0, 0, 0, 0, time.UTC),
			Machine: history.Machine{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", Go: "go1.26.8"}}
		for _, m := range []struct {
			name  string
			level float64
		}{{"BenchmarkStep-2", step}, {"BenchmarkFlat-2", 500}, {"BenchmarkX/<script>alert(1)</script>-2", 300}} {
			s := make([]float64, 6)
			for k := range s {
				s[k] = m.level * (1 + (wiggle+float64(k)-2.5)/1000)
			}
			r.Metrics = append(r.Metrics, history.Metric{Pkg: "example.com/svc/log", Benchmark: m.name, Unit: "ns/op", Samples: s})
		}
		runs = append(runs, r)
	}
	series, findings := history.Analyze(runs, order, history.DefaultTrendOptions)
	return &Trend{Branch: "benchgate-history", Runs: len(runs), Generated: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Series: series, Findings: findings}
}

func TestTrendMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := TrendMarkdown(&b, trendFixture(t)); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "trend.md", b.Bytes())
}

// TestTrendHTMLInBrowser loads trend.html in headless Chromium: no error,
// no fetch, no script from data; the change point is listed first, every
// series has a chart, and the filter hides the others.
func TestTrendHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	exe := chromium(t)
	path := filepath.Join(t.TempDir(), "trend.html")
	var b bytes.Buffer
	tr := trendFixture(t)
	if err := TrendHTML(&b, tr); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b.Bytes(), 0o644)
	pg := browse(t, exe, path, "#verdict")
	findings, err := chromedp.Run(pg.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#findings tr.worse')).map(r => r.cells[2].textContent + ' ' + r.cells[5].textContent)`))
	pg.must(err)
	charts, err := chromedp.Run(pg.ctx, chromedp.Evaluate[int](`document.querySelectorAll('section.series svg circle.run').length`))
	pg.must(err)
	pg.must(chromedp.Do(pg.ctx, chromedp.SendKeys("#filter", "Flat")))
	visible, err := chromedp.Run(pg.ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('section.series')).filter(s => s.style.display !== 'none').length`))
	pg.must(err)
	names, err := chromedp.Run(pg.ctx, chromedp.Evaluate[string](`document.body.textContent`))
	pg.must(err)
	pg.finish("trend.png")
	if len(findings) != 1 || !strings.Contains(findings[0], "BenchmarkStep-2 abc0014") {
		t.Errorf("worsening findings shown: %q, want BenchmarkStep at abc0014", findings)
	}
	if charts != 3*30 {
		t.Errorf("%d run dots, want 90 (3 series of 30 runs)", charts)
	}
	if visible != 1 {
		t.Errorf("the filter left %d series visible, want 1", visible)
	}
	if !strings.Contains(names, "<script>alert(1)</script>") {
		t.Error("the markup benchmark's name is not shown as text")
	}
}

// TestTrendHTMLFoldsStillSeries: metrics that never moved (B/op and
// allocs/op at 0 in every run) are one line listing them, not charts
// with made-up axes; a metric that moved stays a chart.
func TestTrendHTMLFoldsStillSeries(t *testing.T) {
	tr := trendFixture(t)
	for _, unit := range []string{"B/op", "allocs/op"} {
		s := &history.Series{Pkg: "example.com/svc/log", Benchmark: "BenchmarkStep-2", Unit: unit, Better: -1, Epochs: []string{"x"}}
		for i := range 30 {
			s.Points = append(s.Points, history.Point{Commit: fmt.Sprint(i), Median: 0, N: 6})
		}
		tr.Series = append(tr.Series, s)
	}
	var b bytes.Buffer
	if err := TrendHTML(&b, tr); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{`<details id="still"><summary>2 metrics never moved`, "example.com/svc/log.BenchmarkStep-2 B/op = 0, example.com/svc/log.BenchmarkStep-2 allocs/op = 0", "5 benchmark metrics"} {
		if !strings.Contains(html, want) {
			t.Errorf("trend.html lacks %q", want)
		}
	}
	if n := strings.Count(html, `<section class="series"`); n != 3 {
		t.Errorf("%d charts, want the 3 metrics that moved", n)
	}
	if strings.Contains(html, `data-name="example.com/svc/log.BenchmarkStep-2 B/op"`) {
		t.Error("a still metric is drawn as a chart")
	}
}

// TestTrendJSONAsJSONValue: the streaming writer of changepoints.json
// writes exactly what the whole-value encoder does, with series, without,
// and with markup in a name (not escaped, as JSONValue leaves it).
func TestTrendJSONAsJSONValue(t *testing.T) {
	full := trendFixture(t)
	for name, tr := range map[string]*Trend{
		"series":    full,
		"one":       {Branch: "b", Runs: 1, Series: full.Series[:1]},
		"no series": {Branch: "b<&>", Runs: 0},
		"empty":     {Series: []*history.Series{}, Findings: []history.Finding{}},
	} {
		var want, got bytes.Buffer
		if err := JSONValue(&want, tr); err != nil {
			t.Fatal(err)
		}
		if err := TrendJSON(&got, tr); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: TrendJSON wrote\n%s\nJSONValue\n%s", name, got.String(), want.String())
		}
	}
}

// TestLongTrendChartIsBounded: a series of 100,000 runs draws at most
// maxMarks marks, and a step in it still shows as two levels.
func TestLongTrendChartIsBounded(t *testing.T) {
	s := &history.Series{Pkg: "example.com/m", Benchmark: "BenchmarkLong", Unit: "ns/op", Better: -1, Epochs: []string{"m"}}
	for i := range 100_000 {
		v := 1000.0
		if i >= 50_000 {
			v = 2000
		}
		s.Points = append(s.Points, history.Point{Commit: fmt.Sprintf("%040x", i), Median: v, Lo: verdict.Number(v - 1), Hi: verdict.Number(v + 1), N: 10})
	}
	svg := seriesSVG(s, nil)
	if n := strings.Count(svg, "<circle"); n > maxMarks || n < maxMarks/2 {
		t.Errorf("%d marks drawn for 100,000 runs, want at most %d", n, maxMarks)
	}
	if len(svg) > 400_000 {
		t.Errorf("chart of %d bytes", len(svg))
	}
	for _, want := range []string{"139 runs, 0000000 0001-01-01 to", ": 1000</title>", ": 2000</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}
