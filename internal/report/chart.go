package report

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/verdict"
)

// A chart is the change chart: one bar per benchmark metric, the change of
// its median in the bad (right) or good (left) direction, a whisker for
// the interval the two medians' confidence intervals allow, and the
// row's threshold as a tick.
type chart struct {
	SVG     template.HTML
	Shown   int
	Omitted int
	// Still counts the rows left out because nothing moved: no change and
	// no spread (memory counts that stayed put).
	Still int
}

func newChart(c *verdict.Comparison, maxRows int) *chart {
	type bar struct {
		r              *verdict.Row
		v, lo, hi, thr float64
	}
	var bars []bar
	still := 0
	for i := range c.Rows {
		r := &c.Rows[i]
		if r.Base == nil || r.Current == nil || r.Better == 0 || !r.DeltaPct.Finite() {
			continue
		}
		if r.DeltaPct == 0 && r.Base.Lo == r.Base.Hi && r.Current.Lo == r.Current.Hi {
			still++
			continue
		}
		// Oriented so that positive is worse.
		sign := -float64(r.Better)
		b := bar{r: r, v: sign * float64(r.DeltaPct), thr: r.ThresholdPct}
		b.lo, b.hi = b.v, b.v
		if a, z, ok := r.ChangeInterval(); ok {
			b.lo, b.hi = math.Min(sign*a, sign*z), math.Max(sign*a, sign*z)
		}
		bars = append(bars, b)
	}
	if len(bars) == 0 {
		return nil
	}
	slices.SortStableFunc(bars, func(a, b bar) int {
		if d := a.r.Status.Rank() - b.r.Status.Rank(); d != 0 {
			return d
		}
		return cmp.Compare(math.Abs(b.v), math.Abs(a.v))
	})
	ch := &chart{Still: still}
	if len(bars) > maxRows {
		ch.Omitted = len(bars) - maxRows
		bars = bars[:maxRows]
	}
	ch.Shown = len(bars)
	scale := 10.0
	for _, b := range bars {
		scale = math.Max(scale, math.Max(math.Abs(b.lo), math.Abs(b.hi)))
		scale = math.Max(scale, b.thr)
	}
	scale = math.Min(scale*1.1, 1000)
	const labelW, plotW, rowH, top = 330.0, 420.0, 18.0, 24.0
	width, height := labelW+plotW+70, top+rowH*float64(len(bars))+8
	mid := labelW + plotW/2
	x := func(v float64) float64 {
		v = math.Max(-scale, math.Min(scale, v))
		return mid + v/scale*plotW/2
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %g %g" width="100%%" role="img" aria-label="change per benchmark metric, worse to the right">`, width, height)
	fmt.Fprintf(&sb, `<text x="%g" y="14" class="axis">better ←</text><text x="%g" y="14" class="axis" text-anchor="end">→ worse</text>`, labelW, labelW+plotW)
	fmt.Fprintf(&sb, `<line x1="%g" y1="%g" x2="%g" y2="%g" class="zero"/>`, mid, top-4, mid, height-4)
	for i, b := range bars {
		y := top + float64(i)*rowH
		full := BenchName(b.r) + " " + b.r.Unit
		name := full
		if r := []rune(name); len(r) > 52 {
			name = "…" + string(r[len(r)-51:])
		}
		// A cut label shows its whole name on hover.
		fmt.Fprintf(&sb, `<text x="%g" y="%g" class="label" text-anchor="end"><title>%s</title>%s</text>`, labelW-6, y+12, template.HTMLEscapeString(full), template.HTMLEscapeString(name))
		x0, x1 := x(0), x(b.v)
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%g" width="%.1f" height="10" class="bar %s"><title>%s: %s (%s)</title></rect>`,
			math.Min(x0, x1), y+3, math.Max(math.Abs(x1-x0), 1), template.HTMLEscapeString(string(b.r.Status)), template.HTMLEscapeString(BenchName(b.r)+" "+b.r.Unit), Delta(b.r.DeltaPct), Evidence(b.r))
		fmt.Fprintf(&sb, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="whisker"/>`, x(b.lo), y+8, x(b.hi), y+8)
		fmt.Fprintf(&sb, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" class="threshold"/>`, x(b.thr), y+1, x(b.thr), y+15)
		fmt.Fprintf(&sb, `<text x="%g" y="%g" class="value">%s</text>`, labelW+plotW+6, y+12, Delta(b.r.DeltaPct))
	}
	sb.WriteString(`</svg>`)
	ch.SVG = template.HTML(sb.String())
	return ch
}
