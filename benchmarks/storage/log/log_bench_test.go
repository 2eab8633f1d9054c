package log

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

var sizes = []struct {
	name string
	n    int
}{{"100B", 100}, {"1KiB", 1 << 10}, {"16KiB", 16 << 10}}

// benchOptions bound the disk a benchmark touches: old segments are
// deleted, so the log stays in the page cache and I/O jitter stays low.
var benchOptions = Options{SegmentBytes: 4 << 20, MaxSegments: 4}

func BenchmarkWriteThroughput(b *testing.B) {
	for _, sz := range sizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, err := Open(b.TempDir(), benchOptions)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			key, value := []byte("key-0001"), make([]byte, sz.n-8)
			b.ReportAllocs()
			b.SetBytes(int64(sz.n))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Append(key, value, int64(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		})
	}
}

func BenchmarkReadThroughput(b *testing.B) {
	const records = 2048
	for _, sz := range sizes {
		b.Run("size="+sz.name, func(b *testing.B) {
			l, err := Open(b.TempDir(), Options{SegmentBytes: 8 << 20})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			value := make([]byte, sz.n-8)
			for i := 0; i < records; i++ {
				l.Append([]byte(fmt.Sprintf("key-%04d", i)), value, int64(i))
			}
			l.Flush()
			b.ReportAllocs()
			b.SetBytes(int64(sz.n))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Read(int64(i % records)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		})
	}
}

// BenchmarkAppendLatency appends 1 KiB records and reports the 99th
// percentile of the per-append latency besides the mean.
func BenchmarkAppendLatency(b *testing.B) {
	l, err := Open(b.TempDir(), benchOptions)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	key, value := []byte("key-0001"), make([]byte, 1016)
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := l.Append(key, value, int64(i)); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns/op")
}
