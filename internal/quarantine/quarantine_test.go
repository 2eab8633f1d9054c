package quarantine

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	const file = `# pattern   until   reason
^BenchmarkCompaction$/./^msgSize=1024B$   2027-01-31   batch too large   for segment (#142)

^BenchmarkOld$ 2026-12-06 waiting for the fix
^BenchmarkToday$ 2026-12-07 holds through today
`
	es, err := Parse(strings.NewReader(file), "q.txt", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 {
		t.Fatalf("%d entries, want 3: %+v", len(es), es)
	}
	if e := es[0]; e.Pattern != "^BenchmarkCompaction$/./^msgSize=1024B$" || e.Until != "2027-01-31" || e.Reason != "batch too large for segment (#142)" || e.Line != 2 || e.Expired {
		t.Errorf("entry 0: %+v", e)
	}
	if !es[1].Expired || es[2].Expired {
		t.Errorf("expired: %v %v, want true false", es[1].Expired, es[2].Expired)
	}
	if got, want := Skip(es, "Slow"), "Slow|^BenchmarkCompaction$/./^msgSize=1024B$|^BenchmarkToday$"; got != want {
		t.Errorf("Skip = %q, want %q", got, want)
	}
	if w := Warnings(es, "q.txt"); len(w) != 1 || !strings.Contains(w[0], "q.txt:4") || !strings.Contains(w[0], "^BenchmarkOld$") {
		t.Errorf("warnings %q, want one naming q.txt:4 and ^BenchmarkOld$", w)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ file, want string }{
		{"^BenchmarkX$ 2027-01-31\n", "q.txt:1: want a pattern, a date"},
		{"# c\n^BenchmarkX$ tomorrow because\n", `q.txt:2: "tomorrow" is not a date`},
		{"^Benchmark(X$ 2027-01-31 because\n", `q.txt:1: pattern "^Benchmark(X$"`},
	} {
		_, err := Parse(strings.NewReader(tt.file), "q.txt", time.Now())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.file, err, tt.want)
		}
	}
}
