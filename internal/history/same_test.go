package history

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/golden"
)

// TestAnalyzeFindsTheSame pins Analyze's whole output (the findings, and a
// digest of every series with its points) on an untidy history: runs
// added in no order, several runs of a commit recorded out of order, runs
// of commits off the line, a change of machine, metrics that appear late,
// a step, a slide and plain noise. The golden file was written by the
// analysis that held every run whole; the streaming one must agree.
func TestAnalyzeFindsTheSame(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	order := map[string]int{}
	var runs []*Run
	const commits = 400
	for c := range commits {
		commit := fmt.Sprintf("%040x", c+1)
		if c%37 != 5 { // some commits are off the first-parent line
			order[commit] = c
		}
		for k := range 1 + c%3 {
			run := &Run{Schema: Schema, Commit: commit, Date: time.Unix(int64(c)*3600, 0).UTC(),
				Recorded: time.Unix(int64(c)*3600+int64(r.IntN(1000)), 0).UTC(), ID: fmt.Sprintf("%d-%d", c, k),
				Machine: Machine{GOOS: "linux", GOARCH: "amd64", CPU: "c", Go: "go1.26.8"}}
			if c >= commits*2/3 {
				run.Machine.Go = "go1.27.3"
			}
			add := func(bench, unit string, level float64) {
				s := make([]float64, 5)
				for i := range s {
					s[i] = level * (1 + 0.02*r.NormFloat64())
				}
				run.Metrics = append(run.Metrics, Metric{Pkg: "example.com/m", Benchmark: bench, Unit: unit, Samples: s})
			}
			step := 1000.0
			if c >= 150 {
				step = 1150
			}
			add("BenchmarkStep", "ns/op", step)
			add("BenchmarkSlide", "ns/op", 1000*(1+float64(c)/1000))
			add("BenchmarkNoise", "ns/op", 1000)
			add("BenchmarkNoise", "B/op", 64)
			if c > 100 {
				add("BenchmarkLate", "ns/op", 500)
			}
			runs = append(runs, run)
		}
	}
	r.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })
	series, findings := Analyze(runs, order, DefaultTrendOptions)
	var out struct {
		Findings []Finding `json:"findings"`
		Series   []string  `json:"series"`
	}
	out.Findings = findings
	for _, s := range series {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		out.Series = append(out.Series, fmt.Sprintf("%s: %d points, epochs %q, %x", s.Name(), len(s.Points), s.Epochs, sha256.Sum256(b)))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "analyze.json", append(b, '\n'))
}
