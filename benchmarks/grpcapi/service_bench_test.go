package grpcapi

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkProduceLatency sends one 256-byte record per unary Produce call
// and reports the median and 99th percentile latency besides the mean.
func BenchmarkProduceLatency(b *testing.B) {
	m, _ := serve(b, 1)
	ctx := context.Background()
	req := &ProduceRequest{Topic: "events", Partition: 0, Key: []byte("key"), Value: make([]byte, 256)}
	if _, err := m.Client.Produce(ctx, req); err != nil { // warm the connection
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := m.Client.Produce(ctx, req); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns/op")
}

// BenchmarkFetchStream streams 1024 records of 256 bytes in batches of up
// to 64 KiB per operation.
func BenchmarkFetchStream(b *testing.B) {
	const records, size = 1024, 256
	m, _ := serve(b, 1)
	ctx := context.Background()
	for i := 0; i < records; i++ {
		if _, err := m.Client.Produce(ctx, &ProduceRequest{Topic: "events", Partition: 0, Value: make([]byte, size)}); err != nil {
			b.Fatal(err)
		}
	}
	req := &FetchRequest{Topic: "events", Partition: 0, MaxBytes: 64 << 10}
	b.ReportAllocs()
	b.SetBytes(records * size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := m.Client.Fetch(ctx, req, func(fb *FetchBatch) error { n += len(fb.Records); return nil }); err != nil {
			b.Fatal(err)
		}
		if n != records {
			b.Fatalf("fetched %d records, want %d", n, records)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*records)/b.Elapsed().Seconds(), "msgs/s")
}
