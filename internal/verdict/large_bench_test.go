package verdict

import (
	"bytes"
	"testing"

	"github.com/benchgate/benchgate/internal/benchgen"
)

// BenchmarkCompareLarge reads and compares two files of 100,000 result
// lines each (2,000 benchmarks x 50 samples x 4 units).
func BenchmarkCompareLarge(b *testing.B) {
	base := benchgen.Results(100_000, 2000, 1, 1)
	cur := benchgen.Results(100_000, 2000, 2, 1.05)
	b.ReportAllocs()
	b.SetBytes(int64(len(base) + len(cur)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bs, err := Read(bytes.NewReader(base), "base")
		if err != nil {
			b.Fatal(err)
		}
		cs, err := Read(bytes.NewReader(cur), "current")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compare(bs, cs, DefaultOptions); err != nil {
			b.Fatal(err)
		}
	}
}
