package report

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/verdict"
)

// fixture builds a comparison of n benchmarks with 6 samples a side:
// every 7th regresses by 50%, every 11th improves by 30%, the rest stay.
// extra names are appended as unchanged benchmarks.
func fixture(t testing.TB, n int, extra ...string) *verdict.Comparison {
	t.Helper()
	var base, cur strings.Builder
	header := "goos: linux\ngoarch: amd64\ncpu: Test CPU\npkg: example.com/svc/%s\nsuite: %s\n"
	names := make([]string, 0, n+len(extra))
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("BenchmarkOp/case=%04d", i))
	}
	names = append(names, extra...)
	for i, name := range names {
		suite := []string{"storage", "kafka", "grpc"}[i%3]
		fmt.Fprintf(&base, header, suite, suite)
		fmt.Fprintf(&cur, header, suite, suite)
		factor := 1.0
		switch {
		case i < n && i%7 == 0:
			factor = 1.5
		case i < n && i%11 == 0:
			factor = 0.7
		}
		for s := 0; s < 6; s++ {
			v := float64(1000+i) * (1 + 0.001*float64(s))
			fmt.Fprintf(&base, "%s-8\t1000\t%.2f ns/op\t%.2f MB/s\n", name, v, 1e6/v)
			fmt.Fprintf(&cur, "%s-8\t1000\t%.2f ns/op\t%.2f MB/s\n", name, v*factor, 1e6/(v*factor))
		}
	}
	bs, err := verdict.Read(strings.NewReader(base.String()), "base.txt")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := verdict.Read(strings.NewReader(cur.String()), "current.txt")
	if err != nil {
		t.Fatal(err)
	}
	bs.Config["commit"], bs.Config["ref"] = "1111111111111111111111111111111111111111", "main"
	cs.Config["commit"], cs.Config["ref"] = "2222222222222222222222222222222222222222", "feature"
	c, err := verdict.Compare(bs, cs, verdict.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	c.Generated = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return c
}
