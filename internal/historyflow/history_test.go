package historyflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	git "github.com/go-git/go-git/v5"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/historyflow"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// TestBackfillAndTrend: 16 commits, Slowed 50% more work from the 10th
// on. Backfill leaves the checkout as it was and creates the history
// branch; Trend finds the change point at that commit, in instructions/op
// and estimated-cycles/op, and nothing in Steady. It measures with
// BENCH_MEASURE=cycles: counts a loaded machine cannot disturb (timed, it
// failed 3 runs of 3 with a load of 8-12 beside it), and the estimated
// cycles' way through the history and the trend.
func TestBackfillAndTrend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	var commits []string
	for i := 1; i <= 16; i++ {
		loops := 2000
		if i >= 10 {
			loops = 3000
		}
		files := flowtest.Module(loops, false)
		files["n.txt"] = fmt.Sprint(i)
		commits = append(commits, r.Commit(fmt.Sprintf("commit %d", i), files))
	}
	r.Write(map[string]string{"work/untracked.txt": "left alone\n"})
	before := r.State()
	cfg, out := flowtest.Config(t, r.Dir)
	cfg.Measure = flow.MeasureCycles
	cfg.Run.Count, cfg.Run.Time = 3, "10ms"
	opts := historyflow.DefaultOptions
	opts.Backfill = 16
	if err := historyflow.Backfill(context.Background(), cfg, opts); err != nil {
		t.Fatalf("backfill: %v\n%s", err, cfg.Stderr)
	}
	after := r.State()
	if strip(after) != strip(before) || !strings.Contains(after, "refs/heads/"+history.DefaultBranch) {
		t.Errorf("backfill changed the checkout, or made no history branch:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if n := r.Git("rev-list", "--count", history.DefaultBranch); n != "16" {
		t.Errorf("%s commits on the history branch, want 16", n)
	}
	// A second backfill has nothing left to do.
	cfg.Stderr = &flowtest.LockedBuffer{}
	if err := historyflow.Backfill(context.Background(), cfg, opts); err != nil || !strings.Contains(cfg.Stderr.(*flowtest.LockedBuffer).String(), "0 of the last 16 commits") {
		t.Errorf("second backfill: %v\n%s", err, cfg.Stderr)
	}

	err := historyflow.Trend(context.Background(), cfg, opts)
	if exit.Code(err) != 1 || !strings.Contains(err.Error(), "BenchmarkSlowed") {
		t.Fatalf("trend: %v (exit %d), want 1 naming Slowed\n%s", err, exit.Code(err), out)
	}
	var tr report.Trend
	b, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.ChangePointsFile))
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range tr.Findings {
		name, _ := verdict.SplitProcs([]byte(f.Benchmark))
		switch {
		case name == "BenchmarkSlowed" && f.Kind == changepoint.Step:
			found[f.Unit] = true
			if f.FirstBad != commits[9] || f.LastGood != commits[8] || f.ChangePct < 30 || !f.Worse {
				t.Errorf("change point %+v, want first bad %s (commit 10), last good %s, about +50%%", f, commits[9][:7], commits[8][:7])
			}
		case name == "BenchmarkSteady":
			t.Errorf("a finding in the unchanged benchmark: %+v", f)
		}
	}
	for _, unit := range []string{verdict.InstructionsUnit, verdict.CyclesUnit} {
		if found[unit] {
			continue
		}
		for _, se := range tr.Series {
			if se.Unit == unit {
				var v []string
				for _, p := range se.Points {
					v = append(v, fmt.Sprintf("%d: %.0f", slices.Index(commits, p.Commit)+1, p.Median))
				}
				t.Logf("%s %s by commit: %s", se.Benchmark, unit, strings.Join(v, ", "))
			}
		}
		t.Errorf("no change point for Slowed %s: %+v", unit, tr.Findings)
	}
	html, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, historyflow.TrendHTMLFile))
	if !strings.Contains(string(html), "<svg") || !strings.Contains(string(html), commits[9][:7]) {
		t.Errorf("trend.html has no chart or does not name the commit")
	}

	// Acknowledged, the change no longer fails.
	r.Write(map[string]string{historyflow.DefaultAckFile: commits[9][:9] + " BenchmarkSlowed instructions/op # the new hashing is worth it\n" +
		commits[9][:9] + " BenchmarkSlowed estimated-cycles/op # and so are its cache misses\n"})
	if err := historyflow.Trend(context.Background(), cfg, opts); err != nil {
		t.Errorf("trend after acknowledging: %v", err)
	}
}

// strip drops the history branch's line from a repository state.
func strip(state string) string {
	var keep []string
	for _, l := range strings.Split(state, "\n") {
		if !strings.Contains(l, "refs/heads/"+history.DefaultBranch) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestRecord: HEAD is benchmarked and stored; a second record (a retried
// CI push) reuses that run instead of measuring again.
func TestRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	head := r.Commit("first", flowtest.Module(1000, false))
	cfg, _ := flowtest.Config(t, r.Dir)
	cfg.Run.Count, cfg.Run.Time = 2, "10ms"
	for i, want := range []string{"benchmarking HEAD", "recording " + filepath.Join(cfg.ResultsDir, "record.txt") + ", measured at HEAD"} {
		stderr := &flowtest.LockedBuffer{}
		cfg.Stderr = stderr
		if err := historyflow.Record(context.Background(), cfg, historyflow.DefaultOptions); err != nil {
			t.Fatalf("record %d: %v\n%s", i+1, err, stderr)
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("record %d does not say %q:\n%s", i+1, want, stderr)
		}
	}
	if out := r.Git("log", "--format=%s", history.DefaultBranch); strings.Count(out, "benchgate: record "+head) != 2 {
		t.Errorf("history branch log:\n%s", out)
	}
	// What was stored is the measurement: both benchmarks, with samples.
	repo, err := git.PlainOpen(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := history.Open(repo, history.DefaultBranch).Runs()
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs on the branch: %d, %v", len(runs), err)
	}
	for _, run := range runs {
		seen := map[string]bool{}
		for _, m := range run.Metrics {
			if len(m.Samples) > 0 {
				seen[strings.SplitN(m.Benchmark, "-", 2)[0]] = true
			}
		}
		if run.Commit != head || !seen["BenchmarkSteady"] || !seen["BenchmarkSlowed"] {
			t.Errorf("a recorded run of %s holds samples of %v, want BenchmarkSteady and BenchmarkSlowed at %s", run.Commit, seen, head)
		}
	}
}

// TestBackfillThatRecordsNothingFails: a backfill that skips every
// commit it was asked to record (here BENCH_PACKAGES names a package no
// commit has) is no verdict (exit 2) naming why, not a silent exit 0.
func TestBackfillThatRecordsNothingFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list on every commit")
	}
	r := testrepo.New(t)
	for i := 1; i <= 3; i++ {
		files := flowtest.Module(1000, false)
		files["n.txt"] = fmt.Sprint(i)
		r.Commit(fmt.Sprintf("commit %d", i), files)
	}
	cfg, _ := flowtest.Config(t, r.Dir)
	cfg.Packages = []string{"./nothere/..."}
	opts := historyflow.DefaultOptions
	opts.Backfill = 3
	err := historyflow.Backfill(context.Background(), cfg, opts)
	if code := exit.Code(err); code != 2 || !strings.Contains(fmt.Sprint(err), "backfill recorded none of the 3 commits") {
		t.Fatalf("exit %d, err %v; want 2 naming why\n%s", code, err, cfg.Stderr)
	}
}
