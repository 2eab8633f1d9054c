package grpcapi

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The messages of the Stream service, encoded by Codec: fixed-width
// integers and length-prefixed byte strings, in field order.

// A ProduceRequest appends one record. Partition -1 picks the partition by
// the key's hash.
type ProduceRequest struct {
	Topic      string
	Partition  int32
	Key, Value []byte
	Timestamp  int64
}

// A ProduceResponse says where the record went.
type ProduceResponse struct {
	Partition int32
	Offset    int64
}

// A FetchRequest streams a partition from Offset up to its high watermark
// at the time of the request, in batches of up to MaxBytes.
type FetchRequest struct {
	Topic     string
	Partition int32
	Offset    int64
	MaxBytes  int32
}

// A Record is one fetched record.
type Record struct {
	Offset     int64
	Timestamp  int64
	Key, Value []byte
}

// A FetchBatch is one message of the fetch stream.
type FetchBatch struct {
	HighWatermark int64
	Records       []Record
}

type message interface {
	appendTo([]byte) []byte
	readFrom(*decoder) error
}

var errShort = errors.New("message truncated")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) u32() uint32 {
	if d.err != nil || len(d.b) < 4 {
		d.err = errShort
		return 0
	}
	v := binary.BigEndian.Uint32(d.b)
	d.b = d.b[4:]
	return v
}

func (d *decoder) u64() uint64 {
	if d.err != nil || len(d.b) < 8 {
		d.err = errShort
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.u32()
	if d.err != nil || uint32(len(d.b)) < n {
		d.err = errShort
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

func (m *ProduceRequest) appendTo(dst []byte) []byte {
	dst = appendBytes(dst, []byte(m.Topic))
	dst = binary.BigEndian.AppendUint32(dst, uint32(m.Partition))
	dst = appendBytes(dst, m.Key)
	dst = appendBytes(dst, m.Value)
	return binary.BigEndian.AppendUint64(dst, uint64(m.Timestamp))
}

func (m *ProduceRequest) readFrom(d *decoder) error {
	m.Topic = string(d.bytes())
	m.Partition = int32(d.u32())
	m.Key = d.bytes()
	m.Value = d.bytes()
	m.Timestamp = int64(d.u64())
	return d.err
}

func (m *ProduceResponse) appendTo(dst []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(m.Partition))
	return binary.BigEndian.AppendUint64(dst, uint64(m.Offset))
}

func (m *ProduceResponse) readFrom(d *decoder) error {
	m.Partition = int32(d.u32())
	m.Offset = int64(d.u64())
	return d.err
}

func (m *FetchRequest) appendTo(dst []byte) []byte {
	dst = appendBytes(dst, []byte(m.Topic))
	dst = binary.BigEndian.AppendUint32(dst, uint32(m.Partition))
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.Offset))
	return binary.BigEndian.AppendUint32(dst, uint32(m.MaxBytes))
}

func (m *FetchRequest) readFrom(d *decoder) error {
	m.Topic = string(d.bytes())
	m.Partition = int32(d.u32())
	m.Offset = int64(d.u64())
	m.MaxBytes = int32(d.u32())
	return d.err
}

func (m *FetchBatch) appendTo(dst []byte) []byte {
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.HighWatermark))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(m.Records)))
	for _, r := range m.Records {
		dst = binary.BigEndian.AppendUint64(dst, uint64(r.Offset))
		dst = binary.BigEndian.AppendUint64(dst, uint64(r.Timestamp))
		dst = appendBytes(dst, r.Key)
		dst = appendBytes(dst, r.Value)
	}
	return dst
}

func (m *FetchBatch) readFrom(d *decoder) error {
	m.HighWatermark = int64(d.u64())
	n := d.u32()
	if d.err == nil && uint64(n)*24 > uint64(len(d.b)) {
		return fmt.Errorf("fetch batch claims %d records in %d bytes", n, len(d.b))
	}
	m.Records = m.Records[:0]
	for i := uint32(0); i < n && d.err == nil; i++ {
		m.Records = append(m.Records, Record{Offset: int64(d.u64()), Timestamp: int64(d.u64()), Key: d.bytes(), Value: d.bytes()})
	}
	return d.err
}
