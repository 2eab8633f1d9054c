package verdict

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

// LargeResults writes a results file of lines result lines: benchmarks of
// 4 units each, lines/benchmarks samples per benchmark, deterministic for
// a seed. Benchmarks of the engine and of the CLI share it.
func LargeResults(lines, benchmarks int, seed uint64, shift float64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	b.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/large\ncpu: Example CPU\n")
	for i := 0; i < lines; i++ {
		k := i % benchmarks
		ns := float64(1000+k) * shift * (1 + 0.02*r.NormFloat64())
		fmt.Fprintf(&b, "BenchmarkLarge/case=%05d-8\t100000\t%.1f ns/op\t%.2f MB/s\t%d B/op\t%d allocs/op\n",
			k, ns, 1e6/ns, 64+k%7, 1+k%3)
	}
	return b.Bytes()
}

// BenchmarkCompareLarge reads and compares two files of 100,000 result
// lines each (2,000 benchmarks x 50 samples x 4 units).
func BenchmarkCompareLarge(b *testing.B) {
	base := LargeResults(100_000, 2000, 1, 1)
	cur := LargeResults(100_000, 2000, 2, 1.05)
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
