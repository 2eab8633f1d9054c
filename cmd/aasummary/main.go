// Command aasummary summarizes repeated A/A comparisons: runs of the gate
// with the same code on both sides, one results directory each. It prints
// how many runs failed, what they reported that can only be false
// (regressions, improvements, missing rows) or unsettled (undecided), how
// far the time rows' changes spread, and where the runs' time went.
//
// Usage:
//
//	aasummary [-history] DIR...
//
// With -history it also runs bench:accuracy's history scenario (change
// points on synthetic series) with the runs' own noise.
//
// Each DIR holds a comparison.json and, when present, the run's stderr
// (stderr) with benchgate's "total: ..." line.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/accuracy"
	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/history"
	"github.com/benchgate/benchgate/internal/verdict"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "aasummary: %v\n", err)
		os.Exit(2)
	}
}

var totalLine = regexp.MustCompile(`^(\S+) total: .*timed (?:benchmark )?loops (\S+) \((\d+)%\)`)

func run(args []string, w io.Writer) error {
	withHistory := len(args) > 0 && args[0] == "-history"
	dirs := args
	if withHistory {
		dirs = args[1:]
	}
	if len(dirs) == 0 {
		return errors.New("usage: aasummary DIR...: name the results directories of the A/A runs")
	}
	var deltas []float64
	var failing, regressions, improvements, undecided, missing, rows int
	var totals, timed []time.Duration
	var all []*verdict.Comparison
	for _, d := range dirs {
		c, err := verdict.ReadComparison(filepath.Join(d, "comparison.json"))
		if err != nil {
			return err
		}
		all = append(all, c)
		if c.Outcome() != verdict.Pass {
			failing++
		}
		for _, r := range c.Rows {
			switch r.Status {
			case verdict.StatusRegression:
				regressions++
			case verdict.StatusImprovement:
				improvements++
			case verdict.StatusUndecided:
				undecided++
			case verdict.StatusMissing:
				missing++
			}
			if r.Class == verdict.Latency && r.DeltaPct.Finite() {
				rows++
				deltas = append(deltas, math.Abs(float64(r.DeltaPct)))
			}
		}
		if tot, tim, ok := stats(filepath.Join(d, "stderr")); ok {
			totals = append(totals, tot)
			timed = append(timed, tim)
		}
	}
	slices.Sort(deltas)
	fmt.Fprintf(w, "A/A runs: %d; failing (exit != 0): %d\n", len(dirs), failing)
	fmt.Fprintf(w, "rows reported: %d regressions, %d improvements, %d missing (all false), %d undecided\n", regressions, improvements, missing, undecided)
	if len(deltas) > 0 {
		over := 0
		for _, d := range deltas {
			if d > 10 {
				over++
			}
		}
		fmt.Fprintf(w, "time rows (%d): |change| median %.1f%%, p90 %.1f%%, max %.1f%%; %.0f%% beyond 10%%\n",
			rows, quantile(deltas, 0.5), quantile(deltas, 0.9), deltas[len(deltas)-1], 100*float64(over)/float64(len(deltas)))
	}
	if len(totals) > 0 {
		var sum, sumTimed time.Duration
		for i := range totals {
			sum += totals[i]
			sumTimed += timed[i]
		}
		slices.SortFunc(totals, func(a, b time.Duration) int { return cmp.Compare(a, b) })
		fmt.Fprintf(w, "wall per run: median %s (min %s, max %s); timed benchmark loops %.0f%% of it\n",
			totals[len(totals)/2].Round(100*time.Millisecond), totals[0].Round(100*time.Millisecond), totals[len(totals)-1].Round(100*time.Millisecond),
			100*sumTimed.Seconds()/sum.Seconds())
	}
	if withHistory {
		accuracy.HistoryScenario(accuracy.Noise(all...), changepoint.DefaultOptions, history.DefaultTrendOptions.DriftPct).Print(w)
	}
	return nil
}

// stats reads the total and timed durations from a run's stderr.
func stats(path string) (total, timed time.Duration, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := totalLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			t1, err1 := time.ParseDuration(m[1])
			t2, err2 := time.ParseDuration(m[2])
			if err1 == nil && err2 == nil {
				total, timed, ok = t1, t2, true
			}
		}
	}
	return total, timed, ok
}

// quantile of sorted values, by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}
