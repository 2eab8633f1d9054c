package bisect

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/golden"
)

// TestReports: bisect.md and the text summary of a two-culprit answer
// with a skipped commit beside one of them, a flat line's and a hostile
// subject's (a table cell break and a code span end).
func TestReports(t *testing.T) {
	clock := func() time.Time { return time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		f    fake
	}{
		{"two-culprits", fake{steps: map[int]float64{5: 8, 11: 7}, skip: map[int]string{10: "does not build"}, width: 0.3}},
		{"flat", fake{steps: map[int]float64{}, width: 0.3}},
		{"hostile", fake{steps: map[int]float64{7: 20}, width: 0.3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			f.line, f.threshold = line(16), 5
			for i := range f.line {
				f.line[i].Author, f.line[i].Date = "Ada Lovelace", clock().Add(time.Duration(i-16)*time.Hour)
			}
			if tt.name == "hostile" {
				f.line[7].Subject = "a | b `code` <!-- x -->"
				f.bench = "BenchmarkWork/sep=a|b"
			}
			o := DefaultOptions
			o.Now = clock
			res, err := Run(context.Background(), f.line, &f, o)
			if err != nil {
				t.Fatal(err)
			}
			var md, text bytes.Buffer
			if err := Markdown(&md, res); err != nil {
				t.Fatal(err)
			}
			if err := Text(&text, res); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tt.name+".md", md.Bytes())
			golden.Check(t, tt.name+".txt", text.Bytes())
		})
	}
}
