package flow

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A Published file is one of a flow's outputs: its name in the results
// directory and what writes it.
type Published struct {
	File  string
	Write func(io.Writer) error
}

// Publication is what a flow publishes: the gate's comparison, the
// trend, a bisection's answer.
type Publication struct {
	// JSON and Markdown are written, in that order; HTML too when its
	// File is set.
	JSON, Markdown, HTML Published
	// Text, when set, prints the findings on Stdout.
	Text func(io.Writer) error
}

// Publish writes p's files into the results directory, each whole or not
// at all (atomicfile), prints its text, says on Stderr what it wrote and
// appends the Markdown to the CI step summary when there is one. It
// returns the Markdown. Every flow publishes through it.
func (c *Config) Publish(p Publication) ([]byte, error) {
	if err := atomicfile.Write(c.Path(p.JSON.File), p.JSON.Write); err != nil {
		return nil, err
	}
	md, err := c.writeMarkdownHTML(p)
	if err != nil {
		return nil, err
	}
	if p.Text != nil {
		if err := p.Text(c.Stdout); err != nil {
			return nil, err
		}
	}
	files := []string{c.Path(p.JSON.File), c.Path(p.Markdown.File)}
	if p.HTML.File != "" {
		files = append(files, c.Path(p.HTML.File))
	}
	fmt.Fprintf(c.Stderr, "wrote %s and %s\n", strings.Join(files[:len(files)-1], ", "), files[len(files)-1])
	return md, c.AppendStepSummary(md)
}

// writeMarkdownHTML writes p's Markdown and HTML (when it has one) and
// returns the Markdown.
func (c *Config) writeMarkdownHTML(p Publication) ([]byte, error) {
	var md bytes.Buffer
	if err := p.Markdown.Write(&md); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteBytes(c.Path(p.Markdown.File), md.Bytes()); err != nil {
		return nil, err
	}
	if p.HTML.File != "" {
		if err := atomicfile.Write(c.Path(p.HTML.File), p.HTML.Write); err != nil {
			return nil, err
		}
	}
	return md.Bytes(), nil
}

// comparison is the gate's publication of cmp: comparison.json,
// report.md, report.html and the text report.
func comparison(cmp *verdict.Comparison) Publication {
	return Publication{
		JSON:     Published{ComparisonFile, func(w io.Writer) error { return verdict.WriteJSON(w, cmp) }},
		Markdown: Published{MarkdownFile, func(w io.Writer) error { return report.Markdown(w, cmp, markdownOptions()) }},
		HTML:     Published{HTMLFile, func(w io.Writer) error { return report.HTML(w, cmp, report.DefaultHTMLOptions) }},
		Text:     func(w io.Writer) error { return report.Text(w, cmp) },
	}
}

// publish publishes the gate's comparison.
func (c *Config) publish(cmp *verdict.Comparison) error {
	_, err := c.Publish(comparison(cmp))
	return err
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
