package verdict

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// WriteJSON writes the comparison as indented JSON: the comparison.json
// format (Schema).
func WriteJSON(w io.Writer, c *Comparison) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(c)
}

// ReadComparison reads a comparison.json. A file of another schema, or
// with a status this version does not know, is refused.
func ReadComparison(path string) (*Comparison, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading comparison: %w", err)
	}
	var c Comparison
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("reading comparison %s: %w", path, err)
	}
	if c.Schema != Schema {
		return nil, fmt.Errorf("reading comparison %s: schema %d, this benchgate reads schema %d: regenerate it with this version", path, c.Schema, Schema)
	}
	for i, r := range c.Rows {
		if !r.Status.Valid() {
			return nil, fmt.Errorf("reading comparison %s: row %d (%q %q) has unknown status %q", path, i+1, r.Benchmark, r.Unit, string(r.Status))
		}
	}
	return &c, nil
}
