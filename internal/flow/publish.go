package flow

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// publish writes comparison.json, report.md and report.html, prints the
// text report, and appends the Markdown to the CI step summary when there
// is one.
func (c *Config) publish(cmp *verdict.Comparison) error {
	if err := atomicfile.Write(c.Path(ComparisonFile), func(w io.Writer) error { return verdict.WriteJSON(w, cmp) }); err != nil {
		return err
	}
	md, err := c.writeMarkdownHTML(cmp)
	if err != nil {
		return err
	}
	if err := report.Text(c.Stdout, cmp); err != nil {
		return err
	}
	fmt.Fprintf(c.Stderr, "wrote %s, %s and %s\n", c.Path(ComparisonFile), c.Path(MarkdownFile), c.Path(HTMLFile))
	return c.AppendStepSummary(md)
}

// writeMarkdownHTML writes report.md and report.html and returns the
// Markdown.
func (c *Config) writeMarkdownHTML(cmp *verdict.Comparison) ([]byte, error) {
	var md bytes.Buffer
	if err := report.Markdown(&md, cmp, markdownOptions()); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(c.Path(MarkdownFile), md.Bytes()); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(c.Path(HTMLFile), func(w io.Writer) error { return report.HTML(w, cmp, report.DefaultHTMLOptions) }); err != nil {
		return nil, err
	}
	return md.Bytes(), nil
}

// markdownOptions are the Markdown report's options for the gate's own
// reports: the reproduce hint names the target.
func markdownOptions() report.MarkdownOptions {
	o := report.DefaultMarkdownOptions
	o.Reproduce = "BENCH_BASE=%s go tool mage bench:regression"
	return o
}

// AppendStepSummary appends Markdown to the step summary, when there is
// one.
func (c *Config) AppendStepSummary(md []byte) error {
	if c.StepSummary == "" {
		return nil
	}
	f, err := os.OpenFile(c.StepSummary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(md); err != nil {
		return fmt.Errorf("writing the step summary: %w", err)
	}
	return nil
}
