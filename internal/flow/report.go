package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// ReportOptions configure Report.
type ReportOptions struct {
	// Open opens the HTML in the desktop browser when there is one
	// (BENCH_OPEN=1). Default false.
	Open bool
}

// Report writes report.html and report.md. It renders comparison.json when
// it is at least as new as current.txt; otherwise it renders the current
// results alone, running the current benchmarks first if current.txt is
// missing.
func Report(ctx context.Context, cfg Config, opts ReportOptions) error {
	unlock, err := cfg.Start("bench:report")
	if err != nil {
		return err
	}
	defer unlock()
	cmp, err := cfg.reportInput(ctx)
	if err != nil {
		return err
	}
	return cfg.writeReports(cmp, opts)
}

func (c *Config) reportInput(ctx context.Context) (*verdict.Comparison, error) {
	curPath, cmpPath := c.Path(CurrentFile), c.Path(ComparisonFile)
	curInfo, curErr := os.Stat(curPath)
	if cmpInfo, err := os.Stat(cmpPath); err == nil && (curErr != nil || !cmpInfo.ModTime().Before(curInfo.ModTime())) {
		fmt.Fprintf(c.Stderr, "rendering %s\n", cmpPath)
		return verdict.ReadComparison(cmpPath)
	}
	if errors.Is(curErr, os.ErrNotExist) {
		fmt.Fprintf(c.Stderr, "%s is missing: running the current benchmarks first\n", curPath)
		if _, err := c.run(ctx, curPath, nil); err != nil && !errors.Is(err, runner.ErrBenchmarkFailed) {
			return nil, err
		}
	}
	fmt.Fprintf(c.Stderr, "no comparison newer than %s: rendering its results alone\n", curPath)
	set, err := verdict.ReadFile(curPath)
	if err != nil {
		return nil, err
	}
	return verdict.Describe(set, c.Verdict)
}

// writeReports writes report.html and report.md and prints their paths.
func (c *Config) writeReports(cmp *verdict.Comparison, opts ReportOptions) error {
	if _, err := c.writeMarkdownHTML(comparison(cmp)); err != nil {
		return err
	}
	htmlPath, mdPath := c.Path(HTMLFile), c.Path(MarkdownFile)
	abs, _ := filepath.Abs(htmlPath)
	fmt.Fprintf(c.Stdout, "%s\n%s\n", abs, mdPath)
	if opts.Open {
		if err := report.Open(abs); err != nil {
			fmt.Fprintf(c.Stderr, "not opening the report: %v\n", err)
		}
	}
	return nil
}
