package verdict

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestCompareRoundsAndBenchmarks(t *testing.T) {
	side := func(slow float64) []byte {
		var b strings.Builder
		b.WriteString("pkg: example.com/a\n")
		for i := range 6 {
			fmt.Fprintf(&b, "BenchmarkFast-2\t1000\t%d ns/op\n", 100+i)
			fmt.Fprintf(&b, "BenchmarkSlow/x-2\t1000\t%g ns/op\t%d B/op\n", (100+float64(i))*slow, 64)
		}
		b.WriteString("pkg: example.com/b\n")
		for i := range 6 {
			fmt.Fprintf(&b, "BenchmarkOther-2\t1000\t%g ns/op\n", (200+float64(i))*slow)
		}
		return []byte(b.String())
	}
	c, err := CompareRounds(map[string][]byte{"base": side(1), "current": side(3)}, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Benchmarks(NeedsConfirmation)
	want := map[string][]string{"example.com/a": {"BenchmarkSlow/x"}, "example.com/b": {"BenchmarkOther"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("regressed benchmarks %v, want %v", got, want)
	}
	if all := c.Benchmarks(func(*Row) bool { return true }); len(all["example.com/a"]) != 2 {
		t.Errorf("every benchmark of a: %v, want each once", all["example.com/a"])
	}
	if _, err := CompareRounds(map[string][]byte{"base": []byte("BenchmarkA-2 1 x ns/op\n")}, DefaultOptions); err == nil {
		t.Error("unreadable results: no error")
	}
}

func TestConfirmations(t *testing.T) {
	yes, no := true, false
	c := &Comparison{Rows: []Row{{Confirmed: &yes}, {Confirmed: &no}, {}, {Confirmed: &yes}}}
	if judged, kept := c.Confirmations(); judged != 3 || kept != 2 {
		t.Errorf("Confirmations = %d, %d; want 3, 2", judged, kept)
	}
}
