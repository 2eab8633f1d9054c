package report

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestLongListsAreCapped: missing benchmarks, gaps, warnings and
// profiled benchmarks beyond their caps are counted, not listed.
func TestLongListsAreCapped(t *testing.T) {
	c := verdict.Empty(verdict.DefaultOptions)
	for i := range 25 {
		c.Rows = append(c.Rows, verdict.Row{Benchmark: fmt.Sprintf("BenchmarkGone%02d-2", i), Unit: "sec/op", Status: verdict.StatusMissing})
		c.Gaps = append(c.Gaps, fmt.Sprintf("gap %02d", i))
	}
	for i := range 12 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("warning %02d", i))
	}
	for i := range 7 {
		c.Profiles = append(c.Profiles, profile.Diff{Pkg: "example.com/m", Benchmark: fmt.Sprintf("BenchmarkProfiled%d", i)})
	}
	var b strings.Builder
	if err := Markdown(&b, c, DefaultMarkdownOptions); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"`BenchmarkGone00`, `BenchmarkGone01`, ", "`BenchmarkGone19` and 5 more. A benchmark",
		"- ⛔ gap 19\n- … and 5 more gaps (see comparison.json)\n",
		"- ⚠️ warning 09\n- … and 2 more warnings (see comparison.json)\n",
		"**example.com/m.BenchmarkProfiled4**", "_… and 2 more profiled benchmarks in comparison.json._\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	head, _, _ := strings.Cut(md[strings.Index(md, "Missing on the current side"):], "\n")
	if strings.Contains(head, "BenchmarkGone20") {
		t.Errorf("the missing line lists BenchmarkGone20, beyond its cap: %s", head)
	}
	for _, absent := range []string{"gap 20", "warning 10", "BenchmarkProfiled5"} {
		if strings.Contains(md, absent) {
			t.Errorf("the report lists %q, beyond its cap", absent)
		}
	}
}

// TestLargeComparisonFits: 700 rows, 60 gaps and 40 broken benchmarks
// with long names make a report.md under 60,000 characters that keeps
// every regression (they come first) and says how many rows are only in
// report.html.
func TestLargeComparisonFits(t *testing.T) {
	c := &verdict.Comparison{Schema: verdict.Schema}
	long := strings.Repeat("messages=100000/msgSize=1024B/", 4)
	for i := range 700 {
		st := verdict.StatusOK
		if i%70 == 3 {
			st = verdict.StatusRegression
		}
		c.Rows = append(c.Rows, verdict.Row{Pkg: "github.com/acme/streamer/pkg/storage/log", Benchmark: fmt.Sprintf("BenchmarkFetch/%s%d-2", long, i), Unit: "ns/op", Status: st,
			Base: &verdict.Stats{Center: 100, Lo: 99, Hi: 101, N: 6}, Current: &verdict.Stats{Center: 130, Lo: 129, Hi: 131, N: 6}, DeltaPct: 30, P: 0.002, ThresholdPct: 20})
	}
	for i := range 60 {
		c.Gaps = append(c.Gaps, fmt.Sprintf("current: github.com/acme/streamer/pkg/storage/topic: BenchmarkConsume/%s%d: panic: runtime error at topic.go:%d", long, i, i))
	}
	for i := range 40 {
		c.Broken = append(c.Broken, verdict.Broken{Pkg: "github.com/acme/streamer/pkg/storage/log", Benchmark: fmt.Sprintf("BenchmarkCompaction/%s%d", long, i), Sides: verdict.SidesBoth, Reason: fmt.Sprintf("failed: benchmark_test.go:%d: batch too large for segment %d", 400+i, i)})
	}
	c.Recount()
	var b strings.Builder
	if err := Markdown(&b, c, DefaultMarkdownOptions); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if n := utf8.RuneCountInString(md); n >= 60_000 {
		t.Errorf("report.md has %d characters, want under 60,000", n)
	}
	for i := 3; i < 700; i += 70 {
		if name := fmt.Sprintf("BenchmarkFetch/%s%d-2", long, i); !strings.Contains(md, name) {
			t.Errorf("regression %d is not in report.md", i)
		}
	}
	if !strings.Contains(md, "report.html") {
		t.Error("report.md does not say where the rest is")
	}
}
