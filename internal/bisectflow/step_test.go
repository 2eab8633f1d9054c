package bisectflow

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/gitref"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// reusedNote is the start of the runner's note on counts it reused.
const reusedNote = "counted runs reused"

// TestStepsReuseTheGoodEndsCounts: counting instructions, the good end is
// counted by the first step and its counts are reused by the next one (its
// binary is unchanged), which still measures its own commit; a step
// measured again counts both sides afresh, so that pooling adds samples,
// not copies of them.
func TestStepsReuseTheGoodEndsCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and counts benchmarks under valgrind")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	var hashes []string
	for i, work := range []int{2000, 2000, 6000} {
		spec := fixture.Spec{Benches: []fixture.Bench{{Name: "Slowed", Work: work}}, Comment: fmt.Sprintf("commit %d", i)}
		hashes = append(hashes, r.Commit(fmt.Sprintf("change %d", i), spec.Files()))
	}
	cfg, _ := flowtest.Config(t, r.Dir)
	cfg.Measure = flow.MeasureInstructions
	repo, err := gitref.Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	good, err := repo.Resolve(hashes[0])
	if err != nil {
		t.Fatal(err)
	}
	m := newStepMeasurer(cfg, repo, good, filepath.Join(t.TempDir(), BisectDir), t.TempDir())
	log := cfg.Stderr.(*flowtest.LockedBuffer)
	measure := func(hash string, again int) (bisect.Measurement, string) {
		t.Helper()
		before := len(log.String())
		meas, err := m.Measure(context.Background(), bisect.Commit{Hash: hash}, again)
		if err != nil {
			t.Fatalf("measuring %.7s (again %d): %v\n%s", hash, again, err, log)
		}
		return meas, log.String()[before:]
	}
	if _, out := measure(hashes[1], 0); strings.Contains(out, reusedNote) {
		t.Errorf("the first step reused counts; nothing was counted before it:\n%s", out)
	}
	meas, out := measure(hashes[2], 0)
	if !strings.Contains(out, reusedNote) {
		t.Errorf("the second step counted the unchanged good end again:\n%s", out)
	}
	if len(meas.Levels) == 0 || meas.Skip != "" {
		t.Fatalf("the second step measured nothing: %+v\n%s", meas, out)
	}
	counted := false
	for _, l := range meas.Levels {
		if l.Unit != verdict.InstructionsUnit {
			continue
		}
		counted = true
		if l.DeltaPct < 150 || l.DeltaPct > 250 { // 3x the work: about 3x the instructions per op
			t.Errorf("%s %s changed %+.1f%% against the good end, want about +200%% (reused counts of the wrong side?)", l.Benchmark, l.Unit, l.DeltaPct)
		}
	}
	if !counted {
		t.Errorf("the second step has no %s: %+v", verdict.InstructionsUnit, meas.Levels)
	}
	again, out := measure(hashes[2], 1)
	if strings.Contains(out, reusedNote) {
		t.Errorf("the step measured again reused counts; its pooled rounds must be fresh:\n%s", out)
	}
	if again.Rounds != 2*meas.Rounds {
		t.Errorf("measured again: %d rounds pooled, want %d", again.Rounds, 2*meas.Rounds)
	}
}

// TestStepKey: a step measured with other settings is not reused. The
// key once listed its settings by hand and left BENCH_SKIP and the
// quarantine file out, so a step measured with a benchmark skipped was
// reused by a bisection that measures it.
func TestStepKey(t *testing.T) {
	good := gitref.Commit{Rev: "good"}
	key := func(edit func(*flow.Config)) string {
		cfg := flow.DefaultConfig()
		edit(&cfg)
		return newStepMeasurer(cfg, nil, good, t.TempDir(), "").settingsKey()
	}
	same := key(func(*flow.Config) {})
	for _, tc := range []struct {
		name    string
		edit    func(*flow.Config)
		changed bool
	}{
		{"BENCH_SKIP", func(c *flow.Config) { c.Run.Skip = "BenchmarkSlow" }, true},
		{"BENCH_QUARANTINE", func(c *flow.Config) { c.Quarantine = "other.txt" }, true},
		{"BENCH_TIME", func(c *flow.Config) { c.Run.Time = "1s" }, true},
		{"a threshold", func(c *flow.Config) { c.Verdict.Thresholds.Latency = 50 }, true},
		{"BENCH_MEASURE", func(c *flow.Config) { c.Measure = flow.MeasureInstructions }, true},
		{"BENCH_RESULTS_DIR", func(c *flow.Config) { c.ResultsDir = "elsewhere" }, false},
		{"confirmation (off for steps)", func(c *flow.Config) { c.Confirm = !c.Confirm }, false},
	} {
		if got := key(tc.edit) != same; got != tc.changed {
			t.Errorf("%s: key changed %v, want %v", tc.name, got, tc.changed)
		}
	}
}
