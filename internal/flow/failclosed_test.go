package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// TestSavedResultsNeverHideARegression runs the gate twice on a feature
// branch 4x slower than main, without BENCH_BASE, in one results
// directory: both runs compare with the merge base and fail, and neither
// writes a baseline.
func TestSavedResultsNeverHideARegression(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	r.Git("checkout", "-q", "-b", "feature")
	r.Commit("slow down Slowed 4x", module(4000, false))

	cfg, out := config(t, r.Dir)
	for run := 1; run <= 2; run++ {
		err := flow.Regression(context.Background(), cfg)
		if code := exit.Code(err); code != 1 {
			t.Fatalf("run %d: exit %d (%v), want 1\n%s", run, code, err, out)
		}
		if _, err := os.Stat(filepath.Join(cfg.ResultsDir, flow.BaselineFile)); !os.IsNotExist(err) {
			t.Fatalf("run %d wrote %s", run, flow.BaselineFile)
		}
		assertStatus(t, cfg.ResultsDir, status.Regressed, 1)
	}
}

// TestMissingBenchmarkFails renames a benchmark away on the current side:
// the gate fails naming it, unless AllowMissing names it.
func TestMissingBenchmarkFails(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	renamed := module(1000, false)
	renamed["work/work_test.go"] = strings.Replace(renamed["work/work_test.go"], "BenchmarkSlowed", "BenchmarkRenamed", 1)
	r.Commit("rename Slowed", renamed)

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 1 || !errors.Is(err, exit.ErrMissing) || !strings.Contains(err.Error(), "example.com/fixture/work.BenchmarkSlowed") {
		t.Fatalf("exit %d, err %v; want 1 naming example.com/fixture/work.BenchmarkSlowed\n%s", code, err, out)
	}
	if !strings.Contains(out.String(), "Missing on the current side: example.com/fixture/work.BenchmarkSlowed") {
		t.Errorf("the text report does not name the missing benchmark:\n%s", out)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "BenchmarkSlowed") || !strings.Contains(string(md), "Missing on the current side") {
		t.Errorf("report.md does not name the missing benchmark:\n%s", md)
	}

	cfg.Verdict.AllowMissing = "^BenchmarkSlowed$"
	out.Reset()
	if err := flow.Regression(context.Background(), cfg); err != nil {
		t.Fatalf("with the benchmark allowed to go: %v\n%s", err, out)
	}
}

// TestCurrentThatDoesNotCompileGivesNoVerdict: a current side that does
// not build is no evidence: exit 2, with the compiler's message.
func TestCurrentThatDoesNotCompileGivesNoVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	r.Write(map[string]string{"work/work.go": "package work\n\nfunc Work(n int) uint64 { return undefinedThing }\n"})

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 || !strings.Contains(err.Error(), "undefinedThing") {
		t.Fatalf("exit %d, err %v; want 2 with the compiler's message\n%s", code, err, out)
	}
	st := assertStatus(t, cfg.ResultsDir, status.Error, 2)
	if !strings.Contains(st.Error, "does not build") {
		t.Errorf("status error %q does not say what failed", st.Error)
	}
}

func assertStatus(t *testing.T, dir string, state status.State, exit int) status.Status {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, status.File))
	if err != nil {
		t.Fatal(err)
	}
	var st status.Status
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if st.State != state || st.Exit != exit {
		t.Errorf("status %s exit %d, want %s exit %d: %s", st.State, st.Exit, state, exit, b)
	}
	return st
}

// TestBadFileBaseFoundFirst: a file: base that is garbage, empty or a
// directory is refused before anything is built or measured.
func TestBadFileBaseFoundFirst(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	dir := t.TempDir()
	garbage, empty := filepath.Join(dir, "garbage.txt"), filepath.Join(dir, "empty.txt")
	os.WriteFile(garbage, []byte("\x00\x01 not benchmarks\nBenchmark\n"), 0o644)
	os.WriteFile(empty, nil, 0o644)
	for _, base := range []string{garbage, empty, dir} {
		t.Run(filepath.Base(base), func(t *testing.T) {
			cfg, out := config(t, r.Dir)
			cfg.Base = "file:" + base
			err := flow.Regression(context.Background(), cfg)
			if code := exit.Code(err); code != 2 || !strings.Contains(err.Error(), "BENCH_BASE=file:"+base) {
				t.Fatalf("exit %d, err %v; want 2 naming the file\n%s", code, err, out)
			}
			if _, err := os.Stat(filepath.Join(cfg.ResultsDir, flow.CurrentFile)); !os.IsNotExist(err) {
				t.Errorf("the current side was benchmarked before the base file was read")
			}
		})
	}
}
