package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/verdict"
)

// JSON writes the comparison as indented JSON (the comparison.json format).
func JSON(w io.Writer, c *verdict.Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// ReadJSON reads a comparison written by JSON.
func ReadJSON(path string) (*verdict.Comparison, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading comparison: %w", err)
	}
	var c verdict.Comparison
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("reading comparison %s: %w", path, err)
	}
	if c.Schema != verdict.Schema {
		return nil, fmt.Errorf("reading comparison %s: schema %d, this benchgate reads schema %d: regenerate it with this version", path, c.Schema, verdict.Schema)
	}
	for i, r := range c.Rows {
		if !r.Status.Valid() {
			return nil, fmt.Errorf("reading comparison %s: row %d (%s %s) has unknown status %q", path, i+1, Clean(r.Benchmark), Clean(r.Unit), Clean(string(r.Status)))
		}
	}
	return &c, nil
}
