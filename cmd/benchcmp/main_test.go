package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/benchgate/benchgate/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// TestGolden runs every case under testdata/ (a base.txt and a
// current.txt) in text and Markdown format and checks the output and exit
// status against the case's golden files.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/base.txt")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases under testdata: %v", err)
	}
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		t.Run(name, func(t *testing.T) {
			base, cur := filepath.Join("testdata", name, "base.txt"), filepath.Join("testdata", name, "current.txt")
			for _, f := range []struct{ format, file string }{{"text", "text.stdout"}, {"markdown", "markdown.stdout"}} {
				code, out, errOut := runCmd("-baseline="+base, "-current="+cur, "-format="+f.format)
				golden.Check(t, filepath.Join(name, f.file), []byte(fmt.Sprintf("# exit %d\n%s", code, out)))
				if errOut != "" {
					t.Errorf("%s: unexpected stderr: %s", f.format, errOut)
				}
			}
		})
	}
}

// TestVerdicts states, case by case, the verdict a user expects: the
// golden files pin the rendering, this pins the meaning.
func TestVerdicts(t *testing.T) {
	type want struct {
		bench, unit string
		status      verdict.Status
		unverified  bool
	}
	tests := []struct {
		name  string
		exit  int
		wants []want
		args  []string // extra flags; the case's files are testdata/<name before any space>/
	}{
		{"regression", 1, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusRegression, false}, {"BenchmarkRead-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"improvement", 0, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusImprovement, false}}, nil},
		{"within_threshold", 0, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"significant_small", 0, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"noisy", 0, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusUndecided, false}}, nil},
		{"allocs", 1, []want{{"BenchmarkEncode-8", "allocs/op", verdict.StatusRegression, false}, {"BenchmarkEncode-8", "B/op", verdict.StatusOK, false}, {"BenchmarkEncode-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"throughput", 1, []want{{"BenchmarkWriteThroughput/size=1KiB-8", "MB/s", verdict.StatusRegression, false}, {"BenchmarkWriteThroughput/size=1KiB-8", "ns/op", verdict.StatusRegression, false}}, nil},
		{"custom_unit", 1, []want{{"BenchmarkProduce/partitions=4-8", "msgs/s", verdict.StatusRegression, false}, {"BenchmarkProduce/partitions=4-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"missing_new", 1, []want{{"BenchmarkOld-8", "ns/op", verdict.StatusMissing, false}, {"BenchmarkFresh-8", "ns/op", verdict.StatusNew, false}, {"BenchmarkAppend-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"missing_new allowed", 0, []want{{"BenchmarkOld-8", "ns/op", verdict.StatusMissing, false}}, []string{"-allow-missing=^BenchmarkOld$"}},
		{"missing_new allowed by package", 0, []want{{"BenchmarkOld-8", "ns/op", verdict.StatusMissing, false}}, []string{"-allow-missing=/log\\.BenchmarkOld$"}},
		{"missing_new other allowed", 1, []want{{"BenchmarkOld-8", "ns/op", verdict.StatusMissing, false}}, []string{"-allow-missing=^BenchmarkNotThere$"}},
		{"single_run", 1, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusRegression, true}, {"BenchmarkRead-8", "ns/op", verdict.StatusOK, true}, {"BenchmarkScan-8", "ns/op", verdict.StatusImprovement, true}}, nil},
		{"malformed", 0, []want{{"BenchmarkAppend-8", "ns/op", verdict.StatusOK, false}}, nil},
		{"subbench_procs", 1, []want{{"BenchmarkRead/size=16KiB-4", "ns/op", verdict.StatusRegression, false}, {"BenchmarkRead/size=100B-4", "ns/op", verdict.StatusOK, false}, {"BenchmarkLookup/clients=1000-4", "ns/op", verdict.StatusOK, false}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _, _ := strings.Cut(tt.name, " ")
			args := append([]string{"-json", "-baseline=testdata/" + dir + "/base.txt", "-current=testdata/" + dir + "/current.txt"}, tt.args...)
			code, out, errOut := runCmd(args...)
			if code != tt.exit {
				t.Errorf("exit %d, want %d; stderr: %s", code, tt.exit, errOut)
			}
			var c verdict.Comparison
			if err := json.Unmarshal([]byte(out), &c); err != nil {
				t.Fatalf("output is not a comparison: %v\n%s", err, out)
			}
			if c.Schema != verdict.Schema {
				t.Errorf("schema %d, want %d", c.Schema, verdict.Schema)
			}
			for _, w := range tt.wants {
				found := false
				for _, r := range c.Rows {
					if r.Benchmark == w.bench && r.Unit == w.unit {
						found = true
						if r.Status != w.status || r.Unverified != w.unverified {
							t.Errorf("%s %s: status %s unverified=%v, want %s unverified=%v (delta %v p %v)", w.bench, w.unit, r.Status, r.Unverified, w.status, w.unverified, r.DeltaPct, r.P)
						}
					}
				}
				if !found {
					t.Errorf("no row for %s %s", w.bench, w.unit)
				}
			}
		})
	}
}

func TestMalformedLinesAreWarnings(t *testing.T) {
	code, out, _ := runCmd("-baseline=testdata/malformed/base.txt", "-current=testdata/malformed/current.txt")
	if code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, want := range []string{"testdata/malformed/current.txt:8: ", "testdata/malformed/current.txt:9: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks a warning starting %q:\n%s", want, out)
		}
	}
}

func TestUsageAndInputErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	noBench := filepath.Join(dir, "nobench.txt")
	os.WriteFile(noBench, []byte("goos: linux\nPASS\nok  \texample.com/x\t0.01s\n"), 0o644)
	other := filepath.Join(dir, "other.txt")
	os.WriteFile(other, []byte("pkg: example.com/other\nBenchmarkZ-8 10 5 ns/op\n"), 0o644)
	good := "testdata/regression/base.txt"
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no flags", nil, "both -baseline and -current are required"},
		{"unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus"},
		{"stray argument", []string{"-baseline=" + good, "-current=" + good, "extra"}, `unexpected argument "extra"`},
		{"bad format", []string{"-baseline=" + good, "-current=" + good, "-format=xml"}, `unknown -format "xml"`},
		{"missing file", []string{"-baseline=" + filepath.Join(dir, "nope.txt"), "-current=" + good}, "no such file or directory"},
		{"empty file", []string{"-baseline=" + empty, "-current=" + good}, "empty.txt: no benchmark results"},
		{"no benchmarks", []string{"-baseline=" + good, "-current=" + noBench}, "nobench.txt: no benchmark results"},
		{"nothing in common", []string{"-baseline=" + good, "-current=" + other}, "no benchmark in common"},
		{"bad threshold", []string{"-baseline=" + good, "-current=" + good, "-latency-threshold=-5"}, "latency threshold -5% is out of range"},
		{"bad alpha", []string{"-baseline=" + good, "-current=" + good, "-alpha=2"}, "alpha 2 is out of range"},
		{"bad correction", []string{"-baseline=" + good, "-current=" + good, "-correction=sidak"}, `unknown correction "sidak"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.args...)
			if code != int(verdict.NoVerdict) {
				t.Errorf("exit %d, want %d", code, int(verdict.NoVerdict))
			}
			if out != "" {
				t.Errorf("stdout should be empty, got %q", out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
		})
	}
}

func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sub", "comparison.txt")
	code, stdout, _ := runCmd("-baseline=testdata/regression/base.txt", "-current=testdata/regression/current.txt", "-output="+out)
	if code != int(verdict.Fail) {
		t.Errorf("exit %d, want %d", code, int(verdict.Fail))
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with -output, got %q", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "Performance regressions detected!") {
		t.Errorf("report file: %v\n%s", err, b)
	}
}
