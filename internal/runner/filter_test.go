package runner

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSplitPattern(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{".", []string{"."}},
		{"Read/size=1KiB", []string{"Read", "size=1KiB"}},
		{"A/B/C", []string{"A", "B", "C"}},
		{"[/]x/y", []string{"[/]x", "y"}},
		{"(a/b)/c", []string{"(a/b)", "c"}},
		{`a\/b/c`, []string{`a\/b`, "c"}},
		{"a/", []string{"a", ""}},
	}
	for _, tt := range tests {
		if got := SplitPattern(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitPattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDeepFilterSaysWhatItLeftOut: a two-level filter runs P/x and
// silently (in Go) drops BenchmarkA, which has no sub-benchmarks: the run
// names BenchmarkA, and not P.
func TestDeepFilterSaysWhatItLeftOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	file := `package work

import "testing"

var sink int

func BenchmarkA(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink += i
	}
}

func BenchmarkP(b *testing.B) {
	for _, n := range []string{"x", "y"} {
		b.Run(n, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink += i
			}
		})
	}
}
`
	files := map[string]string{"go.mod": "module example.com/deep\n\ngo 1.21\n", "work/work_test.go": file}
	var log bytes.Buffer
	trees, plan := alike(t, files, &log)
	if _, err := plan.Run(context.Background(), Options{Bench: "Benchmark/x", Time: "10ms", Count: 1}, NewProgress(&log)); err != nil {
		t.Fatal(err)
	}
	var note string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "ran nothing") {
			note = l
		}
	}
	if !strings.Contains(note, "BenchmarkA") || strings.Contains(note, "BenchmarkP") || !strings.Contains(note, `"Benchmark"`) {
		t.Errorf("want a note naming BenchmarkA only and the one-level filter; log:\n%s", &log)
	}
	if got := iterations(t, trees[0].Out); len(got) != 1 {
		t.Errorf("results %v, want BenchmarkP/x only", got)
	}
}

// alike prepares two sides with the same files, writing their results
// in a temporary directory, with progress to log.
func alike(t *testing.T, files map[string]string, log *bytes.Buffer) ([]*Tree, *Plan) {
	t.Helper()
	out := t.TempDir()
	trees := []*Tree{
		{Name: "base", Dir: writeTree(t, files), Out: filepath.Join(out, "base.txt")},
		{Name: "current", Dir: writeTree(t, files), Out: filepath.Join(out, "current.txt")},
	}
	plan, err := Prepare(context.Background(), trees, []Suite{{Name: "s", Patterns: []string{"./..."}}}, t.TempDir(), NewProgress(log))
	if err != nil {
		t.Fatal(err)
	}
	return trees, plan
}
