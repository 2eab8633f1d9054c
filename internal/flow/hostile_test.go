package flow_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/lock"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestPlantedGoWorkIsIgnored: a go.work in a parent of the scratch
// directory (a shared temporary directory) does not reach the builds.
func TestPlantedGoWorkIsIgnored(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Run.Count = 2
	if err := os.WriteFile(filepath.Join(cfg.TempDir, "go.work"), []byte("go 1.21\n\nuse ./does-not-exist\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := flow.Regression(context.Background(), cfg); err != nil {
		t.Fatalf("with a planted go.work: %v\n%s", err, out)
	}
	base, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.BaseFile))
	if !strings.Contains(string(base), "BenchmarkSteady") {
		t.Errorf("the base side did not run:\n%s", base)
	}
}

// TestResultsDirectoryIsLocked: a second run on a results directory in
// use gives no verdict at once, naming the holder, and measures nothing.
func TestResultsDirectoryIsLocked(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	cfg, _ := config(t, r.Dir)
	os.MkdirAll(cfg.ResultsDir, 0o755)
	held, err := lock.Acquire(filepath.Join(cfg.ResultsDir, ".lock"), "bench:regression of another shell")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for _, f := range []func(context.Context, flow.Config) error{flow.Regression, flow.SaveBaseline, flow.Quick} {
		err := f(context.Background(), cfg)
		if exit.Code(err) != 2 || !errors.Is(err, lock.ErrHeld) || !strings.Contains(err.Error(), "another shell") {
			t.Errorf("err = %v; want exit 2 naming the holder", err)
		}
	}
	if entries, _ := os.ReadDir(cfg.ResultsDir); len(entries) != 1 {
		t.Errorf("the results directory changed: %v", entries)
	}
}

// TestStaleScratchIsReapedByLock: a scratch directory whose lock is free
// (its run is gone) is removed by the next run; one whose lock is held is
// kept, whatever its name's process ID says.
func TestStaleScratchIsReapedByLock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Run.Count = 1
	stale, live := filepath.Join(cfg.TempDir, "benchgate-1-stale"), filepath.Join(cfg.TempDir, "benchgate-1-live")
	for _, d := range []string{stale, live} {
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, ".lock"), nil, 0o644)
	}
	held, err := lock.Acquire(filepath.Join(live, ".lock"), "a run in another PID namespace")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	if err := flow.Quick(context.Background(), cfg); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale scratch directory is still there")
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live scratch directory was removed: %v", err)
	}
}

// TestBaseToolchain: BENCH_BASE=HEAD with BENCH_BASE_GO builds the base
// with that Go (fetched from the module proxy as GOTOOLCHAIN does) and the
// comparison records each side's Go.
func TestBaseToolchain(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads a Go toolchain, builds and runs benchmarks")
	}
	const other = "go1.27.3"
	r := testrepo.New(t)
	r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base, cfg.BaseGo, cfg.Run.Count = "HEAD", other, 2
	cfg.Confirm = false
	if err := flow.Regression(context.Background(), cfg); err != nil && exit.Code(err) == 2 {
		if strings.Contains(err.Error(), "toolchain") {
			t.Skipf("%s cannot be fetched here: %v", other, err)
		}
		t.Fatalf("%v\n%s", err, out)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Base.Go != other || cmp.Current.Go != strings.TrimSpace(string(mine)) {
		t.Errorf("base go %q, current go %q; want %s and %s", cmp.Base.Go, cmp.Current.Go, other, mine)
	}
}

// TestDeadline: a run past BENCH_DEADLINE stops with no verdict and says
// why.
func TestDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	cfg, out := config(t, r.Dir)
	cfg.Base, cfg.Deadline = c1, 50*time.Millisecond
	err := flow.Regression(context.Background(), cfg)
	if exit.Code(err) != 2 || !strings.Contains(err.Error(), "BENCH_DEADLINE") {
		t.Errorf("err = %v, want exit 2 naming BENCH_DEADLINE\n%s", err, out)
	}
	assertNoScratch(t, cfg.TempDir)
}
