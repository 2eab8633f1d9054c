// Package benchgen generates large Go benchmark results files, to time
// the engine, benchcmp and benchstat on the same inputs.
package benchgen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
)

// Results is a results file of lines result lines: benchmarks of 4 units
// each (ns/op, MB/s, B/op, allocs/op), lines/benchmarks samples per
// benchmark, every time scaled by shift, deterministic for a seed.
func Results(lines, benchmarks int, seed uint64, shift float64) []byte {
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
