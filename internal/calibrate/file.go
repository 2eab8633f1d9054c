package calibrate

import (
	"encoding/json"
	"io"

	"github.com/benchgate/benchgate/internal/atomicfile"
)

// Write writes the calibration to path as Read reads it, atomically.
func Write(path string, c *Calibration) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	})
}
