package topic

import (
	"fmt"
	"testing"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
)

const valueSize = 256

var benchLog = log.Options{SegmentBytes: 4 << 20, MaxSegments: 4}

// BenchmarkProduce produces keyed 256-byte records spread over the
// topic's partitions.
func BenchmarkProduce(b *testing.B) {
	for _, parts := range []int{1, 8} {
		b.Run(fmt.Sprintf("partitions=%d", parts), func(b *testing.B) {
			s := NewStore(b.TempDir(), benchLog)
			defer s.Close()
			tp, err := s.Create("bench", parts)
			if err != nil {
				b.Fatal(err)
			}
			keys := make([][]byte, 64)
			for i := range keys {
				keys[i] = []byte(fmt.Sprintf("key-%03d", i))
			}
			value := make([]byte, valueSize)
			b.ReportAllocs()
			b.SetBytes(valueSize)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, err := tp.Produce(keys[i%len(keys)], value, int64(i)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkFetch fetches batches of up to maxBytes from a partition of
// 4096 records, wrapping around at the end.
func BenchmarkFetch(b *testing.B) {
	const records = 4096
	for _, mb := range []struct {
		name string
		n    int
	}{{"16KiB", 16 << 10}, {"256KiB", 256 << 10}} {
		b.Run("maxBytes="+mb.name, func(b *testing.B) {
			s := NewStore(b.TempDir(), log.Options{})
			defer s.Close()
			tp, _ := s.Create("bench", 1)
			value := make([]byte, valueSize)
			for i := 0; i < records; i++ {
				tp.ProduceTo(0, []log.Record{{Key: []byte("k"), Value: value, Timestamp: int64(i)}})
			}
			b.ReportAllocs()
			b.ResetTimer()
			var msgs, bytes int64
			off := int64(0)
			for i := 0; i < b.N; i++ {
				recs, hw, err := tp.Fetch(0, off, mb.n)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					bytes += int64(len(r.Key) + len(r.Value))
				}
				msgs += int64(len(recs))
				off += int64(len(recs))
				if off >= hw {
					off = 0
				}
			}
			b.StopTimer()
			b.SetBytes(bytes / int64(b.N))
			b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
