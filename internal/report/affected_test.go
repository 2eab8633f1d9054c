package report

import (
	"bytes"
	"strings"
	"testing"
)

// TestReportsCountTheUnaffected: every report says how many packages
// were left out as not affected, and none says so when none were.
func TestReportsCountTheUnaffected(t *testing.T) {
	render := map[string]func(*bytes.Buffer, *testing.T, bool) string{
		"markdown": func(b *bytes.Buffer, t *testing.T, on bool) string {
			c := fixture(t, 3)
			if on {
				c.NotAffected = []string{"example.com/svc/x", "example.com/svc/y"}
			}
			if err := Markdown(b, c, DefaultMarkdownOptions); err != nil {
				t.Fatal(err)
			}
			return "2 packages not affected by the change"
		},
		"text": func(b *bytes.Buffer, t *testing.T, on bool) string {
			c := fixture(t, 3)
			if on {
				c.NotAffected = []string{"example.com/svc/x", "example.com/svc/y"}
			}
			if err := Text(b, c); err != nil {
				t.Fatal(err)
			}
			return "Not affected (not measured): 2 packages"
		},
		"html": func(b *bytes.Buffer, t *testing.T, on bool) string {
			c := fixture(t, 3)
			if on {
				c.NotAffected = []string{"example.com/svc/x", "example.com/svc/y"}
			}
			if err := HTML(b, c, DefaultHTMLOptions); err != nil {
				t.Fatal(err)
			}
			return "packages not affected (not measured)"
		},
	}
	for name, r := range render {
		for _, on := range []bool{true, false} {
			var b bytes.Buffer
			want := r(&b, t, on)
			if got := strings.Contains(b.String(), want); got != on {
				t.Errorf("%s with not-affected packages %v: says %q: %v", name, on, want, got)
			}
		}
	}
}
