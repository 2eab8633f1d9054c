package handler

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

const (
	batchRecords = 16
	recordSize   = 256
)

// repeat is a byte stream of the same request frame n times, read like a
// connection without holding n copies in memory.
type repeat struct {
	frame []byte
	n     int
	pos   int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	c := copy(p, r.frame[r.pos:])
	r.pos += c
	if r.pos == len(r.frame) {
		r.pos = 0
		r.n--
	}
	return c, nil
}

func BenchmarkDecodeRequest(b *testing.B) {
	frame := kmsg.NewRequestFormatter().AppendRequest(nil, produceRequest(9, 0, records(batchRecords, recordSize)), 1)[4:]
	b.ReportAllocs()
	b.SetBytes(int64(len(frame)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := DecodeRequest(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProduce serves a stream of produce requests, each a batch of 16
// records of 256 bytes, end to end: framing, decoding, the batch CRC,
// appending to storage, encoding the response.
func BenchmarkProduce(b *testing.B) {
	h := New(newStore(b, 1))
	frame := kmsg.NewRequestFormatter().AppendRequest(nil, produceRequest(9, 0, records(batchRecords, recordSize)), 1)
	b.ReportAllocs()
	b.SetBytes(batchRecords * recordSize)
	b.ResetTimer()
	if err := h.Serve(&repeat{frame: frame, n: b.N}, io.Discard); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*batchRecords)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkFetch serves a stream of fetch requests for up to 64 KiB from
// a partition of 1024 records, end to end.
func BenchmarkFetch(b *testing.B) {
	h := New(newStore(b, 1))
	tp, _ := h.store.Topic("events")
	recs := records(1024, recordSize)
	if _, err := tp.ProduceTo(0, recs); err != nil {
		b.Fatal(err)
	}
	frame := kmsg.NewRequestFormatter().AppendRequest(nil, fetchRequest(11, 0, 100, 64<<10), 1)
	fetched, _, _ := tp.Fetch(0, 100, 64<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(fetched) * recordSize))
	b.ResetTimer()
	if err := h.Serve(&repeat{frame: frame, n: b.N}, io.Discard); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(fetched))/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkProduceLatency serves one produce request (16 records of 256
// bytes) per operation and reports the median and 99th percentile latency
// of a request besides the mean.
func BenchmarkProduceLatency(b *testing.B) {
	h := New(newStore(b, 1))
	frame := kmsg.NewRequestFormatter().AppendRequest(nil, produceRequest(9, 0, records(batchRecords, recordSize)), 1)
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := h.Serve(&repeat{frame: frame, n: 1}, io.Discard); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

// reportPercentiles reports the median and the 99th percentile of lat.
func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns/op")
}
