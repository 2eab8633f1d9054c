package accuracy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/bisectflow"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/scratch"
)

// MethodBisect is the bisection study: bisectflow.Bisect on a line of
// BisectCommits commits with known steps, counting instructions.
const MethodBisect = "bisect"

// BisectCommits is the length of the bisection study's line.
const BisectCommits = 64

// A BisectScenario is one line the bisection study searches: the
// benchmark's change at each culprit, none for a flat line.
type BisectScenario struct {
	Name string
	// Timed measures time (at a 10% latency threshold, so that the
	// +15% step is a regression) instead of counting instructions.
	Timed bool
	// Steps are culprit position -> change in percent.
	Steps map[int]float64
	// Runs, Right: bisections, and those that named exactly the
	// culprits (for a flat line: said no regression, named none).
	Runs, Right int
	// Steps and Measurements per run; Wall per run, and Compare the wall
	// time of one comparison of good and bad with the same settings.
	StepCounts, Measurements []int
	Wall, Compare            []time.Duration
	// Wrong describes the runs that were not right.
	Wrong []string
}

// BisectScenarios are the study's lines: one +15% step, a +8% and a +7%
// step, and a flat line.
func BisectScenarios() []*BisectScenario {
	return []*BisectScenario{
		{Name: "one step +15%", Steps: map[int]float64{37: 15}},
		{Name: "two steps +8% and +7%", Steps: map[int]float64{20: 8, 45: 7}},
		{Name: "flat", Steps: map[int]float64{}},
		{Name: "one step +15%, timed", Steps: map[int]float64{37: 15}, Timed: true},
		{Name: "flat, timed", Steps: map[int]float64{}, Timed: true},
	}
}

// bisectLoops is the work of the study's benchmark at commit i.
func (s *BisectScenario) loops(i int) int {
	f := float64(baseLoops)
	for at, pct := range s.Steps {
		if i >= at {
			f *= 1 + pct/100
		}
	}
	return int(math.Round(f))
}

// runBisect runs every scenario reps times and returns them.
func runBisect(ctx context.Context, root string, opts Options) ([]*BisectScenario, error) {
	scenarios := BisectScenarios()
	for _, sc := range scenarios {
		dir := filepath.Join(root, "bisect-"+strings.NewReplacer(" ", "-", "%", "", "+", "").Replace(sc.Name))
		hashes, err := sc.line(dir)
		if err != nil {
			return nil, fmt.Errorf("building the line %q: %w", sc.Name, err)
		}
		for r := 1; r <= opts.Reps; r++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := sc.run(ctx, dir, hashes, r, opts); err != nil {
				return nil, err
			}
		}
	}
	return scenarios, nil
}

// line commits the scenario's line in dir and returns its hashes, good
// first.
func (s *BisectScenario) line(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := git(dir, "init", "-q", "-b", "main"); err != nil {
		return nil, err
	}
	var hashes []string
	for i := 0; i <= BisectCommits; i++ {
		spec := fixture.Spec{Benches: []fixture.Bench{{Name: "Work", Work: s.loops(i)}}, Comment: fmt.Sprintf("commit %d", i)}
		h, err := commit(dir, spec.Files(), fmt.Sprintf("change %d", i))
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
	}
	return hashes, nil
}

// bisectConfig is the gate's configuration for the study: instruction
// counts (timed: time at a 10% latency threshold), every other setting
// its default.
func (s *BisectScenario) config(dir, results string, opts Options) flow.Config {
	cfg := flow.DefaultConfig()
	cfg.Dir, cfg.ResultsDir, cfg.TempDir = dir, results, filepath.Dir(dir)
	cfg.Packages = []string{"./..."}
	cfg.Measure = flow.MeasureInstructions
	if s.Timed {
		cfg.Measure = flow.MeasureTime
		cfg.Verdict.Thresholds.Latency = 10
	}
	cfg.Run.Count, cfg.Run.Time = opts.Count, opts.Time
	cfg.Stdout, cfg.Stderr = io.Discard, io.Discard
	return cfg
}

// run is one repetition: a comparison of good and bad, timed, then the
// bisection from scratch.
func (s *BisectScenario) run(ctx context.Context, dir string, hashes []string, rep int, opts Options) error {
	cmpCfg := s.config(dir, filepath.Join(filepath.Dir(dir), fmt.Sprintf("%s-compare-%d", filepath.Base(dir), rep)), opts)
	cmpCfg.Base = hashes[0]
	cmpCfg.Confirm = false // a bisection step does not confirm either
	cmpCfg.Recount = true  // a first count, and nothing kept for the bisection
	start := time.Now()
	if err := flow.Regression(ctx, cmpCfg); err != nil && !errors.Is(err, exit.ErrRegression) {
		return fmt.Errorf("comparing the ends of %q: %w", s.Name, err)
	}
	compare := time.Since(start)

	cfg := s.config(dir, filepath.Join(filepath.Dir(dir), fmt.Sprintf("%s-bisect-%d", filepath.Base(dir), rep)), opts)
	// Within a bisection the good end's counts are reused from step to
	// step, as a user's are; between repetitions nothing is.
	if err := forgetCounts(cfg.TempDir); err != nil {
		return err
	}
	o := bisectflow.DefaultOptions
	o.Good, o.Bad = hashes[0], hashes[len(hashes)-1]
	start = time.Now()
	if err := bisectflow.Bisect(ctx, cfg, o); err != nil {
		return fmt.Errorf("bisecting %q: %w", s.Name, err)
	}
	wall := time.Since(start)
	res, err := bisect.ReadFile(filepath.Join(cfg.ResultsDir, bisectflow.BisectFile))
	if err != nil {
		return err
	}
	var want, got []string
	for _, at := range slices.Sorted(maps.Keys(s.Steps)) {
		want = append(want, hashes[at])
	}
	for _, c := range res.Culprits {
		got = append(got, c.Commit+strings.Join(c.Range, ".."))
	}
	s.Runs++
	if slices.Equal(got, want) && res.Regressed == (len(want) > 0) {
		s.Right++
	} else {
		s.Wrong = append(s.Wrong, fmt.Sprintf("rep %d: %s", rep, res.Headline()))
	}
	s.StepCounts = append(s.StepCounts, len(res.Steps))
	s.Measurements = append(s.Measurements, res.Measured)
	s.Wall, s.Compare = append(s.Wall, wall), append(s.Compare, compare)
	fmt.Fprintf(opts.Progress, "bisect %s rep %d: %s; %d steps, %d measurements, %s (one comparison %s)\n",
		s.Name, rep, res.Headline(), len(res.Steps), res.Measured, wall.Round(time.Second), compare.Round(time.Second))
	return nil
}

// forgetCounts removes the instruction counts kept beside the test
// binaries under root, so that a repetition counts from scratch.
func forgetCounts(root string) error {
	files, _ := filepath.Glob(filepath.Join(root, scratch.BinsPrefix+"*", runner.CountsFile)) // the pattern is valid
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("forgetting the kept counts: %w", err)
		}
	}
	return nil
}

// PrintBisect writes the bisection study's table.
func PrintBisect(w io.Writer, scenarios []*BisectScenario) {
	fmt.Fprintf(w, "\nBisection: the bisection on %d commits, counting instructions unless timed (the limit: ceil(log2 %d)+3 = %d steps)\n", BisectCommits, BisectCommits, int(math.Ceil(math.Log2(BisectCommits)))+3)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "line\tright\tsteps (max)\tmeasurements (max)\twall time per bisection\tof one comparison\tratio\t")
	for _, s := range scenarios {
		var wall, cmp time.Duration
		for i := range s.Wall {
			wall += s.Wall[i]
			cmp += s.Compare[i]
		}
		ratio := "-"
		if cmp > 0 {
			ratio = fmt.Sprintf("%.1fx", float64(wall)/float64(cmp))
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%.1f (%d)\t%.1f (%d)\t%s\t%s\t%s\t\n", s.Name, s.Right, s.Runs, mean(s.StepCounts), slices.Max(append(s.StepCounts, 0)),
			mean(s.Measurements), slices.Max(append(s.Measurements, 0)), meanWall(s.Wall), meanWall(s.Compare), ratio)
	}
	tw.Flush()
	for _, s := range scenarios {
		for _, w1 := range s.Wrong {
			fmt.Fprintf(w, "  %s, %s\n", s.Name, w1)
		}
	}
}

func mean(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	t := 0
	for _, x := range xs {
		t += x
	}
	return float64(t) / float64(len(xs))
}
