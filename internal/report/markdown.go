package report

import (
	"fmt"
	"github.com/benchgate/benchgate/internal/lines"
	"github.com/benchgate/benchgate/internal/markdown"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/benchgate/benchgate/internal/verdict"
)

// MarkdownLimit is GitHub's limit on the size of a comment body, in
// characters.
const MarkdownLimit = 65536

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// Limit is the largest output size in bytes; tables are folded and
	// truncated (at row boundaries, with a note) to fit. Default
	// MarkdownBudget.
	Limit int
	// DetailsLink, when set, is where the note on truncated rows sends the
	// reader (a CI run or artifact URL). Default: none.
	DetailsLink string
	// Reproduce, when set, is the command that reproduces a regression
	// locally, with a %s for the base commit. Default: none (the caller
	// knows how it is run).
	Reproduce string
}

// MarkdownBudget is the size report.md is kept within: GitHub's limit
// less room for the marker and the links an alert adds, so the sticky
// comment is never cut mid-table (the rows that do not fit are counted,
// and report.html has them all).
const MarkdownBudget = 60_000

// DefaultMarkdownOptions keep report.md within MarkdownBudget.
var DefaultMarkdownOptions = MarkdownOptions{Limit: MarkdownBudget}

const mdHeader = "| Benchmark | Metric | Baseline | Current | Change | Status |\n|-----------|--------|----------|---------|--------|--------|\n"

// Markdown writes the pull-request report: the verdict, the summary, the
// table with regressions first, then improvements, the rest folded, and
// the settings the verdict was reached with.
func Markdown(w io.Writer, c *verdict.Comparison, opts MarkdownOptions) error {
	if opts.Limit <= 0 {
		opts.Limit = DefaultMarkdownOptions.Limit
	}
	if c.ResultsOnly {
		return markdownResults(w, c, opts)
	}
	head, tail := mdHead(c), mdTail(c, opts)
	top, rest := mdRows(c)
	// Fit the tables in what the head and tail leave, whole rows only.
	body, foldedNote := mdBody(top, rest, opts.Limit-len(head)-len(tail), opts.DetailsLink)
	for _, part := range []string{head, body, foldedNote, tail} {
		if _, err := io.WriteString(w, part); err != nil {
			return err
		}
	}
	return nil
}

// mdHead is the comment's verdict: what regressed, what is missing, the
// gaps and the counts.
func mdHead(c *verdict.Comparison) string {
	var head strings.Builder
	s := c.Summary
	head.WriteString("## 📊 Performance Regression Test Results\n\n")
	if c.Regressed() {
		fmt.Fprintf(&head, "**🔴 Performance regressions detected: %s**\n\n", plural(s.Regressions, "benchmark regressed", "benchmarks regressed"))
	}
	if missing := c.MissingBenchmarks(); len(missing) > 0 {
		head.WriteString("**🔴 Missing on the current side:** ")
		codes := make([]string, len(missing))
		for i, m := range missing {
			codes[i] = "`" + markdown.Code(m) + "`"
		}
		head.WriteString(lines.Capped(codes, 20))
		head.WriteString(". A benchmark that disappears fails the gate unless it is allowed to go by name.\n\n")
	}
	switch c.Outcome() {
	case verdict.NoVerdict:
		head.WriteString("**⛔ No verdict: the evidence is incomplete**\n\n")
	case verdict.Pass:
		head.WriteString("**✅ No performance regressions detected**\n\n")
	}
	gaps, more := lines.Cut(c.Gaps, 20)
	for _, g := range gaps {
		fmt.Fprintf(&head, "- ⛔ %s\n", mdEscape(g))
	}
	if more > 0 {
		fmt.Fprintf(&head, "- … and %d more gaps (see comparison.json)\n", more)
	}
	if len(c.Gaps) > 0 {
		head.WriteString("\n")
	}
	if len(c.Broken) > 0 {
		fmt.Fprintf(&head, "**🩹 %s failing on the base side too (broken before this change, or only there): listed, not judged**\n\n", plural(len(c.Broken), "benchmark or package", "benchmarks or packages"))
		broken, more := lines.Cut(brokenLines(c), 20)
		for _, b := range broken {
			fmt.Fprintf(&head, "- %s\n", mdEscape(b))
		}
		if more > 0 {
			fmt.Fprintf(&head, "- … and %d more (see comparison.json)\n", more)
		}
		head.WriteString("\n")
	}
	if q := quarantinedLines(c); len(q) > 0 {
		fmt.Fprintf(&head, "**🚧 Quarantined (not run, not gated):** %s\n\n", mdEscape(lines.Capped(q, 10)))
	}
	fmt.Fprintf(&head, "%d benchmarks: %d regressions, %d improvements, %d unchanged", s.Benchmarks, s.Regressions, s.Improvements, s.Unchanged)
	if s.Undecided > 0 {
		fmt.Fprintf(&head, ", %d undecided", s.Undecided)
	}
	fmt.Fprintf(&head, ", %d missing, %d new.\n\n", s.Missing, s.New)
	if n := len(c.NotAffected); n > 0 {
		fmt.Fprintf(&head, "%s not affected by the change (identical test binaries and package files on both sides), not measured.\n\n", plural(n, "package", "packages"))
	}
	return head.String()
}

// mdRows are the table lines, by status: regressions and improvements
// (shown first), the rest (folded).
func mdRows(c *verdict.Comparison) (top, rest []string) {
	rows := make([]*verdict.Row, len(c.Rows))
	for i := range c.Rows {
		rows[i] = &c.Rows[i]
	}
	slices.SortStableFunc(rows, func(a, b *verdict.Row) int { return a.Status.Rank() - b.Status.Rank() })
	for _, r := range rows {
		line := mdRow(r)
		if r.Status == verdict.StatusRegression || r.Status == verdict.StatusImprovement {
			top = append(top, line)
		} else {
			rest = append(rest, line)
		}
	}
	return top, rest
}

// mdTail is what follows the tables: the action, the profiles, the
// settings and warnings.
func mdTail(c *verdict.Comparison, opts MarkdownOptions) string {
	var tail strings.Builder
	if c.Regressed() {
		tail.WriteString("\n### ⚠️ Action Required\n\n")
		tail.WriteString("Performance regressions have been detected. Please review and optimize.\n")
		if opts.Reproduce != "" {
			ref := c.Base.Commit
			if ref == "" {
				ref = c.Base.Ref
			}
			if ref == "" {
				ref = "<base ref>"
			}
			fmt.Fprintf(&tail, "Reproduce locally with `%s`.\n", markdown.Code(fmt.Sprintf(opts.Reproduce, ShortCommit(ref))))
		}
	}
	tail.WriteString(whyMarkdown(c.Profiles, 5))
	tail.WriteString("\n<details><summary>Settings</summary>\n\n")
	fmt.Fprintf(&tail, "- Base: %s\n", mdSide(c.Base))
	fmt.Fprintf(&tail, "- Current: %s\n", mdSide(c.Current))
	fmt.Fprintf(&tail, "- Thresholds: %s\n", c.Settings)
	if m := machine(c.Current); m != "" {
		fmt.Fprintf(&tail, "- Machine: %s\n", mdEscape(m))
	}
	warnings, more := lines.Cut(c.Warnings, 10)
	for _, w := range warnings {
		fmt.Fprintf(&tail, "- ⚠️ %s\n", mdEscape(w))
	}
	if more > 0 {
		fmt.Fprintf(&tail, "- … and %d more warnings (see comparison.json)\n", more)
	}
	tail.WriteString("\n</details>\n")
	return tail.String()
}

// mdBody is the tables, whole rows within budget bytes, and the note
// that says how many rows did not fit.
func mdBody(top, rest []string, budget int, detailsLink string) (body, foldedNote string) {
	var b strings.Builder
	shownTop, budget := fitRows(top, budget-len(mdHeader)-200)
	if len(top) > 0 {
		b.WriteString(mdHeader)
		for _, l := range top[:shownTop] {
			b.WriteString(l)
		}
	}
	shownRest := 0
	if len(rest) > 0 {
		foldedHead := fmt.Sprintf("\n<details><summary>%s</summary>\n\n", plural(len(rest), "other row", "other rows"))
		shownRest, _ = fitRows(rest, budget-len(foldedHead)-len(mdHeader)-300)
		if shownRest > 0 {
			b.WriteString(foldedHead)
			b.WriteString(mdHeader)
			for _, l := range rest[:shownRest] {
				b.WriteString(l)
			}
			b.WriteString("\n</details>\n")
		}
	}
	if cut := len(top) - shownTop + len(rest) - shownRest; cut > 0 {
		foldedNote = fmt.Sprintf("\n_%s not shown to stay within GitHub's comment size limit: see report.html or comparison.json", plural(cut, "row", "rows"))
		if detailsLink != "" {
			foldedNote += " in [the run's artifacts](" + detailsLink + ")"
		}
		foldedNote += "._\n"
	}
	return b.String(), foldedNote
}

// fitRows returns how many of lines fit in budget bytes, and what is left.
func fitRows(lines []string, budget int) (int, int) {
	for i, l := range lines {
		if len(l) > budget {
			return i, budget
		}
		budget -= len(l)
	}
	return len(lines), budget
}

func mdRow(r *verdict.Row) string {
	base, cur, change := "—", "—", "—"
	if r.Base != nil {
		base = Value(float64(r.Base.Center)) + " " + Range(r.Base)
	}
	if r.Current != nil {
		cur = Value(float64(r.Current.Center)) + " " + Range(r.Current)
	}
	if r.Base != nil && r.Current != nil {
		change = Delta(r.DeltaPct) + " (" + Evidence(r) + ")"
	}
	name := BenchName(r)
	if r.Suite != "" {
		name = r.Suite + ": " + name
	}
	return "| " + mdEscape(name) + " | " + mdEscape(Metric(r)) + " | " + base + " | " + cur + " | " + change + " | " + rowStatus(r) + " |\n"
}

// mdEscape makes text from a benchmark name or config safe inside a
// Markdown table cell: nothing in it can end the cell, start markup, inject
// HTML, mention a user or team (@name), link an issue (#123) or become a
// link (a bare URL): a zero-width space breaks those up. Control
// characters go.
func mdEscape(s string) string {
	const zwsp = "\u200b"
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == '\\' || r == '`' || r == '*' || r == '_' || r == '[' || r == ']' || r == '|' || r == '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r):
		case (r == '@' || r == '#') && i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1])):
			b.WriteRune(r)
			b.WriteString(zwsp)
		case r == ':' && i+2 < len(rs) && rs[i+1] == '/' && rs[i+2] == '/':
			b.WriteString(":" + zwsp)
		case r == '.' && i >= 3 && strings.EqualFold(string(rs[i-3:i]), "www"):
			b.WriteString(zwsp + ".")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func mdSide(s verdict.Side) string {
	var parts []string
	if s.Ref != "" {
		parts = append(parts, "ref `"+markdown.Code(s.Ref)+"`")
	}
	if s.Commit != "" {
		parts = append(parts, "commit `"+markdown.Code(ShortCommit(s.Commit))+"`")
	}
	if s.File != "" {
		parts = append(parts, "file `"+markdown.Code(s.File)+"`")
	}
	if len(parts) == 0 {
		return "unknown"
	}
	return strings.Join(parts, ", ")
}

func machine(s verdict.Side) string {
	m := s.GOOS
	if s.GOARCH != "" {
		m += "/" + s.GOARCH
	}
	if s.CPU != "" {
		m += ", " + s.CPU
	}
	if s.Go != "" {
		m += ", " + s.Go
	}
	return strings.TrimPrefix(m, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

const mdResultsHeader = "| Benchmark | Metric | Current | n |\n|-----------|--------|---------|---|\n"

// markdownResults writes results without a baseline.
func markdownResults(w io.Writer, c *verdict.Comparison, opts MarkdownOptions) error {
	var b strings.Builder
	b.WriteString("## 📊 Benchmark Results\n\n")
	fmt.Fprintf(&b, "%d benchmarks, %d metrics, no baseline to compare with", c.Summary.Benchmarks, c.Summary.Rows)
	if m := machine(c.Current); m != "" {
		fmt.Fprintf(&b, " (%s)", mdEscape(m))
	}
	b.WriteString(".\n\n")
	b.WriteString(mdResultsHeader)
	budget := opts.Limit - b.Len() - 300
	shown := 0
	for i := range c.Rows {
		r := &c.Rows[i]
		line := "| " + mdEscape(BenchName(r)) + " | " + mdEscape(Metric(r)) + " | " + Value(float64(r.Current.Center)) + " " + Range(r.Current) + " | " + fmt.Sprint(r.Current.N) + " |\n"
		if len(line) > budget {
			break
		}
		budget -= len(line)
		b.WriteString(line)
		shown++
	}
	if cut := len(c.Rows) - shown; cut > 0 {
		fmt.Fprintf(&b, "\n_%s not shown to stay within GitHub's comment size limit._\n", plural(cut, "row", "rows"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
