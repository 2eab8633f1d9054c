package verdict

import (
	"fmt"
	"testing"
)

func TestProfileTargets(t *testing.T) {
	yes, no := true, false
	st := &Stats{N: 6}
	rows := []Row{
		{Pkg: "p", Benchmark: "BenchmarkReg-2", Class: Latency, Status: StatusRegression, Base: st, Current: st, Confirmed: &yes},
		{Pkg: "p", Benchmark: "BenchmarkReg-2", Class: Memory, Status: StatusRegression, Base: st, Current: st, Confirmed: &yes},
		{Pkg: "p", Benchmark: "BenchmarkRejected-2", Class: Latency, Status: StatusRegression, Base: st, Current: st, Confirmed: &no},
		{Pkg: "p", Benchmark: "BenchmarkUnsure-2", Class: Latency, Status: StatusUndecided, Base: st, Current: st},
		{Pkg: "q", Benchmark: "BenchmarkFine-2", Class: Memory, Status: StatusOK, Base: st, Current: st},
		{Pkg: "q", Benchmark: "BenchmarkNew-2", Class: Latency, Status: StatusNew, Current: st},
	}
	c := &Comparison{Rows: rows}
	tests := []struct {
		name           string
		all, unsettled bool
		want           string
	}{
		{"confirmed regressions", false, false, "map[p:[{BenchmarkReg true}]]"},
		{"regressed or undecided", false, true, "map[p:[{BenchmarkReg true} {BenchmarkRejected false} {BenchmarkUnsure false}]]"},
		{"all measured on both sides", true, false, "map[p:[{BenchmarkReg true} {BenchmarkRejected false} {BenchmarkUnsure false}] q:[{BenchmarkFine true}]]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(c.ProfileTargets(tt.all, tt.unsettled)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}
