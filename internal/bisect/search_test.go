package bisect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// line is a synthetic first-parent line of n commits after the good end.
func line(n int) []Commit {
	out := make([]Commit, n+1)
	for i := range out {
		out[i] = Commit{Hash: fmt.Sprintf("%02x%038x", i+1, i+1), Subject: fmt.Sprintf("commit %d", i)}
	}
	return out
}

// fake measures a synthetic benchmark: steps[i] is the change in percent
// the commit at position i makes (compounded); width is the half-width
// of the interval on a first measurement, narrowing by half each time
// it is measured again.
type fake struct {
	line      []Commit
	steps     map[int]float64
	skip      map[int]string
	missing   map[int]bool
	width     float64
	threshold float64
	calls     []int
	// bench names the followed benchmark; default BenchmarkWork.
	bench string
}

func (f *fake) Measure(_ context.Context, c Commit, again int) (Measurement, error) {
	i := slices.IndexFunc(f.line, func(x Commit) bool { return x.Hash == c.Hash })
	f.calls = append(f.calls, i)
	if why, ok := f.skip[i]; ok {
		return Measurement{Skip: why}, nil
	}
	r := 1.0
	for j := 1; j <= i; j++ {
		r *= 1 + f.steps[j]/100
	}
	d := (r - 1) * 100
	w := f.width / math.Pow(2, float64(again))
	name := cmp.Or(f.bench, "BenchmarkWork")
	l := Level{Pkg: "example.com/p", Benchmark: name, Unit: "sec/op", Better: -1, DeltaPct: d, LoPct: d - w, HiPct: d + w}
	l.Regressed = d-w > 0 && d > f.threshold
	l.Undecided = !l.Regressed && d > f.threshold
	m := Measurement{Rounds: 6 * (again + 1)}
	if !f.missing[i] {
		m.Levels = append(m.Levels, l)
	}
	m.Levels = append(m.Levels, Level{Pkg: "example.com/p", Benchmark: "BenchmarkOther", Unit: "sec/op", Better: -1, LoPct: -w, HiPct: w})
	return m, nil
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		f        fake
		culprits [][]int // each culprit's positions (one: a commit)
		why      []string
		shares   []float64 // each culprit's share, within 5 points
		maxSteps int
	}{
		{name: "one step", f: fake{steps: map[int]float64{37: 15}, width: 0.2},
			culprits: [][]int{{37}}, shares: []float64{100}, maxSteps: 9},
		{name: "first commit", f: fake{steps: map[int]float64{1: 15}, width: 0.2},
			culprits: [][]int{{1}}, shares: []float64{100}, maxSteps: 9},
		{name: "last commit", f: fake{steps: map[int]float64{64: 15}, width: 0.2},
			culprits: [][]int{{64}}, shares: []float64{100}, maxSteps: 9},
		{name: "two steps", f: fake{steps: map[int]float64{20: 8, 45: 7}, width: 0.2},
			culprits: [][]int{{20}, {45}}, shares: []float64{52, 48}},
		{name: "flat", f: fake{steps: map[int]float64{}, width: 0.2}},
		{name: "below the threshold", f: fake{steps: map[int]float64{30: 1}, width: 0.2}},
		{name: "an improvement", f: fake{steps: map[int]float64{30: -15}, width: 0.2}},
		{name: "skipped next to the culprit", f: fake{steps: map[int]float64{37: 15}, width: 0.2, skip: map[int]string{36: "does not build"}},
			culprits: [][]int{{36, 37}}, why: []string{"skipped"}, shares: []float64{100}},
		{name: "skipped elsewhere", f: fake{steps: map[int]float64{37: 15}, width: 0.2, skip: map[int]string{32: "does not build", 48: "does not build"}},
			culprits: [][]int{{37}}, shares: []float64{100}},
		{name: "benchmark absent for a while", f: fake{steps: map[int]float64{37: 15}, width: 0.2, missing: map[int]bool{30: true, 31: true, 32: true, 33: true}},
			culprits: [][]int{{37}}, shares: []float64{100}},
		{name: "noisy: measured again", f: fake{steps: map[int]float64{37: 15}, width: 6},
			culprits: [][]int{{37}}, shares: []float64{100}},
		{name: "undone later", f: fake{steps: map[int]float64{10: 15, 50: -15 / 1.15}, width: 0.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.line, f.threshold = line(64), 5
			res, err := Run(context.Background(), f.line, &f, DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			if res.Regressed != (len(tt.culprits) > 0) {
				t.Fatalf("regressed = %v, want %v", res.Regressed, len(tt.culprits) > 0)
			}
			var got [][]int
			for _, c := range res.Culprits {
				hashes := c.Range
				if c.Commit != "" {
					hashes = []string{c.Commit}
				}
				var pos []int
				for _, h := range hashes {
					pos = append(pos, slices.IndexFunc(f.line, func(x Commit) bool { return x.Hash == h }))
				}
				got = append(got, pos)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.culprits) {
				t.Fatalf("culprits at %v, want %v (steps %v)", got, tt.culprits, f.calls)
			}
			for i, c := range res.Culprits {
				if want := ""; tt.why != nil {
					want = tt.why[i]
					if c.Why != want {
						t.Errorf("culprit %d why = %q, want %q", i, c.Why, want)
					}
				}
				if len(c.Changes) != 1 || math.Abs(c.Changes[0].SharePct-tt.shares[i]) > 5 {
					t.Errorf("culprit %d changes %+v, want one with share %v%%", i, c.Changes, tt.shares[i])
				}
			}
			if tt.maxSteps > 0 && res.Measured > tt.maxSteps {
				t.Errorf("%d steps measured, want at most %d: %v", res.Measured, tt.maxSteps, f.calls)
			}
			if res.Measured != len(f.calls) {
				t.Errorf("Measured = %d, but %d measurements", res.Measured, len(f.calls))
			}
			for i, n := range f.calls {
				if slices.Contains(f.calls[:i], n) && f.skip[n] != "" {
					t.Errorf("skipped commit %d measured again: %v", n, f.calls)
				}
			}
		})
	}
}

// TestRunMeasuresAgain: an Unknown comparison measures a commit again,
// and the step says so.
func TestRunMeasuresAgain(t *testing.T) {
	f := fake{line: line(16), steps: map[int]float64{9: 15}, width: 6, threshold: 5}
	res, err := Run(context.Background(), f.line, &f, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	again := 0
	for _, st := range res.Steps {
		again += st.Again
		if st.Rounds != 6*(st.Again+1) {
			t.Errorf("step %d: %d rounds after %d more measurements", st.Position, st.Rounds, st.Again)
		}
	}
	if again == 0 {
		t.Errorf("no step measured again with ±6%% intervals and a 25%% share of 15%%: %+v", res.Steps)
	}
	if len(res.Culprits) != 1 || res.Culprits[0].Commit != f.line[9].Hash {
		t.Errorf("culprits %+v, want commit 9", res.Culprits)
	}
}

// TestRunBadEnd: a bad end that cannot be measured is an error, not an
// answer.
func TestRunBadEnd(t *testing.T) {
	f := fake{line: line(8), skip: map[int]string{8: "does not build"}, width: 0.2, threshold: 5}
	_, err := Run(context.Background(), f.line, &f, DefaultOptions)
	if !errors.Is(err, ErrBadEnd) {
		t.Fatalf("err = %v, want ErrBadEnd", err)
	}
}

// TestRunStepVerdicts: every step says how it compares with the good end.
func TestRunStepVerdicts(t *testing.T) {
	f := fake{line: line(64), steps: map[int]float64{37: 15}, width: 0.2, threshold: 5}
	res, err := Run(context.Background(), f.line, &f, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range res.Steps {
		want := Same
		if st.Position >= 37 {
			want = Different
		}
		if st.Verdict != want {
			t.Errorf("step at %d: verdict %s, want %s", st.Position, st.Verdict, want)
		}
	}
}

// TestRunSpread: a change made of steps too small to name alone is named
// as ranges that hold most of it, never as one small commit, and the
// notes say how much of it no culprit holds.
func TestRunSpread(t *testing.T) {
	steps := map[int]float64{}
	for i := 30; i < 38; i++ {
		steps[i] = 2
	}
	f := fake{line: line(64), steps: steps, width: 0.1, threshold: 5}
	res, err := Run(context.Background(), f.line, &f, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	share := 0.0
	for _, c := range res.Culprits {
		if c.Commit != "" || c.Why != "spread" {
			t.Errorf("culprit %s (why %q) for a %.1f%% share, want a spread range", c.Commit, c.Why, c.Changes[0].SharePct)
		}
		inside := 0
		for _, h := range c.Range {
			if i := slices.IndexFunc(f.line, func(x Commit) bool { return x.Hash == h }); i >= 30 && i <= 37 {
				inside++
			}
		}
		if inside*2 < len(c.Range) {
			t.Errorf("range %d commits long, %d of them in the slide", len(c.Range), inside)
		}
		share += c.Changes[0].SharePct
	}
	if share < 50 {
		t.Errorf("the culprits hold %.0f%% of the change, want at least half", share)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[len(res.Notes)-1], "no culprit holds") {
		t.Errorf("notes %q do not say what part no culprit holds", res.Notes)
	}
}
