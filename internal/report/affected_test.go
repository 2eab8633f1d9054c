package report

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// TestReportsCountTheUnaffected: every report says how many packages
// were left out as not affected, and none says so when none were.
func TestReportsCountTheUnaffected(t *testing.T) {
	reports := []struct {
		name   string
		render func(io.Writer, *verdict.Comparison) error
		says   string
	}{
		{"markdown", func(w io.Writer, c *verdict.Comparison) error { return Markdown(w, c, DefaultMarkdownOptions) }, "2 packages not affected by the change"},
		{"text", Text, "Not affected (not measured): 2 packages"},
		{"html", func(w io.Writer, c *verdict.Comparison) error { return HTML(w, c, DefaultHTMLOptions) }, "packages not affected (not measured)"},
	}
	for _, r := range reports {
		for _, on := range []bool{true, false} {
			c := fixture(t, 3)
			if on {
				c.NotAffected = []string{"example.com/svc/x", "example.com/svc/y"}
			}
			var b bytes.Buffer
			if err := r.render(&b, c); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(b.String(), r.says); got != on {
				t.Errorf("%s with not-affected packages %v: says %q: %v", r.name, on, r.says, got)
			}
		}
	}
}
