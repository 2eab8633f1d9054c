//go:build mage

package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/verdict"
)

// The environment variables benchgate reads. Each is listed, with its
// default, in README.md.
const (
	EnvBase        = "BENCH_BASE"        // git revision to compare with; default: baseline file, else merge base with main
	EnvSuites      = "BENCH_SUITES"      // comma list of suites; default: all
	EnvPackages    = "BENCH_PACKAGES"    // package patterns replacing the suites, e.g. ./...
	EnvFilter      = "BENCH_FILTER"      // -bench regular expression; default "."
	EnvTime        = "BENCH_TIME"        // -benchtime per run; default 100ms
	EnvCount       = "BENCH_COUNT"       // rounds (samples per side); default 6
	EnvDir         = "BENCH_DIR"         // root of the Go module to benchmark; default "."
	EnvResultsDir  = "BENCH_RESULTS_DIR" // output directory; default benchmark_results
	EnvThroughput  = "THROUGHPUT_THRESHOLD"
	EnvLatency     = "LATENCY_THRESHOLD"
	EnvMemory      = "MEMORY_THRESHOLD"
	EnvImprovement = "BENCH_IMPROVEMENT_THRESHOLD"
	EnvAlpha       = "BENCH_ALPHA"
	EnvCorrection  = "BENCH_CORRECTION"
	EnvStepSummary = "GITHUB_STEP_SUMMARY"
	EnvOpen        = "BENCH_OPEN" // 1: bench:report opens the HTML in the browser
)

// config builds the gate configuration from the environment.
func config() (gate.Config, error) {
	c := gate.DefaultConfig()
	var err error
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" {
			*dst = v
		}
	}
	num := func(name string, dst *float64) {
		if v := strings.TrimSpace(os.Getenv(name)); v != "" && err == nil {
			f, perr := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
			if perr != nil {
				err = fmt.Errorf("%s=%q is not a number", name, v)
			}
			*dst = f
		}
	}
	str(EnvBase, &c.Base)
	str(EnvDir, &c.Dir)
	str(EnvResultsDir, &c.ResultsDir)
	str(EnvFilter, &c.Run.Bench)
	str(EnvTime, &c.Run.Time)
	str(EnvStepSummary, &c.StepSummary)
	if v := strings.TrimSpace(os.Getenv(EnvCount)); v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 1 {
			return c, fmt.Errorf("%s=%q: use a whole number of rounds, 1 or more (6 or more for a verdict that can reach significance)", EnvCount, v)
		}
		c.Run.Count = n
	}
	t := &c.Verdict.Thresholds
	num(EnvThroughput, &t.Throughput)
	num(EnvLatency, &t.Latency)
	num(EnvMemory, &t.Memory)
	num(EnvImprovement, &t.Improvement)
	num(EnvAlpha, &c.Verdict.Alpha)
	if v := strings.TrimSpace(os.Getenv(EnvCorrection)); v != "" {
		c.Verdict.Correction = verdict.Correction(v)
	}
	if err != nil {
		return c, err
	}
	c.Suites, err = gate.SelectSuites(suites, list(os.Getenv(EnvSuites)))
	if err != nil {
		return c, err
	}
	c.Packages = list(os.Getenv(EnvPackages))
	return c, nil
}

func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// quick applies the quick settings where BENCH_TIME and BENCH_COUNT are
// not set.
func quick(c gate.Config) gate.Config {
	if os.Getenv(EnvTime) == "" {
		c.Run.Time = gate.QuickOptions.Time
	}
	if os.Getenv(EnvCount) == "" {
		c.Run.Count = gate.QuickOptions.Count
	}
	return c
}
