package report

import (
	"fmt"
	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/markdown"
	"strings"

	"github.com/benchgate/benchgate/internal/profile"
)

// WhyTop is how many functions per benchmark the reports show.
const WhyTop = 5

// cpuLine describes a function's change of time per op.
func cpuLine(d profile.Delta) string {
	return fmt.Sprintf("%+.0f ns/op (%+.1f%% of the base) %s", d.Delta, d.DeltaPct, d.Function)
}

// memLine describes an allocation site's change per op.
func memLine(d profile.Delta) string {
	site := d.Function
	if d.File != "" {
		site += fmt.Sprintf(" (%s:%d)", d.File, d.Line)
	}
	return fmt.Sprintf("%+.0f B/op, %+.2g allocs/op %s", d.Delta, d.Objects, site)
}

// slower keeps the deltas that grew by at least 1% of the largest
// growth (the rest is sampling noise), at most WhyTop; ds is sorted,
// largest growth first.
func slower(ds []profile.Delta) []profile.Delta {
	var out []profile.Delta
	for _, d := range ds {
		if d.Delta > 0 && d.Delta >= ds[0].Delta/100 && len(out) < WhyTop {
			out = append(out, d)
		}
	}
	return out
}

// whyText is the "why it got slower" section of the text report.
func whyText(diffs []profile.Diff) string {
	var b strings.Builder
	for _, d := range diffs {
		fmt.Fprintf(&b, "\nWhy %s got slower (profiles in %s):\n", Clean(shortImport(d.Pkg)+"."+d.Benchmark), Clean(d.Dir))
		for _, x := range slower(d.CPUModule) {
			fmt.Fprintf(&b, "  cpu in the module %s\n", Clean(cpuLine(x)))
		}
		for _, x := range slower(d.CPUFlat) {
			fmt.Fprintf(&b, "  cpu %s\n", Clean(cpuLine(x)))
		}
		for _, x := range slower(d.Memory) {
			fmt.Fprintf(&b, "  mem %s\n", Clean(memLine(x)))
		}
		for _, c := range d.Commands {
			fmt.Fprintf(&b, "  %s\n", Clean(c))
		}
	}
	return b.String()
}

// whyMarkdown is the "why it got slower" section of the Markdown report:
// at most max benchmarks.
func whyMarkdown(diffs []profile.Diff, max int) string {
	if len(diffs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n### 🔍 Why it got slower\n\n")
	shown, more := lines.Cut(diffs, max)
	for _, d := range shown {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(shortImport(d.Pkg)+"."+d.Benchmark))
		// The module's own functions first (runtime and syscall time
		// named by the module code below which it was spent), then
		// the raw view.
		for _, x := range slower(d.CPUModule) {
			fmt.Fprintf(&b, "- CPU in `%s`: %+.0f ns/op (%+.1f%% of the base)\n", markdown.Code(x.Function), x.Delta, x.DeltaPct)
		}
		raw := slower(d.CPUFlat)
		if len(d.CPUModule) > 0 && len(raw) > 0 {
			b.WriteString("\n<details><summary>raw CPU profile (where the time was spent)</summary>\n\n")
		}
		for _, x := range raw {
			fmt.Fprintf(&b, "- CPU `%s`: %+.0f ns/op (%+.1f%% of the base)\n", markdown.Code(x.Function), x.Delta, x.DeltaPct)
		}
		if len(d.CPUModule) > 0 && len(raw) > 0 {
			b.WriteString("\n</details>\n\n")
		}
		for _, x := range slower(d.Memory) {
			fmt.Fprintf(&b, "- memory `%s` at `%s:%d`: %+.0f B/op, %+.2g allocs/op\n", markdown.Code(x.Function), markdown.Code(x.File), x.Line, x.Delta, x.Objects)
		}
		for _, c := range d.Commands {
			fmt.Fprintf(&b, "\n    %s\n", strings.Map(func(r rune) rune {
				if r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, c))
		}
		b.WriteString("\n")
	}
	if more > 0 {
		fmt.Fprintf(&b, "_… and %d more profiled benchmarks in comparison.json._\n", more)
	}
	return b.String()
}
