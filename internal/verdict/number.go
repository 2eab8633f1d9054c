package verdict

import (
	"bytes"
	"encoding/json"
	"math"
)

// A Number is a float64 that survives JSON: NaN and ±Inf (an interval too
// wide to bound, a change from zero) are written as null and read back as
// NaN.
type Number float64

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*n = Number(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Number(f)
	return nil
}

// Finite reports whether n is neither NaN nor infinite.
func (n Number) Finite() bool {
	return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0)
}
