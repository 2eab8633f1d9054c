package bisect

import (
	"fmt"
	"io"
	"strings"

	"github.com/benchgate/benchgate/internal/markdown"
)

// Headline is the answer in one line: the culprits, or that there is
// none.
func (r *Result) Headline() string {
	switch {
	case !r.Regressed:
		return fmt.Sprintf("no regression between good %s and bad %s: no culprit", r.Good.Short(), r.Bad.Short())
	case len(r.Culprits) == 0:
		return fmt.Sprintf("no culprit named between good %s and bad %s", r.Good.Short(), r.Bad.Short())
	}
	var parts []string
	for _, c := range r.Culprits {
		parts = append(parts, c.Name())
	}
	word := "culprit"
	if len(r.Culprits) > 1 {
		word = "culprits"
	}
	return word + " " + strings.Join(parts, "; ")
}

// Name is the culprit in words: "abc1234 (add a cache): +15.0% sec/op,
// 100% of the change", or a range.
func (c Culprit) Name() string {
	what := ""
	if c.Commit != "" {
		what = fmt.Sprintf("%s %q", short(c.Commit), c.Subject)
	} else {
		why := "skipped commits hide which one"
		if c.Why == "spread" {
			why = "spread over them"
		}
		what = fmt.Sprintf("one of %s..%s (%d commits: %s)", short(c.Range[0]), short(c.Range[len(c.Range)-1]), len(c.Range), why)
	}
	var ch []string
	for _, x := range c.Changes {
		ch = append(ch, fmt.Sprintf("%s %+.1f%% %s [%+.1f%%, %+.1f%%], %.0f%% of the change", x.Benchmark, x.DeltaPct, x.Unit, x.LoPct, x.HiPct, x.SharePct))
	}
	return what + ": " + strings.Join(ch, "; ")
}

func short(h string) string { return Commit{Hash: h}.Short() }

// code is s as a Markdown code span.
func code(s string) string { return "`" + markdown.Code(s) + "`" }

// cell is s as a Markdown code span in a table cell: GitHub splits a
// cell at a | even inside a code span, unless it is escaped.
func cell(s string) string { return strings.ReplaceAll(code(s), "|", `\|`) }

// text is s fit for Markdown text and table cells: one line, no cell
// break, no HTML (an unclosed comment would hide the rest).
func text(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(markdown.Code(s))
}

// Text writes the summary printed at the end of a bisection.
func Text(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "bisect: %s\n", r.Headline())
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	fmt.Fprintf(&b, "bisect: %s searched in %s: %s in this run, %s reused from an earlier one\n", plural(r.Commits, "commit"), plural(len(r.Steps), "step"), plural(r.Measured, "measurement"), plural(r.Reused, "step"))
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes bisect.md: the culprits with their subject, author and
// date, the change at each with its interval, and every step.
func Markdown(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## 🔎 Performance bisection\n\n")
	fmt.Fprintf(&b, "Between good %s and bad %s (%d commits), following ", code(r.Good.Short()), code(r.Bad.Short()), r.Commits)
	var f []string
	for _, l := range r.Followed {
		f = append(f, fmt.Sprintf("%s %s (%+.1f%%)", code(l.Benchmark), l.Unit, l.DeltaPct))
	}
	if len(f) == 0 {
		f = []string{"every benchmark"}
	}
	b.WriteString(strings.Join(f, ", ") + ".\n\n")
	switch {
	case !r.Regressed:
		b.WriteString("**No regression between good and bad: no culprit.**\n\n")
	case len(r.Culprits) == 0:
		b.WriteString("**No culprit named.**\n\n")
	}
	for _, c := range r.Culprits {
		if c.Commit != "" {
			fmt.Fprintf(&b, "**Culprit %s** %s — %s, %s\n\n", code(short(c.Commit)), text(c.Subject), text(c.Author), c.Date.Format("2006-01-02"))
		} else {
			fmt.Fprintf(&b, "**Culprit range** %s\n\n", text(c.Name()))
		}
		b.WriteString("| Benchmark | Unit | Change | Interval | Share of the change |\n|---|---|--:|--:|--:|\n")
		for _, x := range c.Changes {
			fmt.Fprintf(&b, "| %s | %s | %+.1f%% | %+.1f%% … %+.1f%% | %.0f%% |\n", cell(x.Benchmark), text(x.Unit), x.DeltaPct, x.LoPct, x.HiPct, x.SharePct)
		}
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> %s\n\n", text(n))
	}
	fmt.Fprintf(&b, "<details><summary>%d steps (%d measurements in this run, %d steps reused)</summary>\n\n", len(r.Steps), r.Measured, r.Reused)
	b.WriteString("| Step | Commit | Position | Against good | Change | Rounds | Note |\n|--:|---|--:|---|--:|--:|---|\n")
	for i, st := range r.Steps {
		change, note := "", st.Skip
		if len(st.Levels) > 0 {
			change = fmt.Sprintf("%+.1f%%", st.Levels[0].DeltaPct)
		}
		if st.Reused {
			note = strings.TrimPrefix(note+"; reused", "; ")
		}
		if st.Again > 0 {
			note = strings.TrimPrefix(fmt.Sprintf("%s; measured %d more times to decide", note, st.Again), "; ")
		}
		verdict := string(st.Verdict)
		if st.Skip != "" {
			verdict = "skipped"
		}
		fmt.Fprintf(&b, "| %d | %s %s | %d/%d | %s | %s | %d | %s |\n", i+1, code(st.Short()), text(st.Subject), st.Position, r.Commits, verdict, change, st.Rounds, text(note))
	}
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// plural is "1 step" or "n steps".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
