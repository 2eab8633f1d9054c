package flow

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/calibrate"
	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/verdict"
)

// CalibrationFile is written by Calibrate and read by Regression.
const CalibrationFile = "calibration.json"

// CalibrateOptions configure Calibrate.
type CalibrateOptions struct {
	calibrate.Options
	// Times are the benchtimes to calibrate, shortest first
	// (BENCH_CALIBRATE_TIMES). Default: Run.Time and twice Run.Time.
	Times []string
}

// Calibrate runs the current tree A/A (the same tree on both sides, the
// usual interleaved runner) at each benchtime, measures each benchmark
// metric's noise, prints a table and recommendations (count, benchtime,
// thresholds), and writes calibration.json. The noisy metrics it records
// are those at Run.Time, the benchtime bench:regression uses.
func Calibrate(ctx context.Context, cfg Config, opts CalibrateOptions) error {
	unlock, err := cfg.Start("bench:calibrate")
	if err != nil {
		return err
	}
	defer unlock()
	cfg.Adaptive = false // calibration measures the noise at exactly Run.Count samples
	cfg.Confirm = false
	times := opts.Times
	if len(times) == 0 {
		times = []string{cfg.Run.Time}
		if d := calibrate.Double(cfg.Run.Time); d != "" {
			times = append(times, d)
		}
	}
	var main *calibrate.Calibration
	var trials []calibrate.TimeTrial
	for _, bt := range times {
		c := cfg
		c.Run.Time = bt
		cal, wall, err := c.calibrateAt(ctx, opts.Options)
		if err != nil {
			return err
		}
		trials = append(trials, cal.Trial(wall))
		if bt == cfg.Run.Time || main == nil {
			main = cal
		}
	}
	main.ByBenchtime = trials
	if len(trials) > 1 {
		bt, note := calibrate.RecommendTime(trials)
		main.Recommendation.Benchtime = bt
		main.Recommendation.Notes = append(main.Recommendation.Notes, note)
	}
	if err := calibrate.Write(cfg.Path(CalibrationFile), main); err != nil {
		return err
	}
	main.Print(cfg.Stdout)
	fmt.Fprintf(cfg.Stdout, "Apply with: %s\n", applyRecommendation(main.Recommendation))
	fmt.Fprintf(cfg.Stderr, "wrote %s: bench:regression marks the noisy metrics' verdicts while it is there\n", cfg.Path(CalibrationFile))
	return nil
}

// calibrateAt runs one A/A comparison at c.Run.Time and calibrates it; it
// returns the run's wall time too.
func (c *Config) calibrateAt(ctx context.Context, opts calibrate.Options) (*calibrate.Calibration, time.Duration, error) {
	start := time.Now()
	aPath, bPath := c.Path("calibrate-a-"+c.Run.Time+".txt"), c.Path("calibrate-b-"+c.Run.Time+".txt")
	fmt.Fprintf(c.Stderr, "calibrating at BENCH_TIME=%s: the current tree against itself, interleaved\n", c.Run.Time)
	_, err := c.run(ctx, bPath, func(context.Context, string) (*runner.Tree, error) {
		t := c.currentTree(aPath)
		t.Name = "base"
		return t, nil
	})
	if err != nil && !errors.Is(err, runner.ErrBenchmarkFailed) {
		return nil, 0, err
	}
	wall := time.Since(start)
	aa, err := verdict.CompareFiles(aPath, bPath, c.VerdictOptions())
	if err != nil {
		return nil, 0, err
	}
	return calibrate.Calibrate(aa, c.Run.Count, c.Run.Time, opts), wall, nil
}

// loadCalibration marks noisy metrics from calibration.json, if present.
func (c *Config) loadCalibration() error {
	path := c.Path(CalibrationFile)
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	cal, err := calibrate.Read(path)
	if err != nil {
		return err
	}
	c.Verdict.Noisy = cal.Noisy()
	fmt.Fprintf(c.Stderr, "using %s: %d noisy metrics will be marked\n", path, len(c.Verdict.Noisy))
	return nil
}

// applyRecommendation is the recommendation as the settings that apply it.
func applyRecommendation(rec calibrate.Recommendation) string {
	parts := []string{fmt.Sprintf("BENCH_COUNT=%d", rec.Count)}
	if rec.Benchtime != "" {
		parts = append(parts, "BENCH_TIME="+rec.Benchtime)
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"LATENCY_THRESHOLD", rec.Thresholds.Latency}, {"THROUGHPUT_THRESHOLD", rec.Thresholds.Throughput}, {"MEMORY_THRESHOLD", rec.Thresholds.Memory}} {
		if t.v > 0 {
			parts = append(parts, fmt.Sprintf("%s=%g", t.name, t.v))
		}
	}
	return strings.Join(parts, " ")
}
