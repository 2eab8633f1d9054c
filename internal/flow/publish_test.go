package flow_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/benchgate/benchgate/internal/flow"
)

// TestPublish: every flow's outputs are written whole into the results
// directory, the text printed, the files named and the Markdown appended
// to the step summary; an output that fails to render leaves no file of
// its own and stops before the step summary.
func TestPublish(t *testing.T) {
	text := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	broken := func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("render failed")
	}
	for _, tc := range []struct {
		name    string
		p       flow.Publication
		files   map[string]string
		stdout  string
		stderr  string
		summary string
		err     bool
	}{
		{
			name: "three files and text",
			p: flow.Publication{JSON: flow.Published{File: "a.json", Write: text("{}")}, Markdown: flow.Published{File: "a.md", Write: text("# a")},
				HTML: flow.Published{File: "a.html", Write: text("<p>")}, Text: text("a\n")},
			files:   map[string]string{"a.json": "{}", "a.md": "# a", "a.html": "<p>"},
			stdout:  "a\n",
			stderr:  "wrote R/a.json, R/a.md and R/a.html\n",
			summary: "# a",
		},
		{
			name:    "no HTML, no text",
			p:       flow.Publication{JSON: flow.Published{File: "b.json", Write: text("[]")}, Markdown: flow.Published{File: "b.md", Write: text("# b")}},
			files:   map[string]string{"b.json": "[]", "b.md": "# b", "b.html": ""},
			stderr:  "wrote R/b.json and R/b.md\n",
			summary: "# b",
		},
		{
			name: "a failed HTML",
			p: flow.Publication{JSON: flow.Published{File: "c.json", Write: text("{}")}, Markdown: flow.Published{File: "c.md", Write: text("# c")},
				HTML: flow.Published{File: "c.html", Write: broken}},
			files: map[string]string{"c.json": "{}", "c.md": "# c", "c.html": ""},
			err:   true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			cfg := flow.DefaultConfig()
			cfg.ResultsDir, cfg.Stdout, cfg.Stderr = "R", &stdout, &stderr
			cfg.StepSummary = filepath.Join(dir, "summary.md")
			t.Chdir(dir) // the files are named as the results directory is given
			if err := os.Mkdir("R", 0o755); err != nil {
				t.Fatal(err)
			}
			md, err := cfg.Publish(tc.p)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want an error: %v", err, tc.err)
			}
			for f, want := range tc.files {
				got, rerr := os.ReadFile(filepath.Join(dir, "R", f))
				if want == "" {
					if rerr == nil {
						t.Errorf("%s exists: %q", f, got)
					}
					continue
				}
				if string(got) != want {
					t.Errorf("%s = %q (%v), want %q", f, got, rerr, want)
				}
			}
			summary, _ := os.ReadFile(cfg.StepSummary)
			if stdout.String() != tc.stdout || stderr.String() != tc.stderr || string(summary) != tc.summary {
				t.Errorf("stdout %q, stderr %q, summary %q; want %q, %q, %q", stdout.String(), stderr.String(), summary, tc.stdout, tc.stderr, tc.summary)
			}
			if !tc.err && string(md) != tc.summary {
				t.Errorf("returned Markdown %q, want %q", md, tc.summary)
			}
		})
	}
}
