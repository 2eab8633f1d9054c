package throttle

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// The benchmarks measure the limiter's cost, not waiting: the rates are
// far above what the loop can reach, so no benchmark sleeps.
const unlimited = 1e15

// BenchmarkWriteUncontended writes 1 KiB chunks through one Writer.
func BenchmarkWriteUncontended(b *testing.B) {
	w := NewWriter(io.Discard, unlimited, 1<<20)
	p := make([]byte, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteContended writes 1 KiB chunks through one shared Writer
// from GOMAXPROCS goroutines.
func BenchmarkWriteContended(b *testing.B) {
	w := NewWriter(io.Discard, unlimited, 1<<20)
	b.ReportAllocs()
	b.SetBytes(1024)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		p := make([]byte, 1024)
		for pb.Next() {
			if _, err := w.Write(p); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLookup finds the limiter of one of N clients and asks it for
// 1 KiB. The clock is simulated: it advances 1ns per call.
func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{10, 10000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			l := NewLimiters(unlimited, 1<<20, time.Hour)
			ids := make([]string, n)
			now := time.Unix(1_700_000_000, 0)
			for i := range ids {
				ids[i] = fmt.Sprintf("client-%05d", i)
				l.Get(ids[i], now)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if !l.Allow(ids[i%n], 1024, now.Add(time.Duration(i))) {
					b.Fatal("refused")
				}
			}
		})
	}
}
