package verdict

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSamplesAreBounded: a file of many lines for one benchmark keeps the
// first MaxSamples of them with a warning; one past MaxTotalSamples is
// refused.
func TestSamplesAreBounded(t *testing.T) {
	var b strings.Builder
	for i := range MaxSamples + 500 {
		fmt.Fprintf(&b, "BenchmarkX-2 1 %d ns/op\n", 100+i%7)
	}
	s, err := Read(strings.NewReader(b.String()), "big.txt")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Series[0].Values); n != MaxSamples {
		t.Errorf("%d samples kept, want %d", n, MaxSamples)
	}
	if w := strings.Join(s.Warnings, "\n"); !strings.Contains(w, "500 samples over 10000 were left out") {
		t.Errorf("warnings %q", s.Warnings)
	}
	if testing.Short() {
		return
	}
	b.Reset()
	for range MaxTotalSamples/4 + 1 {
		b.WriteString("BenchmarkX-2 1 100 ns/op 1 B/op 1 allocs/op 5 MB/s\n")
	}
	if _, err := Read(strings.NewReader(b.String()), "huge.txt"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file of %d samples: err %v, want ErrTooLarge", MaxTotalSamples+4, err)
	}
}
