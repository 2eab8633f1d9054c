package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/benchgate/benchgate/internal/markdown"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A Trend is what the trend reports show: the history's series and what
// was found in them.
type Trend struct {
	Generated time.Time         `json:"generated"`
	Branch    string            `json:"branch"`
	Runs      int               `json:"runs"`
	Series    []*history.Series `json:"series"`
	Findings  []history.Finding `json:"findings"`
}

// JSONValue writes v as indented JSON.
func JSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// TrendJSON writes t as JSONValue does, one series at a time: a long
// history's file (100,000 runs make hundreds of MB) is never held whole.
func TrendJSON(w io.Writer, t *Trend) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// put writes v indented at depth (prefix) and then end.
	put := func(prefix string, v any, end string) error {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		_, err := bw.WriteString(end)
		return err
	}
	bw.WriteString("{\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"generated", t.Generated}, {"branch", t.Branch}, {"runs", t.Runs}} {
		fmt.Fprintf(bw, "  %q: ", f.name)
		if err := put("  ", f.v, ",\n"); err != nil {
			return err
		}
	}
	bw.WriteString(`  "series": `)
	if len(t.Series) == 0 {
		if err := put("  ", t.Series, ",\n"); err != nil {
			return err
		}
	} else {
		bw.WriteString("[\n")
		for i, s := range t.Series {
			end := ",\n"
			if i == len(t.Series)-1 {
				end = "\n"
			}
			bw.WriteString("    ")
			if len(s.Points) == 0 {
				if err := put("    ", s, end); err != nil {
					return err
				}
				continue
			}
			// The series without its points ends in `"points": []`; its
			// points follow one at a time (100,000 points encoded at once
			// are tens of MB).
			head := *s
			head.Points = []history.Point{}
			buf.Reset()
			enc.SetIndent("    ", "  ")
			if err := enc.Encode(&head); err != nil {
				return err
			}
			const tail = "[]\n    }\n"
			if !bytes.HasSuffix(buf.Bytes(), []byte(tail)) {
				return fmt.Errorf("encoding series %s: unexpected end %q", s.Name(), buf.Bytes()[max(0, buf.Len()-20):])
			}
			bw.Write(buf.Bytes()[:buf.Len()-len(tail)])
			bw.WriteString("[\n")
			for k := range s.Points {
				pend := ",\n"
				if k == len(s.Points)-1 {
					pend = "\n"
				}
				bw.WriteString("        ")
				if err := put("        ", &s.Points[k], pend); err != nil {
					return err
				}
			}
			bw.WriteString("      ]\n    }" + end)
		}
		bw.WriteString("  ],\n")
	}
	bw.WriteString(`  "findings": `)
	if err := put("  ", t.Findings, "\n}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

func (t *Trend) open() int {
	n := 0
	for _, f := range t.Findings {
		if f.Worse && !f.Acknowledged {
			n++
		}
	}
	return n
}

// TrendMarkdown writes the trend summary: the verdict, then every change
// point and drift.
func TrendMarkdown(w io.Writer, t *Trend) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## 📈 Performance history\n\n")
	if n := t.open(); n > 0 {
		fmt.Fprintf(&b, "**🔴 %s not acknowledged**\n\n", plural(n, "worsening change", "worsening changes"))
	} else {
		b.WriteString("**✅ No unacknowledged worsening change**\n\n")
	}
	fmt.Fprintf(&b, "%d runs on `%s`, %d benchmark metrics.\n\n", t.Runs, markdown.Code(t.Branch), len(t.Series))
	if len(t.Findings) > 0 {
		b.WriteString("| | Kind | Benchmark | Metric | Last good | First bad | Before | After | Change | p |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, f := range t.Findings {
			mark := map[string]string{"improved": "🟢", "acknowledged": "☑️ acknowledged", "worse": "🔴"}[state(&f)]
			p := "—"
			if f.P > 0 || f.Kind == changepoint.Step {
				p = fmt.Sprintf("%.2g", f.P)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` | `%s` | %s | %s | %s | %s |\n", mark, f.Kind, mdEscape(trendName(&f)), mdEscape(f.Unit),
				markdown.Code(verdict.ShortCommit(f.LastGood)), markdown.Code(verdict.ShortCommit(f.FirstBad)), Value(f.Before), Value(f.After), Delta(verdict.Number(f.ChangePct)), p)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// state is a finding's state: worse, acknowledged or improved.
func state(f *history.Finding) string {
	switch {
	case f.Worse && f.Acknowledged:
		return "acknowledged"
	case f.Worse:
		return "worse"
	}
	return "improved"
}

func trendName(f *history.Finding) string {
	if f.Pkg == "" {
		return f.Benchmark
	}
	return shortImport(f.Pkg) + "." + f.Benchmark
}

// shortImport is an import path's last two elements.
func shortImport(p string) string {
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/")
}

// TrendHTML writes a self-contained page: the findings first, then a chart
// per benchmark metric with every run's median and interval in commit
// order, change points marked with their levels, epochs shaded.
func TrendHTML(w io.Writer, t *Trend) error {
	type chart struct {
		Name string
		SVG  template.HTML
	}
	byIndex := map[*history.Series][]history.Finding{}
	for _, f := range t.Findings {
		byIndex[f.Series] = append(byIndex[f.Series], f)
	}
	var charts []chart
	var still []string
	for _, s := range t.Series {
		name := s.Pkg + "." + s.Benchmark + " " + s.Unit
		if v, ok := constant(s); ok && len(byIndex[s]) == 0 {
			still = append(still, name+" = "+Value(v))
			continue
		}
		charts = append(charts, chart{Name: name, SVG: template.HTML(seriesSVG(s, byIndex[s]))})
	}
	type row struct {
		Mark, Kind, Name, Unit, LastGood, FirstBad, Before, After, Change string
	}
	var rows []row
	for _, f := range t.Findings {
		rows = append(rows, row{state(&f), string(f.Kind), trendName(&f), f.Unit, verdict.ShortCommit(f.LastGood), verdict.ShortCommit(f.FirstBad), Value(f.Before), Value(f.After), Delta(verdict.Number(f.ChangePct))})
	}
	title := "No unacknowledged worsening change"
	if n := t.open(); n > 0 {
		title = plural(n, "worsening change", "worsening changes") + " not acknowledged"
	}
	return trendPage.Execute(w, map[string]any{"Title": title, "Branch": t.Branch, "Runs": t.Runs, "Now": t.Generated.UTC().Format("2006-01-02 15:04 UTC"),
		"Rows": rows, "Charts": charts, "Still": still, "Metrics": len(t.Series)})
}

// constant reports whether a series never moved: every run's median and
// interval the same value (B/op and allocs/op at 0, typically).
func constant(s *history.Series) (float64, bool) {
	if len(s.Points) == 0 {
		return 0, false
	}
	v := s.Points[0].Median
	for _, p := range s.Points {
		if p.Median != v || float64(p.Lo) != v || float64(p.Hi) != v {
			return 0, false
		}
	}
	return v, true
}

// maxMarks is the most runs (or groups of runs) a chart draws.
const maxMarks = 720

// groupRange is a group of points' lowest bound, highest bound (±Inf
// when a point's interval is unbounded) and median of medians.
func groupRange(g []history.Point) (lo, hi, med float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	meds := make([]float64, len(g))
	for i, p := range g {
		meds[i] = p.Median
		if !p.Lo.Finite() || !p.Hi.Finite() {
			lo, hi = math.Inf(-1), math.Inf(1)
		}
		lo, hi = math.Min(lo, float64(p.Lo)), math.Max(hi, float64(p.Hi))
	}
	slices.Sort(meds)
	med = meds[len(meds)/2]
	if len(meds)%2 == 0 {
		med = (meds[len(meds)/2-1] + med) / 2
	}
	return lo, hi, med
}

// seriesSVG draws one series.
func seriesSVG(s *history.Series, findings []history.Finding) string {
	const width, height, padL, padR, padT, padB = 720.0, 130.0, 8.0, 8.0, 8.0, 16.0
	n := len(s.Points)
	if n == 0 {
		return ""
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.Points {
		for _, v := range []float64{p.Median, float64(p.Lo), float64(p.Hi)} {
			if !math.IsInf(v, 0) && !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi <= lo {
		hi, lo = lo+1, lo-1
	}
	x := func(i float64) float64 {
		if n == 1 {
			return padL + (width-padL-padR)/2
		}
		return padL + i*(width-padL-padR)/float64(n-1)
	}
	y := func(v float64) float64 {
		v = math.Max(lo, math.Min(hi, v))
		return padT + (hi-v)/(hi-lo)*(height-padT-padB)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg viewBox="0 0 %g %g" role="img" aria-label="%s">`, width, height, template.HTMLEscapeString(s.Name()))
	// Epochs: each machine fingerprint's stretch, shaded in turn.
	start := 0
	for i := 1; i <= n; i++ {
		if i == n || s.Points[i].Epoch != s.Points[start].Epoch {
			if s.Points[start].Epoch%2 == 1 {
				fmt.Fprintf(&b, `<rect class="epoch" x="%.1f" y="0" width="%.1f" height="%g"><title>%s</title></rect>`,
					x(float64(start)-0.5), x(float64(i)-0.5)-x(float64(start)-0.5), height, template.HTMLEscapeString("epoch: "+s.Epochs[s.Points[start].Epoch]))
			}
			start = i
		}
	}
	// A long series is drawn in groups of consecutive runs, at most
	// maxMarks of them (more cannot be told apart at this width): each
	// group's median of medians, its interval from the lowest bound to the
	// highest. 100,000 runs drawn one by one made a page of hundreds of MB.
	per := (n + maxMarks - 1) / maxMarks
	for first := 0; first < n; first += per {
		g := s.Points[first:min(first+per, n)]
		at := float64(first) + float64(len(g)-1)/2
		lo, hi, med := groupRange(g)
		if !math.IsInf(lo, 0) && !math.IsInf(hi, 0) {
			fmt.Fprintf(&b, `<line class="ci" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(at), y(lo), x(at), y(hi))
		}
		label := verdict.ShortCommit(g[0].Commit) + " " + g[0].Date.UTC().Format("2006-01-02")
		if len(g) > 1 {
			label = fmt.Sprintf("%d runs, %s %s to %s %s, median", len(g), verdict.ShortCommit(g[0].Commit), g[0].Date.UTC().Format("2006-01-02"),
				verdict.ShortCommit(g[len(g)-1].Commit), g[len(g)-1].Date.UTC().Format("2006-01-02"))
		}
		fmt.Fprintf(&b, `<circle class="run" cx="%.1f" cy="%.1f" r="2.5"><title>%s: %s</title></circle>`, x(at), y(med),
			template.HTMLEscapeString(label), Value(med))
	}
	for _, f := range findings {
		cx := x(float64(f.Index) - 0.5)
		class := "cp"
		if f.Worse && !f.Acknowledged {
			class = "cp worse"
		}
		fmt.Fprintf(&b, `<line class="%s" x1="%.1f" y1="%g" x2="%.1f" y2="%g"><title>%s at %s: %s</title></line>`, class, cx, padT, cx, height-padB,
			template.HTMLEscapeString(string(f.Kind)), template.HTMLEscapeString(verdict.ShortCommit(f.FirstBad)), Delta(verdict.Number(f.ChangePct)))
		fmt.Fprintf(&b, `<line class="level" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(math.Max(0, float64(f.Index)-6)), y(f.Before), cx, y(f.Before))
		fmt.Fprintf(&b, `<line class="level" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, cx, y(f.After), x(math.Min(float64(n-1), float64(f.Index)+5)), y(f.After))
	}
	fmt.Fprintf(&b, `<text class="axis" x="%g" y="%g">%s</text><text class="axis" x="%g" y="%g">%s</text>`, padL, height-3, Value(lo), width/2, height-3, template.HTMLEscapeString(fmt.Sprintf("%d runs, oldest left; max %s", n, Value(hi))))
	b.WriteString(`</svg>`)
	return b.String()
}

var trendPage = template.Must(template.New("trend").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>benchgate history: {{.Title}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:60em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
tr.worse td:first-child{color:#b00;font-weight:bold}tr.acknowledged td:first-child{color:#777}tr.improved td:first-child{color:#070}
section.series{margin:1em 0}section.series h3{font-size:13px;margin:.2em 0;word-break:break-all}
svg{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
.epoch{fill:#eef}.ci{stroke:#9ab;stroke-width:1}.run{fill:#246}.cp{stroke:#4a4;stroke-dasharray:3 2}.cp.worse{stroke:#c00}
.level{stroke:#c60;stroke-width:1.5}.axis{font-size:10px;fill:#666}
input{font:inherit;padding:.2em;width:20em}
@media print{input{display:none}}
</style></head><body>
<h1 id="verdict">{{.Title}}</h1>
<p>{{.Runs}} runs on <code>{{.Branch}}</code>, {{.Metrics}} benchmark metrics; {{.Now}}.</p>
{{if .Rows}}<table id="findings"><tr><th></th><th>kind</th><th>benchmark</th><th>metric</th><th>last good</th><th>first bad</th><th>before</th><th>after</th><th>change</th></tr>
{{range .Rows}}<tr class="{{.Mark}}"><td>{{.Mark}}</td><td>{{.Kind}}</td><td>{{.Name}}</td><td>{{.Unit}}</td><td><code>{{.LastGood}}</code></td><td><code>{{.FirstBad}}</code></td><td>{{.Before}}</td><td>{{.After}}</td><td>{{.Change}}</td></tr>
{{end}}</table>{{else}}<p>No change point and no drift.</p>{{end}}
<p><label>Filter: <input id="filter" type="search" placeholder="benchmark or unit"></label></p>
{{range .Charts}}<section class="series" data-name="{{.Name}}"><h3>{{.Name}}</h3>{{.SVG}}</section>
{{end}}{{if .Still}}<details id="still"><summary>{{len .Still}} metrics never moved (the same value in every run)</summary><p>{{range $i, $n := .Still}}{{if $i}}, {{end}}{{$n}}{{end}}</p></details>
{{end}}
<script>
document.getElementById('filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('section.series').forEach(function (s) {
    s.style.display = s.dataset.name.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
  });
});
</script>
</body></html>
`))
