package report

import (
	"bytes"
	"github.com/benchgate/benchgate/internal/golden"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		name string
		rows int
	}{{"small", 30}, {"limit_2000", 2000}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixture(t, tt.rows, "BenchmarkX/<script>alert(1)</script>", "BenchmarkPipe/a|b*c_d")
			var buf bytes.Buffer
			if err := Markdown(&buf, c, DefaultMarkdownOptions); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "markdown_"+tt.name+".md", buf.Bytes())
			checkMarkdown(t, buf.String(), len(c.Rows))
		})
	}
}

// checkMarkdown asserts the shape a reviewer relies on: within GitHub's
// limit, whole table rows only, regressions first, the rest folded, a note
// when rows were left out.
func checkMarkdown(t *testing.T, md string, rows int) {
	t.Helper()
	if len(md) > MarkdownLimit {
		t.Errorf("%d bytes exceeds GitHub's %d", len(md), MarkdownLimit)
	}
	tableRows := 0
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| Benchmark") || strings.HasPrefix(line, "|---") {
			continue
		}
		if strings.HasPrefix(line, "|") {
			tableRows++
			if !strings.HasSuffix(line, " |") || strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 7 {
				t.Fatalf("broken table row: %q", line)
			}
		}
	}
	if !strings.Contains(md, "<details><summary>") {
		t.Errorf("unchanged rows are not folded")
	}
	if i, j := strings.Index(md, "🔴 Regression"), strings.Index(md, "🟢 Improvement"); i < 0 || (j >= 0 && i > j) {
		t.Errorf("regressions do not come first")
	}
	if strings.Contains(md, "<script>") {
		t.Errorf("a benchmark name injected HTML")
	}
	cut := strings.Contains(md, "not shown to stay within GitHub's comment size limit")
	if cut != (tableRows < rows) {
		t.Errorf("%d of %d rows shown, truncation note present: %v", tableRows, rows, cut)
	}
	if !strings.Contains(md, "### ⚠️ Action Required") {
		t.Errorf("no Action Required section")
	}
}

func TestMarkdownResultsOnly(t *testing.T) {
	c := fixture(t, 5)
	c.ResultsOnly = true
	for i := range c.Rows {
		c.Rows[i].Base = nil
	}
	var buf bytes.Buffer
	if err := Markdown(&buf, c, DefaultMarkdownOptions); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| Benchmark | Metric | Current | n |") || strings.Contains(buf.String(), "Regression") {
		t.Errorf("results-only markdown:\n%s", buf.String())
	}
}

func BenchmarkRender5000(b *testing.B) {
	c := fixture(b, 5000)
	for _, r := range []struct {
		name   string
		render func(*bytes.Buffer) error
	}{
		{"format=markdown", func(w *bytes.Buffer) error { return Markdown(w, c, DefaultMarkdownOptions) }},
		{"format=html", func(w *bytes.Buffer) error { return HTML(w, c, DefaultHTMLOptions) }},
		{"format=json", func(w *bytes.Buffer) error { return verdict.WriteJSON(w, c) }},
		{"format=text", func(w *bytes.Buffer) error { return Text(w, c) }},
	} {
		b.Run(r.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := r.render(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "B/report")
		})
	}
}

// TestMarkdownReproduce: the caller's reproduce command, with the base
// commit, closes a report of a regression; without one there is none.
func TestMarkdownReproduce(t *testing.T) {
	c := fixture(t, 8)
	for _, tt := range []struct{ cmd, want string }{
		{"BENCH_BASE=%s go tool mage bench:regression", "Reproduce locally with `BENCH_BASE=1111111 go tool mage bench:regression`."},
		{"", ""},
	} {
		var b bytes.Buffer
		o := DefaultMarkdownOptions
		o.Reproduce = tt.cmd
		if err := Markdown(&b, c, o); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "Reproduce locally"); got != (tt.want != "") || !strings.Contains(b.String(), tt.want) {
			t.Errorf("Reproduce %q: report has the line %v, want %q", tt.cmd, got, tt.want)
		}
	}
}
