package handler

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCompressed is returned for a compressed batch.
var errCompressed = errors.New("compressed record batches are not supported")

// DecodeBatches decodes the record batches of a produce partition (magic
// 2, uncompressed) into records, checking each batch's CRC.
func DecodeBatches(b []byte, dst []log.Record) ([]log.Record, error) {
	for len(b) > 0 {
		if len(b) < 12 {
			return dst, errors.New("truncated record batch")
		}
		size := 12 + int(int32(binary.BigEndian.Uint32(b[8:12])))
		if size < 61 || size > len(b) {
			return dst, fmt.Errorf("record batch length %d out of range", size)
		}
		var batch kmsg.RecordBatch
		if err := batch.ReadFrom(b[:size]); err != nil {
			return dst, fmt.Errorf("decoding record batch: %w", err)
		}
		if batch.Magic != 2 {
			return dst, fmt.Errorf("record batch magic %d: only magic 2 is supported", batch.Magic)
		}
		if uint32(batch.CRC) != crc32.Checksum(b[21:size], castagnoli) {
			return dst, errors.New("record batch CRC mismatch")
		}
		if batch.Attributes&0x7 != 0 {
			return dst, errCompressed
		}
		recs := batch.Records
		for i := int32(0); i < batch.NumRecords; i++ {
			l, n := binary.Varint(recs)
			if n <= 0 || l < 0 || int64(len(recs)-n) < l {
				return dst, fmt.Errorf("record %d of batch: bad length", i)
			}
			var r kmsg.Record
			if err := r.ReadFrom(recs[:n+int(l)]); err != nil {
				return dst, fmt.Errorf("record %d of batch: %w", i, err)
			}
			dst = append(dst, log.Record{Key: r.Key, Value: r.Value, Timestamp: batch.FirstTimestamp + r.TimestampDelta64})
			recs = recs[n+int(l):]
		}
		b = b[size:]
	}
	return dst, nil
}

// AppendBatch appends recs as one uncompressed magic 2 record batch whose
// first offset is firstOffset (producers send 0), with a valid CRC-32C.
func AppendBatch(dst []byte, firstOffset int64, recs []log.Record, scratch []byte) ([]byte, []byte) {
	if len(recs) == 0 {
		return dst, scratch
	}
	first, maxTS := recs[0].Timestamp, recs[0].Timestamp
	body := scratch[:0]
	for i, r := range recs {
		maxTS = max(maxTS, r.Timestamp)
		rec := kmsg.Record{TimestampDelta64: r.Timestamp - first, OffsetDelta: int32(i), Key: r.Key, Value: r.Value}
		mark := len(body)
		body = rec.AppendTo(body) // with Length 0: one length byte, then the record
		n := len(body) - mark - 1
		var lenBuf [binary.MaxVarintLen32]byte
		ln := binary.PutVarint(lenBuf[:], int64(n))
		body = append(body, make([]byte, ln-1)...)
		copy(body[mark+ln:], body[mark+1:mark+1+n])
		copy(body[mark:], lenBuf[:ln])
	}
	batch := kmsg.RecordBatch{
		FirstOffset:     firstOffset,
		Length:          int32(49 + len(body)),
		Magic:           2,
		LastOffsetDelta: int32(len(recs) - 1),
		FirstTimestamp:  first,
		MaxTimestamp:    maxTS,
		ProducerID:      -1,
		ProducerEpoch:   -1,
		FirstSequence:   -1,
		NumRecords:      int32(len(recs)),
		Records:         body,
	}
	start := len(dst)
	dst = batch.AppendTo(dst)
	binary.BigEndian.PutUint32(dst[start+17:], crc32.Checksum(dst[start+21:], castagnoli))
	return dst, body
}
