package grpcapi

import (
	"fmt"

	"google.golang.org/grpc/encoding"
)

// CodecName is the content subtype of the Stream service's messages
// (application/grpc+bgbin).
const CodecName = "bgbin"

// Codec encodes the service's messages in their compact binary form.
type Codec struct{}

var _ encoding.Codec = Codec{}

func init() { encoding.RegisterCodec(Codec{}) }

// Marshal implements encoding.Codec.
func (Codec) Marshal(v any) ([]byte, error) {
	m, ok := v.(message)
	if !ok {
		return nil, fmt.Errorf("bgbin: cannot marshal %T", v)
	}
	return m.appendTo(nil), nil
}

// Unmarshal implements encoding.Codec.
func (Codec) Unmarshal(data []byte, v any) error {
	m, ok := v.(message)
	if !ok {
		return fmt.Errorf("bgbin: cannot unmarshal into %T", v)
	}
	d := decoder{b: data}
	if err := m.readFrom(&d); err != nil {
		return fmt.Errorf("bgbin: %T: %w", v, err)
	}
	if len(d.b) != 0 {
		return fmt.Errorf("bgbin: %T: %d trailing bytes", v, len(d.b))
	}
	return nil
}

// Name implements encoding.Codec.
func (Codec) Name() string { return CodecName }
