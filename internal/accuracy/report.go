package accuracy

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/verdict"
)

// A Variant is how one method's raw results are judged.
type Variant struct {
	Name   string
	Method string
	// Gate judges with benchgate's rule (significance and threshold);
	// otherwise a row is flagged on p < 0.05 alone (benchstat) or, for
	// n=1, on the threshold alone (naive).
	Gate       bool
	Thresholds verdict.Thresholds
	// Confirmed applies the gate's confirmation rounds, as the gate does:
	// only for the thresholds the gate ran at, since it chose what to
	// confirm at those.
	Confirmed bool
}

// A Tally is the record of one variant.
type Tally struct {
	Variant
	// AARows and AAFlagged count benchmark-metric comparisons on the A/A
	// runs and how many were flagged as regressions, over all reps.
	AARows, AAFlagged int
	// AATimeRows and AATimeFlagged are the same for time and throughput
	// metrics only (memory metrics are constant and never flagged).
	AATimeRows, AATimeFlagged int
	// UnchangedRows and UnchangedFlagged count the metrics the effect
	// commit did not change, on the effect runs.
	UnchangedRows, UnchangedFlagged int
	// Detected counts, per effect, the reps that flagged it (a
	// regression, or an improvement for negative effects).
	Detected map[Effect]int
	// Wall are the wall times of each comparison; Confirm the part of
	// them spent in confirmation rounds.
	Wall, Confirm []time.Duration
	// Notes name every miss and false alarm with its numbers, so a
	// report says why, not only how often.
	Notes []string
}

// A Report is the outcome of Run.
type Report struct {
	Reps     int
	Options  Options
	Effects  []Effect
	Variants []*Tally
	// History is the history scenario's outcome.
	History *HistoryResult
	// Bisect is the bisection study's outcome, when it ran.
	Bisect []*BisectScenario
}

// TightPct is the uniform threshold of the "thresholds" variant, between
// the defaults and sensitive mode.
const TightPct = 5

func newReport(opts Options, methods, loads []string) *Report {
	r := &Report{Reps: opts.Reps, Options: opts, Effects: Effects()}
	for _, load := range loads {
		n := len(r.Variants)
		r.addVariants(methods)
		for _, t := range r.Variants[n:] {
			t.Method = methodKey(t.Method, load)
			if load != LoadIdle {
				t.Name += ", " + load
			}
		}
	}
	for _, t := range r.Variants {
		t.Detected = map[Effect]int{}
	}
	return r
}

// addVariants adds the variants of methods.
func (r *Report) addVariants(methods []string) {
	def := verdict.DefaultThresholds
	for _, m := range methods {
		switch m {
		case MethodInstructions:
			fine := def
			fine.Instructions = 1
			r.Variants = append(r.Variants,
				&Tally{Variant: Variant{Name: "benchgate instructions", Method: m, Gate: true, Thresholds: def, Confirmed: true}},
				&Tally{Variant: Variant{Name: "benchgate instructions, judged at 1%", Method: m, Gate: true, Thresholds: fine}})
		case MethodBenchgate:
			r.Variants = append(r.Variants,
				&Tally{Variant: Variant{Name: "benchgate", Method: m, Gate: true, Thresholds: def, Confirmed: true}},
				&Tally{Variant: Variant{Name: "benchgate, unconfirmed", Method: m, Gate: true, Thresholds: def}},
				&Tally{Variant: Variant{Name: fmt.Sprintf("benchgate, thresholds %g%%", float64(TightPct)), Method: m, Gate: true, Thresholds: verdict.AllAt(TightPct)}},
				&Tally{Variant: Variant{Name: fmt.Sprintf("benchgate, fixed rounds judged at %g%%", float64(flow.SensitivePct)), Method: m, Gate: true, Thresholds: verdict.AllAt(flow.SensitivePct)}})
		case MethodAdaptive:
			// Adaptive rounds are chosen for the thresholds of the run, the
			// defaults here, so the run is judged at those only.
			r.Variants = append(r.Variants, &Tally{Variant: Variant{Name: "benchgate adaptive", Method: m, Gate: true, Thresholds: def}})
		case MethodSensitive:
			r.Variants = append(r.Variants,
				&Tally{Variant: Variant{Name: fmt.Sprintf("benchgate sensitive (%g%%, adaptive, confirmed)", float64(flow.SensitivePct)), Method: m, Gate: true, Thresholds: verdict.AllAt(flow.SensitivePct), Confirmed: true}},
				&Tally{Variant: Variant{Name: "benchgate sensitive, unconfirmed", Method: m, Gate: true, Thresholds: verdict.AllAt(flow.SensitivePct)}})
		case MethodNaive:
			r.Variants = append(r.Variants, &Tally{Variant: Variant{Name: "naive (1 run a side, threshold)", Method: m, Gate: true, Thresholds: def}})
		case MethodBenchstatSeq:
			r.Variants = append(r.Variants, &Tally{Variant: Variant{Name: "benchstat, sequential 10+10", Method: m, Thresholds: def}})
		case MethodBenchstatAlt:
			r.Variants = append(r.Variants, &Tally{Variant: Variant{Name: "benchstat, alternating 10 rounds", Method: m, Thresholds: def}})
		}
	}
}

// add judges one run (repetition rep) of a method under each of its
// variants.
func (r *Report) add(method string, rep int, aa bool, s sample) error {
	effects := map[[2]string]Effect{}
	for _, e := range r.Effects {
		effects[[2]string{e.Benchmark, e.Unit}] = e
	}
	for _, t := range r.Variants {
		if t.Method != method {
			continue
		}
		t.Wall = append(t.Wall, s.wall)
		opts := verdict.DefaultOptions
		opts.Thresholds = t.Thresholds
		c, err := verdict.Compare(s.base, s.cur, opts)
		if err != nil {
			return err
		}
		if t.Confirmed {
			t.Confirm = append(t.Confirm, s.confirm)
			if s.freshCur != nil {
				fresh, err := verdict.Compare(s.freshBase, s.freshCur, opts)
				if err != nil {
					return err
				}
				verdict.Confirm(c, fresh)
			}
		}
		for _, row := range c.Rows {
			if row.Class == verdict.Info || row.Base == nil || row.Current == nil {
				continue
			}
			name, _ := verdict.SplitProcs([]byte(row.Benchmark))
			regressed, improved := judge(t.Variant, row)
			e, isEffect := effects[[2]string{name, row.Unit}]
			if name == "BenchmarkAlloc" && row.Unit != "allocs/op" {
				// The allocation also costs bytes and time (about 3% of
				// its ns/op here): real changes of no set size, neither
				// unchanged metrics nor effects to detect.
				isEffect, e = true, Effect{}
			}
			timing := row.Class == verdict.Latency || row.Class == verdict.Throughput
			switch {
			case aa:
				t.AARows++
				if timing {
					t.AATimeRows++
				}
				if regressed {
					t.AAFlagged++
					if timing {
						t.AATimeFlagged++
					}
					t.note(rep, "false alarm on A/A", row)
				}
			case !isEffect:
				t.UnchangedRows++
				if regressed {
					t.UnchangedFlagged++
					t.note(rep, "false alarm on an unchanged metric", row)
				}
			case e.Benchmark == "":
			case (e.Pct > 0 && regressed) || (e.Pct < 0 && improved):
				t.Detected[e]++
			case math.Abs(e.Pct) >= t.Thresholds.For(row.Class, row.Better):
				t.note(rep, fmt.Sprintf("missed %+.0f%%", e.Pct), row)
			}
		}
	}
	return nil
}

// note records a miss or a false alarm with the row's numbers.
func (t *Tally) note(rep int, what string, row verdict.Row) {
	p := "-"
	if row.P.Finite() {
		p = fmt.Sprintf("%.3f", float64(row.P))
	}
	status := "" // only the gate's rule gives a row a status
	if t.Gate {
		status = " " + string(row.Status)
	}
	t.Notes = append(t.Notes, fmt.Sprintf("rep %d: %s: %s %s%s, change %+.1f%%, p=%s, n=%d+%d",
		rep, what, strings.TrimPrefix(row.Benchmark, "Benchmark"), row.Unit, status, float64(row.DeltaPct), p, row.Base.N, row.Current.N))
}

// judge applies a variant's rule to a row.
func judge(v Variant, r verdict.Row) (regressed, improved bool) {
	if v.Gate {
		return r.Status == verdict.StatusRegression, r.Status == verdict.StatusImprovement
	}
	if !r.P.Finite() || float64(r.P) >= 0.05 || math.IsNaN(float64(r.DeltaPct)) {
		return false, false
	}
	bad := float64(r.DeltaPct) * float64(-r.Better)
	return bad > 0, bad < 0
}

// Print writes the report as tables.
func (r *Report) Print(w io.Writer) {
	if len(r.Variants) == 0 {
		PrintBisect(w, r.Bisect)
		return
	}
	defer func() {
		if r.Bisect != nil {
			PrintBisect(w, r.Bisect)
		}
	}()
	fmt.Fprintf(w, "Accuracy over %d repetitions of each comparison (benchgate: %d rounds of %s; benchstat: count %d, %s; naive: 1 run of %s a side)\n\n",
		r.Reps, r.Options.Count, r.Options.Time, r.Options.BenchstatCount, r.Options.BenchstatTime, r.Options.NaiveTime)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "method\tA/A false alarms\t(time metrics)\tfalse alarms on unchanged metrics, effect runs\twall time per comparison\tof which confirmation\t")
	for _, t := range r.Variants {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", t.Name, rate(t.AAFlagged, t.AARows), rate(t.AATimeFlagged, t.AATimeRows),
			rate(t.UnchangedFlagged, t.UnchangedRows), meanWall(t.Wall), meanWall(t.Confirm))
	}
	tw.Flush()
	fmt.Fprintln(w, "\nDetection: repetitions (of", r.Reps, ") that flagged each injected effect")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"effect"}
	for _, t := range r.Variants {
		head = append(head, t.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	effects := slices.Clone(r.Effects)
	for _, e := range effects {
		cells := []string{fmt.Sprintf("%s %s %+.0f%%", strings.TrimPrefix(e.Benchmark, "Benchmark"), e.Unit, e.Pct)}
		if e.Unit == "allocs/op" {
			cells[0] = fmt.Sprintf("%s %s 0 -> 1", strings.TrimPrefix(e.Benchmark, "Benchmark"), e.Unit)
		}
		for _, t := range r.Variants {
			cells = append(cells, fmt.Sprintf("%d/%d", t.Detected[e], r.Reps))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	tw.Flush()
	if r.History != nil {
		r.History.Print(w)
	}
	for _, t := range r.Variants {
		if len(t.Notes) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s: misses of effects at or beyond its threshold, and false alarms\n", t.Name)
		for _, n := range t.Notes {
			fmt.Fprintln(w, "  "+n)
		}
	}
}

func rate(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d (%.1f%%)", n, of, 100*float64(n)/float64(of))
}

func meanWall(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return (sum / time.Duration(len(ds))).Round(100 * time.Millisecond).String()
}

// WriteFile writes the printed report to path, atomically.
func (r *Report) WriteFile(path string) error {
	var b strings.Builder
	r.Print(&b)
	return atomicfile.WriteBytes(path, []byte(b.String()))
}
