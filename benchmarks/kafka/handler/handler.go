// Package handler serves the Kafka wire protocol for Produce, Fetch and
// ApiVersions on top of storage/topic. Requests are decoded and responses
// encoded with franz-go's kmsg; record batches (magic 2, uncompressed) are
// decoded on produce and built on fetch.
package handler

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/benchgate/benchgate/benchmarks/storage/topic"
)

// Kafka error codes used here.
const (
	errNone                    int16 = 0
	errOffsetOutOfRange        int16 = 1
	errCorruptMessage          int16 = 2
	errUnknownTopicOrPartition int16 = 3
	errUnsupportedVersion      int16 = 35
	errUnsupportedCompression  int16 = 76
)

// supported are the API versions served: topic names (not IDs) and magic 2
// record batches.
var supported = map[int16][2]int16{
	0:  {3, 12}, // Produce
	1:  {4, 12}, // Fetch
	18: {0, 3},  // ApiVersions
}

// MaxFrame is the largest request accepted, in bytes.
const MaxFrame = 64 << 20

// A Header is a request header.
type Header struct {
	APIKey        int16
	APIVersion    int16
	CorrelationID int32
	ClientID      string
}

// ErrUnsupported is returned for API keys or versions the handler does not
// serve.
var ErrUnsupported = errors.New("unsupported request")

// DecodeRequest decodes one request (the bytes after the size prefix).
func DecodeRequest(frame []byte) (Header, kmsg.Request, error) {
	var h Header
	if len(frame) < 8 {
		return h, nil, fmt.Errorf("decoding request: %d bytes is too short for a header", len(frame))
	}
	h.APIKey = int16(binary.BigEndian.Uint16(frame[0:2]))
	h.APIVersion = int16(binary.BigEndian.Uint16(frame[2:4]))
	h.CorrelationID = int32(binary.BigEndian.Uint32(frame[4:8]))
	rest := frame[8:]
	if len(rest) < 2 {
		return h, nil, errors.New("decoding request: truncated client id")
	}
	n := int16(binary.BigEndian.Uint16(rest[0:2]))
	rest = rest[2:]
	if n > 0 {
		if int(n) > len(rest) {
			return h, nil, errors.New("decoding request: truncated client id")
		}
		h.ClientID = string(rest[:n])
		rest = rest[n:]
	}
	vr, ok := supported[h.APIKey]
	if !ok || h.APIVersion < vr[0] || h.APIVersion > vr[1] {
		return h, nil, fmt.Errorf("decoding request: %w: api key %d version %d", ErrUnsupported, h.APIKey, h.APIVersion)
	}
	req := kmsg.RequestForKey(h.APIKey)
	req.SetVersion(h.APIVersion)
	if req.IsFlexible() {
		var err error
		if rest, err = skipTags(rest); err != nil {
			return h, nil, fmt.Errorf("decoding request header tags: %w", err)
		}
	}
	if err := req.ReadFrom(rest); err != nil {
		return h, nil, fmt.Errorf("decoding %T v%d: %w", req, h.APIVersion, err)
	}
	return h, req, nil
}

func skipTags(b []byte) ([]byte, error) {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errors.New("bad tag count")
	}
	b = b[n:]
	for i := uint64(0); i < count; i++ {
		if _, n = binary.Uvarint(b); n <= 0 {
			return nil, errors.New("bad tag")
		}
		b = b[n:]
		size, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < size {
			return nil, errors.New("bad tag size")
		}
		b = b[n+int(size):]
	}
	return b, nil
}

// A Handler serves requests against a topic store. It serves one
// connection: it is not safe for concurrent use.
type Handler struct {
	store *topic.Store
	recs  []byte // scratch for fetch record batches
}

// New returns a handler for store.
func New(store *topic.Store) *Handler { return &Handler{store: store} }

// Handle serves one request (the bytes after its size prefix) and appends
// the framed response (size prefix included) to dst. A produce request
// with acks=0 gets no response: dst is returned as it was.
func (h *Handler) Handle(dst, frame []byte) ([]byte, error) {
	hdr, req, err := DecodeRequest(frame)
	if err != nil {
		return dst, err
	}
	var resp kmsg.Response
	switch r := req.(type) {
	case *kmsg.ProduceRequest:
		resp = h.produce(r)
		if r.Acks == 0 {
			return dst, nil
		}
	case *kmsg.FetchRequest:
		resp = h.fetch(r)
	case *kmsg.ApiVersionsRequest:
		resp = apiVersions(r)
	}
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = binary.BigEndian.AppendUint32(dst, uint32(hdr.CorrelationID))
	if resp.IsFlexible() && hdr.APIKey != 18 { // ApiVersions responses keep header v0
		dst = append(dst, 0)
	}
	dst = resp.AppendTo(dst)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst, nil
}

// Serve reads size-prefixed requests from r until it ends and writes the
// responses to w.
func (h *Handler) Serve(r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var size [4]byte
	var frame, out []byte
	for {
		if _, err := io.ReadFull(br, size[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return bw.Flush()
			}
			return fmt.Errorf("reading request size: %w", err)
		}
		n := binary.BigEndian.Uint32(size[:])
		if n > MaxFrame {
			return fmt.Errorf("request of %d bytes exceeds the %d byte limit", n, MaxFrame)
		}
		if cap(frame) < int(n) {
			frame = make([]byte, n)
		}
		frame = frame[:n]
		if _, err := io.ReadFull(br, frame); err != nil {
			return fmt.Errorf("reading request: %w", err)
		}
		var err error
		if out, err = h.Handle(out[:0], frame); err != nil {
			return err
		}
		if _, err := bw.Write(out); err != nil {
			return fmt.Errorf("writing response: %w", err)
		}
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("writing response: %w", err)
			}
		}
	}
}

func apiVersions(r *kmsg.ApiVersionsRequest) kmsg.Response {
	resp := r.ResponseKind().(*kmsg.ApiVersionsResponse)
	for _, key := range []int16{0, 1, 18} {
		v := supported[key]
		resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: key, MinVersion: v[0], MaxVersion: v[1]})
	}
	return resp
}
