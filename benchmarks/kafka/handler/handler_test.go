package handler

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
	"github.com/benchgate/benchgate/benchmarks/storage/topic"
)

func newStore(t testing.TB, partitions int) *topic.Store {
	s := topic.NewStore(t.TempDir(), log.Options{SegmentBytes: 4 << 20, MaxSegments: 4})
	t.Cleanup(func() { s.Close() })
	if _, err := s.Create("events", partitions); err != nil {
		t.Fatal(err)
	}
	return s
}

func records(n, size int) []log.Record {
	recs := make([]log.Record, n)
	for i := range recs {
		recs[i] = log.Record{Key: []byte(fmt.Sprintf("k%d", i)), Value: bytes.Repeat([]byte{byte('a' + i%26)}, size), Timestamp: 1700000000000 + int64(i)}
	}
	return recs
}

func produceRequest(version int16, partition int32, recs []log.Record) *kmsg.ProduceRequest {
	req := kmsg.NewPtrProduceRequest()
	req.SetVersion(version)
	req.Acks = -1
	req.TimeoutMillis = 1000
	batch, _ := AppendBatch(nil, 0, recs, nil)
	req.Topics = []kmsg.ProduceRequestTopic{{Topic: "events", Partitions: []kmsg.ProduceRequestTopicPartition{{Partition: partition, Records: batch}}}}
	return req
}

func fetchRequest(version int16, partition int32, offset int64, maxBytes int32) *kmsg.FetchRequest {
	req := kmsg.NewPtrFetchRequest()
	req.SetVersion(version)
	req.MaxBytes = maxBytes
	p := kmsg.NewFetchRequestTopicPartition()
	p.Partition, p.FetchOffset, p.PartitionMaxBytes = partition, offset, maxBytes
	req.Topics = []kmsg.FetchRequestTopic{{Topic: "events", Partitions: []kmsg.FetchRequestTopicPartition{p}}}
	return req
}

// roundTrip frames req as a client would (kmsg's RequestFormatter), serves
// it and decodes the response with kmsg.
func roundTrip(t *testing.T, h *Handler, req kmsg.Request, corr int32) kmsg.Response {
	t.Helper()
	frame := kmsg.NewRequestFormatter(kmsg.FormatterClientID("test-client")).AppendRequest(nil, req, corr)
	var out bytes.Buffer
	if err := h.Serve(bytes.NewReader(frame), &out); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	if len(b) < 8 || int(binary.BigEndian.Uint32(b)) != len(b)-4 {
		t.Fatalf("bad response frame of %d bytes", len(b))
	}
	if got := int32(binary.BigEndian.Uint32(b[4:8])); got != corr {
		t.Fatalf("correlation id %d, want %d", got, corr)
	}
	body := b[8:]
	resp := req.ResponseKind()
	if resp.IsFlexible() && req.Key() != 18 {
		body = body[1:] // empty header tags
	}
	if err := resp.ReadFrom(body); err != nil {
		t.Fatalf("decoding %T: %v", resp, err)
	}
	return resp
}

func TestProduceThenFetchRoundTrip(t *testing.T) {
	for _, v := range []struct{ produce, fetch int16 }{{3, 4}, {8, 11}, {9, 12}, {12, 12}} {
		t.Run(fmt.Sprintf("produce_v%d_fetch_v%d", v.produce, v.fetch), func(t *testing.T) {
			h := New(newStore(t, 2))
			want := records(20, 100)
			for i, chunk := range [][]log.Record{want[:5], want[5:]} {
				pr := roundTrip(t, h, produceRequest(v.produce, 1, chunk), int32(10+i)).(*kmsg.ProduceResponse)
				p := pr.Topics[0].Partitions[0]
				if p.ErrorCode != 0 || p.BaseOffset != int64(5*i) {
					t.Fatalf("produce: error %d base offset %d", p.ErrorCode, p.BaseOffset)
				}
			}
			fr := roundTrip(t, h, fetchRequest(v.fetch, 1, 3, 1<<20), 99).(*kmsg.FetchResponse)
			p := fr.Topics[0].Partitions[0]
			if p.ErrorCode != 0 || p.HighWatermark != 20 {
				t.Fatalf("fetch: error %d high watermark %d", p.ErrorCode, p.HighWatermark)
			}
			var batch kmsg.RecordBatch
			if err := batch.ReadFrom(p.RecordBatches); err != nil {
				t.Fatal(err)
			}
			if batch.FirstOffset != 3 || batch.NumRecords != 17 {
				t.Fatalf("batch first offset %d with %d records", batch.FirstOffset, batch.NumRecords)
			}
			got, err := DecodeBatches(p.RecordBatches, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range got {
				w := want[3+i]
				if !bytes.Equal(r.Key, w.Key) || !bytes.Equal(r.Value, w.Value) || r.Timestamp != w.Timestamp {
					t.Fatalf("record %d: got %q=%q@%d, want %q=%q@%d", i, r.Key, r.Value[:3], r.Timestamp, w.Key, w.Value[:3], w.Timestamp)
				}
			}
		})
	}
}

func TestApiVersions(t *testing.T) {
	h := New(newStore(t, 1))
	for _, v := range []int16{0, 3} {
		req := kmsg.NewPtrApiVersionsRequest()
		req.SetVersion(v)
		if v >= 3 {
			req.ClientSoftwareName, req.ClientSoftwareVersion = "test", "1"
		}
		resp := roundTrip(t, h, req, 7).(*kmsg.ApiVersionsResponse)
		if len(resp.ApiKeys) != 3 || resp.ApiKeys[0].MaxVersion != 12 {
			t.Fatalf("v%d: %+v", v, resp.ApiKeys)
		}
	}
}

func TestErrors(t *testing.T) {
	h := New(newStore(t, 1))
	fr := roundTrip(t, h, fetchRequest(11, 0, 5, 1000), 1).(*kmsg.FetchResponse)
	if c := fr.Topics[0].Partitions[0].ErrorCode; c != errOffsetOutOfRange {
		t.Errorf("fetch past the end of an empty partition: error %d", c)
	}
	pr := roundTrip(t, h, produceRequest(8, 3, records(1, 10)), 2).(*kmsg.ProduceResponse)
	if c := pr.Topics[0].Partitions[0].ErrorCode; c != errUnknownTopicOrPartition {
		t.Errorf("produce to a missing partition: error %d", c)
	}
	bad := produceRequest(8, 0, records(2, 10))
	bad.Topics[0].Partitions[0].Records[30] ^= 0xff // inside the CRC-covered part
	pr = roundTrip(t, h, bad, 3).(*kmsg.ProduceResponse)
	if c := pr.Topics[0].Partitions[0].ErrorCode; c != errCorruptMessage {
		t.Errorf("corrupt batch: error %d", c)
	}
	frame := kmsg.NewRequestFormatter().AppendRequest(nil, kmsg.NewPtrMetadataRequest(), 4)
	if err := h.Serve(bytes.NewReader(frame), io.Discard); err == nil {
		t.Errorf("an unsupported request was served")
	}
}
