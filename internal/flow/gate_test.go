package flow_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/status"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

var module = flowtest.Module

var config = flowtest.Config

var mustRegress = flowtest.MustRegress

func TestRegressionEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	r.Commit("slow down Slowed 3.5x and allocate", module(3500, true))
	before := r.State()

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cmp := mustRegress(t, cfg, out)
	var flagged []string
	for _, row := range cmp.Rows {
		if row.Status == verdict.StatusRegression {
			flagged = append(flagged, strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))+" "+row.Unit)
			if row.Confirmed == nil || !*row.Confirmed || row.Confirmation == nil {
				t.Errorf("%s %s: regression not confirmed by fresh rounds: %+v", row.Benchmark, row.Unit, row.Confirmation)
			}
		}
	}
	if b, c := iterationCounts(t, filepath.Join(cfg.ResultsDir, flow.BaseFile)), iterationCounts(t, filepath.Join(cfg.ResultsDir, flow.CurrentFile)); b == "" || b != c {
		t.Errorf("iteration counts differ between the sides:\nbase:    %s\ncurrent: %s", b, c)
	}
	want := "BenchmarkSlowed B/op,BenchmarkSlowed allocs/op,BenchmarkSlowed ns/op"
	if got := strings.Join(slices.Sorted(slices.Values(flagged)), ","); got != want {
		t.Errorf("regressions: %s\nwant: %s\n%s", got, want, out)
	}
	if cmp.Base.Commit != c1 {
		t.Errorf("base commit %s, want %s", cmp.Base.Commit, c1)
	}
	for _, f := range []string{flow.BaseFile, flow.CurrentFile, flow.MarkdownFile, flow.HTMLFile, status.File} {
		if _, err := os.Stat(filepath.Join(cfg.ResultsDir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	assertStatus(t, cfg.ResultsDir, status.Regressed, 1)
	if !strings.Contains(out.String(), "Performance regressions detected!") {
		t.Errorf("text report lacks the verdict:\n%s", out)
	}
	if after := r.State(); after != before {
		t.Errorf("the fixture repository changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	assertNoScratch(t, cfg.TempDir)

	// Commit 1 against itself, from a linked worktree: nothing is flagged.
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "--detach", wt, c1)
	cfg2, out2 := config(t, wt)
	cfg2.Base = c1
	if err := flow.Regression(context.Background(), cfg2); err != nil {
		t.Fatalf("A/A comparison: %v\n%s", err, out2)
	}
	if !strings.Contains(out2.String(), "No performance regressions detected.") {
		t.Errorf("A/A report:\n%s", out2)
	}
}

// TestSensitiveEndToEnd runs the gate in sensitive mode on a 2x slowdown:
// it is flagged, the run says the thresholds it judged at, and a later run
// against the saved baseline says that adaptive sampling cannot apply.
func TestSensitiveEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	r.Commit("slow down Slowed 2x", module(2000, false))

	cfg, out := config(t, r.Dir)
	cfg.Sensitive()
	cfg.Base = c1
	cmp := mustRegress(t, cfg, out)
	for _, row := range cmp.Rows {
		name := strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))
		if name == "BenchmarkSlowed" && row.Unit == "ns/op" && row.Status != verdict.StatusRegression {
			t.Errorf("Slowed ns/op: %s (%+.1f%%, p=%v), want a regression", row.Status, float64(row.DeltaPct), row.P)
		}
		if row.ThresholdPct != flow.SensitivePct && row.Better != 0 {
			t.Errorf("%s %s judged at %v%%, want %d%%", row.Benchmark, row.Unit, row.ThresholdPct, flow.SensitivePct)
		}
	}
	stderr := cfg.Stderr.(*lockedBuffer).String()
	if !strings.Contains(stderr, "judging at thresholds throughput -3%, latency +3%, memory +3%, improvement 3%") {
		t.Errorf("stderr does not say the thresholds:\n%s", stderr)
	}

	// Against saved results (the current results of the run above) only
	// one side runs: the note says so. The verdict of this A/A at 3% on a
	// noisy machine is not asserted.
	saved := filepath.Join(t.TempDir(), "saved.txt")
	b, err := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.CurrentFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(saved, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg.Base = flow.FileBasePrefix + saved
	cfg.Stderr = &lockedBuffer{}
	if err := flow.Regression(context.Background(), cfg); err != nil && !errors.Is(err, exit.ErrRegression) {
		t.Fatal(err)
	}
	if stderr := cfg.Stderr.(*lockedBuffer).String(); !strings.Contains(stderr, "adaptive sampling needs both sides in one run") {
		t.Errorf("no note on adaptive sampling against a saved baseline:\n%s", stderr)
	}
}

func TestInterruptLeavesNothingBehind(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	for _, tf := range []struct {
		name string
		run  func(context.Context, flow.Config) error
	}{
		{"regression", flow.Regression},
		{"saveBaseline", flow.SaveBaseline},
	} {
		t.Run(tf.name, func(t *testing.T) {
			cfg, _ := config(t, r.Dir)
			cfg.Base = c1
			cfg.Run.Count = 50
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Cancel as round 2 starts: after the base was materialized,
			// binaries built and round 1 measured on every side.
			cfg.Stderr = &cancelOn{needle: "round 2/50", n: 1, cancel: cancel}
			// A previous run's verdict, which must not outlive this run.
			os.MkdirAll(cfg.ResultsDir, 0o755)
			for _, f := range []string{flow.MarkdownFile, flow.HTMLFile, flow.ComparisonFile} {
				os.WriteFile(filepath.Join(cfg.ResultsDir, f), []byte("old verdict"), 0o644)
			}
			err := tf.run(ctx, cfg)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			assertNoScratch(t, cfg.TempDir)
			if _, err := os.Stat(filepath.Join(cfg.ResultsDir, flow.BaselineFile)); !os.IsNotExist(err) {
				t.Errorf("baseline.txt exists after an interrupted run")
			}
			if tf.name == "regression" {
				for _, f := range []string{flow.MarkdownFile, flow.HTMLFile, flow.ComparisonFile} {
					if _, err := os.Stat(filepath.Join(cfg.ResultsDir, f)); !os.IsNotExist(err) {
						t.Errorf("the previous run's %s is left beside an interrupted run", f)
					}
				}
			}
			partial, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.CurrentFile+".partial"))
			if !bytes.Contains(partial, []byte("pkg: example.com/fixture/work")) {
				t.Errorf("what was measured before the interrupt is not kept in current.txt.partial:\n%s", partial)
			}
		})
	}
}

// iterationCounts lists the benchmark names and iteration counts of a
// results file's result lines, in order.
func iterationCounts(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.HasPrefix(f[0], "Benchmark") {
			out = append(out, f[0]+" "+f[1])
		}
	}
	return strings.Join(out, ", ")
}

// assertNoScratch checks that a run left nothing in its temp dir but the
// kept test binaries.
func assertNoScratch(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "bins-") {
			continue // the test binaries kept from run to run, by design
		}
		t.Errorf("left behind in the temp dir: %s", e.Name())
	}
}

func suffix(name string) string {
	if i := strings.LastIndex(name, "-"); i >= 0 {
		return name[i:]
	}
	return ""
}

type lockedBuffer = flowtest.LockedBuffer

// cancelOn cancels when needle has been written n times.
type cancelOn struct {
	needle string
	n      int
	cancel context.CancelFunc
	seen   int
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.seen += strings.Count(string(p), c.needle)
	if c.seen >= c.n {
		c.cancel()
	}
	return len(p), nil
}

// hashModule is the fixture module with BenchmarkProcess, which hashes
// rounds times per op and, with alloc, allocates a buffer in work.Encode.
func hashModule(rounds int, alloc bool) map[string]string {
	n := 0
	if alloc {
		n = 256
	}
	return fixture.Spec{Benches: []fixture.Bench{{Name: "Process", Hash: rounds, Alloc: n}}}.Files()
}

// TestProfileDiffNamesTheCause: Hash 4x slower and a new allocation in
// Encode; with BENCH_PROFILE=1 the reports name the FNV hashing and the
// allocation's file:line, and give the -diff_base command.
func TestProfileDiffNamesTheCause(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and profiles benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", hashModule(8, false))
	r.Commit("hash 4x as much and allocate", hashModule(32, true))
	cfg, out := config(t, r.Dir)
	cfg.Base, cfg.Profile = c1, profile.On
	cmp := mustRegress(t, cfg, out)
	if len(cmp.Profiles) != 1 {
		t.Fatalf("%d profile diffs, want 1", len(cmp.Profiles))
	}
	d := cmp.Profiles[0]
	// The module's view: a sample's time goes to the nearest function of
	// the module on its stack. The flat view's top line is a timing
	// accident on a loaded machine: a profile of a few samples there had
	// runtime.asyncPreempt above fnv's Write (both in Hash).
	if len(d.CPUModule) == 0 || d.CPUModule[0].Function != fixture.Package+".Hash" {
		t.Errorf("top CPU increase in the module %+v, want %s.Hash (flat: %+v)", d.CPUModule, fixture.Package, d.CPUFlat)
	}
	line := strings.Count(fixture.Library[:strings.Index(fixture.Library, "return make(")], "\n") + 1
	if len(d.Memory) == 0 || d.Memory[0].Function != fixture.Package+".Encode" || !strings.HasSuffix(d.Memory[0].File, "work/work.go") || d.Memory[0].Line != int64(line) {
		t.Errorf("top memory increase %+v, want work.Encode at work/work.go:%d", d.Memory, line)
	}
	pbs, _ := filepath.Glob(filepath.Join(cfg.ResultsDir, flow.ProfilesDir, "*", "*.pb.gz"))
	if len(pbs) != 4 {
		t.Errorf("profiles %v, want base and current, cpu and mem", pbs)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "Why it got slower") || !strings.Contains(string(md), "go tool pprof -http=: -diff_base") || !(strings.Contains(string(md), "fnv") || strings.Contains(string(md), "work.Hash")) {
		t.Errorf("report.md does not explain:\n%s", md)
	}
}
