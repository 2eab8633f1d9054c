package topic

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
)

func TestKeyedRecordsStayInOrderOnTheirPartition(t *testing.T) {
	s := NewStore(t.TempDir(), log.Options{SegmentBytes: 4 << 10})
	defer s.Close()
	tp, err := s.Create("orders", 4)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{}
	for i := 0; i < 400; i++ {
		key := []byte(fmt.Sprintf("customer-%d", i%13))
		p, _, err := tp.Produce(key, []byte(fmt.Sprint(i)), int64(i))
		if err != nil {
			t.Fatal(err)
		}
		if p != tp.PartitionFor(key) {
			t.Fatalf("key %s went to %d, hashes to %d", key, p, tp.PartitionFor(key))
		}
		want[p] = append(want[p], fmt.Sprint(i))
	}
	if len(want) < 2 {
		t.Fatalf("13 keys all hashed to one partition")
	}
	for p, vals := range want {
		recs, hw, err := tp.Fetch(p, 0, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if hw != int64(len(vals)) || len(recs) != len(vals) {
			t.Fatalf("partition %d: %d records, hw %d, want %d", p, len(recs), hw, len(vals))
		}
		for i, r := range recs {
			if string(r.Value) != vals[i] {
				t.Fatalf("partition %d record %d = %s, want %s", p, i, r.Value, vals[i])
			}
		}
	}
}

func TestFetchMaxBytes(t *testing.T) {
	s := NewStore(t.TempDir(), log.Options{})
	defer s.Close()
	tp, _ := s.Create("t", 1)
	for i := 0; i < 50; i++ {
		tp.ProduceTo(0, []log.Record{{Value: bytes.Repeat([]byte("x"), 100)}})
	}
	recs, _, err := tp.Fetch(0, 5, 1000)
	if err != nil || len(recs) != 10 || recs[0].Offset != 5 {
		t.Fatalf("fetch: %d records from %v, err %v", len(recs), recs[0].Offset, err)
	}
	recs, hw, err := tp.Fetch(0, 50, 1000)
	if err != nil || len(recs) != 0 || hw != 50 {
		t.Fatalf("fetch at the end: %d records, hw %d, err %v", len(recs), hw, err)
	}
}

func TestUnknownTopicAndPartition(t *testing.T) {
	s := NewStore(t.TempDir(), log.Options{})
	defer s.Close()
	if _, err := s.Topic("nope"); !errors.Is(err, ErrUnknownTopic) {
		t.Errorf("unknown topic: %v", err)
	}
	tp, _ := s.Create("t", 2)
	if _, _, err := tp.Fetch(2, 0, 10); !errors.Is(err, ErrUnknownPartition) {
		t.Errorf("unknown partition: %v", err)
	}
	if _, err := s.Create("../escape", 1); err == nil {
		t.Errorf("a topic name with a path was accepted")
	}
}
