package history

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// synthetic makes runs × metrics runs of 6 samples each, one commit each,
// with a +10% step in every metric at 60% of the runs.
func synthetic(runs, metrics int) ([]*Run, map[string]int) {
	r := rand.New(rand.NewPCG(3, 4))
	order := map[string]int{}
	var out []*Run
	for i := range runs {
		commit := fmt.Sprintf("%040x", i+1)
		order[commit] = i
		run := &Run{Schema: Schema, Commit: commit, Date: time.Unix(int64(i)*3600, 0), Recorded: time.Unix(int64(i)*3600, 0), ID: fmt.Sprint(i),
			Machine: Machine{GOOS: "linux", GOARCH: "amd64", CPU: "c", Go: "go1.26.8"}}
		for m := range metrics {
			level := 1000.0
			if i >= runs*6/10 {
				level *= 1.10
			}
			s := make([]float64, 6)
			for k := range s {
				s[k] = level * (1 + 0.015*r.NormFloat64())
			}
			run.Metrics = append(run.Metrics, Metric{Pkg: "example.com/m", Benchmark: fmt.Sprintf("BenchmarkM%03d-2", m), Unit: "ns/op", Samples: s})
		}
		out = append(out, run)
	}
	return out, order
}

func TestAnalyzeFindsTheStepInEverySeries(t *testing.T) {
	runs, order := synthetic(60, 5)
	series, findings := Analyze(runs, order, DefaultTrendOptions)
	if len(series) != 5 {
		t.Fatalf("%d series", len(series))
	}
	for _, s := range series {
		n := 0
		for _, f := range findings {
			if f.Series == s && f.Kind == "change point" && f.Worse && f.FirstBad == fmt.Sprintf("%040x", 37) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: %d change points at run 36, want 1 (findings %+v)", s.Name(), n, findings)
		}
	}
}

// TestEpochs: a new machine fingerprint starts an epoch; a level change
// across epochs is not a change point.
func TestEpochs(t *testing.T) {
	runs, order := synthetic(40, 1)
	for i, r := range runs {
		for k := range r.Metrics[0].Samples {
			r.Metrics[0].Samples[k] = 1000 + float64(k) // flat
		}
		if i >= 20 {
			r.Machine.Go = "go1.27.3"
			for k := range r.Metrics[0].Samples {
				r.Metrics[0].Samples[k] *= 1.3
			}
		}
	}
	series, findings := Analyze(runs, order, DefaultTrendOptions)
	if len(series[0].Epochs) != 2 || len(findings) != 0 {
		t.Errorf("epochs %v, findings %+v; want 2 epochs and no finding", series[0].Epochs, findings)
	}
}

func TestAcks(t *testing.T) {
	acks := ParseAcks("# accepted\nabc1234 BenchmarkX ns/op # the new codec\ndrift example.com/m.BenchmarkY-2 B/op\nshort\n")
	if len(acks) != 2 {
		t.Fatalf("acks %+v", acks)
	}
	f := Finding{Kind: "change point", Pkg: "example.com/m", Benchmark: "BenchmarkX-2", Unit: "ns/op", FirstBad: "abc1234ffff"}
	if !acks[0].Accepts(&f) || acks[1].Accepts(&f) {
		t.Error("change point acknowledgement")
	}
	f.FirstBad = "abc9999"
	if acks[0].Accepts(&f) {
		t.Error("accepted another commit")
	}
	d := Finding{Kind: "drift", Pkg: "example.com/m", Benchmark: "BenchmarkY-2", Unit: "B/op"}
	if !acks[1].Accepts(&d) {
		t.Error("drift acknowledgement")
	}
}

// BenchmarkAnalyze1000x100 is bench:trend's analysis over 1,000 runs of
// 100 metrics (the target: under 5 s).
func BenchmarkAnalyze1000x100(b *testing.B) {
	runs, order := synthetic(1000, 100)
	for b.Loop() {
		Analyze(runs, order, DefaultTrendOptions)
	}
}
