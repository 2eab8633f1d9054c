package accuracy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/busy"
	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Options configure Run. Start from DefaultOptions.
type Options struct {
	// Reps is how many times every method runs each comparison. Default 3.
	Reps int
	// Count and Time are benchgate's settings (its defaults).
	Count int
	Time  string
	// BenchstatCount and BenchstatTime are the settings of the benchstat
	// methods: 10 samples of 200ms, as most people use it.
	BenchstatCount int
	BenchstatTime  string
	// NaiveTime is the benchtime of the naive method's single runs.
	// Default 1s, like go test -bench's default.
	NaiveTime string
	// Methods selects methods by name; default all.
	Methods []string
	// Loads are the machine states each method runs in: LoadIdle, and
	// LoadBusy with one busy loop per core beside it (a loaded shared CI
	// runner). Default both.
	Loads []string
	// Progress receives a line per run. Default io.Discard.
	Progress io.Writer
	// TempDir holds the fixture. Default os.TempDir().
	TempDir string
}

// DefaultOptions are the defaults of Options.
var DefaultOptions = Options{Reps: 3, Count: runner.DefaultOptions.Count, Time: runner.DefaultOptions.Time,
	BenchstatCount: 10, BenchstatTime: "200ms", NaiveTime: "1s", Loads: []string{LoadIdle, LoadBusy}}

// The methods.
const (
	MethodBenchgate    = "benchgate"
	MethodAdaptive     = "benchgate-adaptive"
	MethodSensitive    = "benchgate-sensitive"
	MethodNaive        = "naive"
	MethodBenchstatSeq = "benchstat-sequential"
	MethodBenchstatAlt = "benchstat-alternating"
	MethodInstructions = "benchgate-instructions"
)

// The machine states of Options.Loads.
const (
	LoadIdle = "idle"
	LoadBusy = "loaded"
)

// Methods are every method, in report order.
var Methods = []string{MethodBenchgate, MethodSensitive, MethodInstructions, MethodAdaptive, MethodNaive, MethodBenchstatSeq, MethodBenchstatAlt, MethodBisect}

// A sample is one run of one method on one comparison: the raw results of
// both sides and the wall time to a verdict.
type sample struct {
	base, cur *verdict.Set
	wall      time.Duration
	// freshBase and freshCur are the gate's confirmation rounds, when it
	// ran any; confirm is their wall time.
	freshBase, freshCur *verdict.Set
	confirm             time.Duration
}

type harness struct {
	opts Options
	fx   *subject
	bins map[string]string // worktree dir -> test binary
	// buildTime is what building one side's test binary took, added to
	// the wall time of the methods that run prebuilt binaries, as their
	// users would have to build too.
	buildTime time.Duration
}

// Run builds the fixture, runs every method Reps times on the A/A and the
// effect comparison, and returns the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Reps <= 0 {
		opts.Reps = DefaultOptions.Reps
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	root, err := os.MkdirTemp(opts.TempDir, "benchgate-accuracy-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(root)
	names := opts.Methods
	if len(names) == 0 {
		names = []string{MethodBenchgate, MethodSensitive, MethodInstructions, MethodNaive, MethodBenchstatSeq, MethodBenchstatAlt}
	}
	var bisected []*BisectScenario
	if slices.Contains(names, MethodBisect) {
		if bisected, err = runBisect(ctx, root, opts); err != nil {
			return nil, err
		}
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == MethodBisect })
		if len(names) == 0 {
			return &Report{Reps: opts.Reps, Options: opts, Bisect: bisected}, nil
		}
	}
	fx, err := newSubject(root)
	if err != nil {
		return nil, fmt.Errorf("building the fixture repository: %w", err)
	}
	h := &harness{opts: opts, fx: fx, bins: map[string]string{}}
	for _, dir := range []string{fx.baseDir, fx.sameDir, fx.effectDir} {
		start := time.Now()
		bin := filepath.Join(root, filepath.Base(dir)+".test")
		cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, "./work")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building %s: %w\n%s", dir, err, out)
		}
		h.bins[dir] = bin
		h.buildTime = time.Since(start)
	}
	methods := map[string]func(context.Context, string, string) (sample, error){
		MethodBenchgate: func(ctx context.Context, b, t string) (sample, error) { return h.benchgate(ctx, b, t, gateMode{}) },
		MethodAdaptive: func(ctx context.Context, b, t string) (sample, error) {
			return h.benchgate(ctx, b, t, gateMode{adaptive: true})
		},
		MethodSensitive: func(ctx context.Context, b, t string) (sample, error) {
			return h.benchgate(ctx, b, t, gateMode{sensitive: true})
		},
		MethodInstructions: func(ctx context.Context, b, t string) (sample, error) {
			return h.benchgate(ctx, b, t, gateMode{instructions: true})
		},
		MethodNaive:        h.naive,
		MethodBenchstatSeq: h.sequential,
		MethodBenchstatAlt: h.alternating,
	}
	loads := opts.Loads
	if len(loads) == 0 {
		loads = []string{LoadIdle, LoadBusy}
	}
	rep := newReport(opts, names, loads)
	var aa []sample // the gate's A/A runs on an idle machine: the history scenario's noise
	for _, load := range loads {
		stop := func() {}
		if load == LoadBusy {
			if stop, err = busy.Loops(); err != nil {
				return nil, err
			}
		}
		err := h.reps(ctx, rep, names, methods, load, &aa)
		stop()
		if err != nil {
			return nil, err
		}
	}
	rep.History = HistoryScenario(pool(aa), changepoint.DefaultOptions, history.DefaultTrendOptions.DriftPct)
	rep.Bisect = bisected
	return rep, nil
}

// reps runs every method Reps times in one machine state.
func (h *harness) reps(ctx context.Context, rep *Report, names []string, methods map[string]func(context.Context, string, string) (sample, error), load string, aa *[]sample) error {
	opts, fx := h.opts, h.fx
	for r := 1; r <= opts.Reps; r++ {
		for _, name := range names {
			run, ok := methods[name]
			if !ok {
				return fmt.Errorf("unknown method %q: choose from %s", name, strings.Join(Methods, ", "))
			}
			for _, cmp := range []struct {
				kind   string
				target string
			}{{"A/A", fx.sameDir}, {"effects", fx.effectDir}} {
				if err := ctx.Err(); err != nil {
					return err
				}
				fmt.Fprintf(opts.Progress, "rep %d/%d %s %s %s...\n", r, opts.Reps, name, load, cmp.kind)
				s, err := run(ctx, fx.baseDir, cmp.target)
				if err != nil {
					return fmt.Errorf("%s (%s) on %s: %w", name, load, cmp.kind, err)
				}
				if err := rep.add(methodKey(name, load), r, cmp.kind == "A/A", s); err != nil {
					return err
				}
				if cmp.kind == "A/A" && load == LoadIdle && strings.HasPrefix(name, MethodBenchgate) && name != MethodInstructions {
					*aa = append(*aa, s)
				}
			}
		}
	}
	return nil
}

// methodKey names a method in one machine state in the report.
func methodKey(name, load string) string {
	if load == LoadIdle {
		return name
	}
	return name + " " + load
}

// A gateMode is how the harness configures the gate: as shipped, with
// adaptive sampling, or in sensitive mode (flow.Config.Sensitive, what
// BENCH_SENSITIVE=1 sets).
type gateMode struct {
	adaptive, sensitive, instructions bool
}

// benchgate runs the real gate: materialize the base from git, build both
// sides, interleave.
func (h *harness) benchgate(ctx context.Context, baseDir, target string, mode gateMode) (sample, error) {
	cfg := flow.DefaultConfig()
	cfg.Adaptive = mode.adaptive
	cfg.Profile = profile.Off // verdicts and their time; profiling is measured on its own
	if mode.sensitive {
		cfg.Sensitive()
	}
	if mode.instructions {
		cfg.Measure = flow.MeasureInstructions
	}
	cfg.Dir = target
	cfg.Base = h.fx.base
	cfg.Packages = []string{"./..."}
	cfg.ResultsDir = filepath.Join(filepath.Dir(target), "results-"+filepath.Base(target))
	os.RemoveAll(cfg.ResultsDir)
	cfg.Run.Count, cfg.Run.Time = h.opts.Count, h.opts.Time
	cfg.Stdout, cfg.Stderr = io.Discard, io.Discard
	cfg.TempDir = filepath.Dir(target)
	cfg.Recount = true // each repetition counts afresh
	var stats runner.Stats
	cfg.Stats = &stats
	start := time.Now()
	err := flow.Regression(ctx, cfg)
	wall := time.Since(start)
	if err != nil && !errors.Is(err, exit.ErrRegression) {
		return sample{}, err
	}
	s := sample{wall: wall, confirm: stats.Confirm}
	if fc := filepath.Join(cfg.ResultsDir, runner.ConfirmFile(flow.CurrentFile)); fileExists(fc) {
		if s.freshBase, err = verdict.ReadFile(filepath.Join(cfg.ResultsDir, runner.ConfirmFile(flow.BaseFile))); err != nil {
			return sample{}, err
		}
		if s.freshCur, err = verdict.ReadFile(fc); err != nil {
			return sample{}, err
		}
	}
	if s.base, err = verdict.ReadFile(filepath.Join(cfg.ResultsDir, flow.BaseFile)); err != nil {
		return sample{}, err
	}
	if s.cur, err = verdict.ReadFile(filepath.Join(cfg.ResultsDir, flow.CurrentFile)); err != nil {
		return sample{}, err
	}
	return s, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// naive runs each side once, base then current.
func (h *harness) naive(ctx context.Context, baseDir, target string) (sample, error) {
	return h.blocks(ctx, baseDir, target, 1, h.opts.NaiveTime, 1)
}

// sequential is benchstat as most people use it: all samples of the base,
// then all of the current (go test -count=10 on each side).
func (h *harness) sequential(ctx context.Context, baseDir, target string) (sample, error) {
	return h.blocks(ctx, baseDir, target, h.opts.BenchstatCount, h.opts.BenchstatTime, 1)
}

// alternating is benchstat fed by alternating runs: 10 rounds of count 1,
// base then current in each.
func (h *harness) alternating(ctx context.Context, baseDir, target string) (sample, error) {
	return h.blocks(ctx, baseDir, target, 1, h.opts.BenchstatTime, h.opts.BenchstatCount)
}

// blocks runs rounds rounds of (base with -count=count, then current).
func (h *harness) blocks(ctx context.Context, baseDir, target string, count int, benchtime string, rounds int) (sample, error) {
	var outs [2]bytes.Buffer
	start := time.Now()
	for r := 0; r < rounds; r++ {
		for i, dir := range []string{baseDir, target} {
			cmd := exec.CommandContext(ctx, h.bins[dir], "-test.run=^$", "-test.bench=.", "-test.benchmem",
				fmt.Sprintf("-test.count=%d", count), "-test.benchtime="+benchtime)
			cmd.Dir = dir
			cmd.Stdout = &outs[i]
			if err := cmd.Run(); err != nil {
				return sample{}, fmt.Errorf("running %s: %w", h.bins[dir], err)
			}
		}
	}
	wall := time.Since(start) + 2*h.buildTime
	base, err := verdict.Read(&outs[0], "base")
	if err != nil {
		return sample{}, err
	}
	cur, err := verdict.Read(&outs[1], "current")
	if err != nil {
		return sample{}, err
	}
	return sample{base: base, cur: cur, wall: wall}, nil
}
