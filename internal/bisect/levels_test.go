package bisect

import (
	"fmt"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// TestLevelsPairRounds: when the machine drifts ±20% from round to round
// and the commit is 10% slower in every round, the paired level is +10%
// with a tight interval, where the gate's interval of medians spans tens
// of percent; with 3 rounds (too few to pair) the gate's interval stands;
// a failed benchmark is left out.
func TestLevelsPairRounds(t *testing.T) {
	drift := []float64{1, 1.2, 0.8, 1.1, 0.9, 1.15}
	compare := func(rounds int) *verdict.Comparison {
		var base, cur strings.Builder
		for _, w := range []*strings.Builder{&base, &cur} {
			w.WriteString("pkg: example.com/m\n")
		}
		for i := range rounds {
			fmt.Fprintf(&base, "BenchmarkWork-2\t100\t%g ns/op\nBenchmarkGone-2\t100\t%g ns/op\n", 1000*drift[i], 500*drift[i])
			fmt.Fprintf(&cur, "BenchmarkWork-2\t100\t%g ns/op\nBenchmarkGone-2\t100\t%g ns/op\n", 1100*drift[i], 500*drift[i])
		}
		b, _ := verdict.Read(strings.NewReader(base.String()), "good.txt")
		c, _ := verdict.Read(strings.NewReader(cur.String()), "commit.txt")
		cmp, err := verdict.Compare(b, c, verdict.DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		return cmp
	}
	failed := func(pkg, name string) bool { return name == "BenchmarkGone" }
	m := Levels(compare(6), failed)
	if len(m.Levels) != 1 || m.Levels[0].Benchmark != "BenchmarkWork" || m.Rounds != 6 {
		t.Fatalf("levels %+v, want BenchmarkWork alone, 6 rounds", m)
	}
	l := m.Levels[0]
	if l.DeltaPct < 9.9 || l.DeltaPct > 10.1 || l.LoPct < 9.9 || l.HiPct > 10.1 {
		t.Errorf("paired level %+.2f%% [%+.2f%%, %+.2f%%], want +10%% tight", l.DeltaPct, l.LoPct, l.HiPct)
	}
	unpaired := Levels(compare(3), failed).Levels[0]
	if unpaired.HiPct-unpaired.LoPct < 20 {
		t.Errorf("3 rounds: interval [%+.1f%%, %+.1f%%], want the gate's wide one", unpaired.LoPct, unpaired.HiPct)
	}
}
