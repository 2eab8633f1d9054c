package report

import (
	"fmt"
	"strings"
	"testing"

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
