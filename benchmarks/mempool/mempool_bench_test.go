package mempool

import (
	"fmt"
	"runtime"
	"testing"
)

var sink []byte

var sizes = []int{4 << 10, 64 << 10, 256 << 10}

func sizeName(n int) string {
	if n >= 1024 {
		return fmt.Sprintf("%dKiB", n/1024)
	}
	return fmt.Sprintf("%dB", n)
}

// BenchmarkBuffer gets a buffer, fills it and gives it back, from the
// pool (impl=pool) and from make (impl=make); allocs/op shows the pool's
// effect.
func BenchmarkBuffer(b *testing.B) {
	p := New(0, 0)
	src := make([]byte, sizes[len(sizes)-1])
	for _, n := range sizes {
		b.Run("impl=pool/size="+sizeName(n), func(b *testing.B) {
			// Finish the collection the previous benchmark's garbage is due
			// for and refill the pool, so no GC empties it mid-run.
			runtime.GC()
			p.Put(p.Get(n))
			b.ReportAllocs()
			b.ResetTimer()
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				buf := p.Get(n)
				copy(buf, src)
				p.Put(buf)
			}
		})
		b.Run("impl=make/size="+sizeName(n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				buf := make([]byte, n)
				copy(buf, src)
				sink = buf
			}
		})
	}
}

// BenchmarkBufferParallel is BenchmarkBuffer with 4 KiB buffers from
// GOMAXPROCS goroutines.
func BenchmarkBufferParallel(b *testing.B) {
	p := New(0, 0)
	src := make([]byte, 4<<10)
	b.ReportAllocs()
	b.SetBytes(4 << 10)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			buf := p.Get(4 << 10)
			copy(buf, src)
			p.Put(buf)
		}
	})
}
