package grpcapi

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
	"github.com/benchgate/benchgate/benchmarks/storage/topic"
)

func serve(t testing.TB, partitions int) (*InMemory, *topic.Store) {
	t.Helper()
	s := topic.NewStore(t.TempDir(), log.Options{SegmentBytes: 4 << 20, MaxSegments: 4})
	if _, err := s.Create("events", partitions); err != nil {
		t.Fatal(err)
	}
	m, err := ServeInMemory(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

func TestProduceAndFetchStream(t *testing.T) {
	m, _ := serve(t, 2)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		resp, err := m.Client.Produce(ctx, &ProduceRequest{Topic: "events", Partition: 1, Key: []byte(fmt.Sprint(i)), Value: bytes.Repeat([]byte{'v'}, 100), Timestamp: int64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Offset != int64(i) || resp.Partition != 1 {
			t.Fatalf("produce %d: %+v", i, resp)
		}
	}
	var got []int64
	batches := 0
	err := m.Client.Fetch(ctx, &FetchRequest{Topic: "events", Partition: 1, Offset: 10, MaxBytes: 4096}, func(b *FetchBatch) error {
		batches++
		for _, r := range b.Records {
			if string(r.Key) != fmt.Sprint(r.Offset) || len(r.Value) != 100 {
				return fmt.Errorf("record %d: key %q, %d value bytes", r.Offset, r.Key, len(r.Value))
			}
			got = append(got, r.Offset)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 290 || got[0] != 10 || got[289] != 299 {
		t.Fatalf("fetched %d records from %d", len(got), got[0])
	}
	if batches < 5 {
		t.Fatalf("%d batches of at most 4 KiB for 29 KiB", batches)
	}
}

func TestKeyedProduceAndErrors(t *testing.T) {
	m, s := serve(t, 4)
	ctx := context.Background()
	resp, err := m.Client.Produce(ctx, &ProduceRequest{Topic: "events", Partition: -1, Key: []byte("user-7"), Value: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	tp, _ := s.Topic("events")
	if int(resp.Partition) != tp.PartitionFor([]byte("user-7")) {
		t.Errorf("keyed produce went to %d", resp.Partition)
	}
	_, err = m.Client.Produce(ctx, &ProduceRequest{Topic: "nope", Partition: 0})
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown topic: %v", err)
	}
	err = m.Client.Fetch(ctx, &FetchRequest{Topic: "events", Partition: 9}, func(*FetchBatch) error { return nil })
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown partition: %v", err)
	}
}
