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
