package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// hostile is a comparison whose names, warnings and gaps carry what a
// crafted benchmark or shard could: mentions, issue links, bare URLs,
// carriage returns, terminal escapes and workflow commands.
func hostile(t *testing.T) *verdict.Comparison {
	c := fixture(t, 8, "BenchmarkX/@octocat", "BenchmarkX/@org/team", "BenchmarkX/#123", "BenchmarkX/https://evil.example/a", "BenchmarkX/www.evil.example")
	c.Rows[0].Benchmark = "BenchmarkEvil\r\x1b]0;pwned\x07\x1b[2J::error::boom-8"
	c.Rows[0].Status = verdict.StatusRegression
	c.Warnings = append(c.Warnings, "::add-mask::secret @octocat\r\x1b[31m")
	c.Gaps = append(c.Gaps, "shard kafka failed: ::error::x #456")
	return c
}

func TestMarkdownDefusesData(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, hostile(t), DefaultMarkdownOptions); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"@octocat", "@org", "#123", "#456", "https://evil", "www.evil", "\r", "\x1b", "\x07"} {
		if strings.Contains(md, bad) {
			t.Errorf("the Markdown keeps %q live", bad)
		}
	}
	// Defused, not dropped: every hostile row, warning and gap is still
	// there to read.
	for _, want := range []string{"@\u200boctocat", "#\u200b123", "https:\u200b//evil.example", "www\u200b.evil", "BenchmarkEvil", "boom", "secret", "shard kafka failed"} {
		if !strings.Contains(md, want) {
			t.Errorf("the Markdown lost %q (defused, but still readable)", want)
		}
	}
}

func TestTextDefusesData(t *testing.T) {
	var b bytes.Buffer
	if err := Text(&b, hostile(t)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"\r", "\x1b", "\x07", "::error::", "::add-mask::"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("the text report prints %q", bad)
		}
	}
	for _, want := range []string{"BenchmarkEvil", "boom", "secret", "shard kafka failed", "BenchmarkX/@octocat"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the text report lost %q (it must be defused, not dropped)", want)
		}
	}
}

func TestHTMLDefusesStatus(t *testing.T) {
	c := hostile(t)
	c.Rows[0].Status = `regression" onmouseover="alert(1)`
	var b bytes.Buffer
	if err := HTML(&b, c, DefaultHTMLOptions); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `" onmouseover="`) {
		t.Error("a status from the data opens an attribute in the HTML")
	}
	if !strings.Contains(b.String(), "BenchmarkEvil") {
		t.Error("the hostile row is not in the HTML at all (defused, not dropped)")
	}
}

func TestReadJSONRejectsUnknownStatus(t *testing.T) {
	c := fixture(t, 3)
	c.Rows[1].Status = "<img src=x>"
	var b bytes.Buffer
	verdict.WriteJSON(&b, c)
	path := filepath.Join(t.TempDir(), "comparison.json")
	os.WriteFile(path, b.Bytes(), 0o644)
	if _, err := verdict.ReadComparison(path); err == nil || !strings.Contains(err.Error(), "unknown status") {
		t.Errorf("ReadJSON: %v, want an unknown-status error", err)
	}
}

// TestChartLeavesOutWhatDidNotMove: rows with no change and no spread
// (allocation counts that stayed put) are not drawn, and counted.
func TestChartLeavesOutWhatDidNotMove(t *testing.T) {
	c := fixture(t, 4)
	still := c.Rows[0]
	still.Unit, still.DeltaPct = "allocs/op", 0
	still.Base = &verdict.Stats{Center: 2, Lo: 2, Hi: 2, N: 6}
	still.Current = &verdict.Stats{Center: 2, Lo: 2, Hi: 2, N: 6}
	c.Rows = append(c.Rows, still)
	ch := newChart(c, 1000)
	if ch.Still != 1 || ch.Shown != len(c.Rows)-1 {
		t.Errorf("chart shows %d, leaves out %d still rows; want %d and 1", ch.Shown, ch.Still, len(c.Rows)-1)
	}
}
