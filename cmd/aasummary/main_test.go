package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// aaDir writes an A/A run's directory: BenchmarkX's current side is
// factor times the base, and stderr has benchgate's total line.
func aaDir(t *testing.T, factor float64, total string) string {
	t.Helper()
	sample := func(f float64) *verdict.Set {
		var b strings.Builder
		b.WriteString("pkg: p\n")
		for i := range 6 {
			fmt.Fprintf(&b, "BenchmarkX-2\t1000\t%g ns/op\n", (100+float64(i))*f)
		}
		s, err := verdict.Read(strings.NewReader(b.String()), "x")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	c, err := verdict.Compare(sample(1), sample(factor), verdict.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := atomicfile.Write(filepath.Join(dir, "comparison.json"), func(w io.Writer) error { return verdict.WriteJSON(w, c) }); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "stderr"), []byte("progress\n"+total+"\n"), 0o644)
	return dir
}

func TestSummary(t *testing.T) {
	dirs := []string{
		aaDir(t, 1.0, "50s total: building 2s (4%), running binaries 45s (90%), of which timed benchmark loops 40s (80%); the rest"),
		aaDir(t, 1.5, "1m0s total: building 2s (3%), the pilot 1s (2%), benchmark runs 55s (92%): timed loops 50s (83%), process starts 1s (2%)"),
	}
	var out bytes.Buffer
	if err := run(dirs, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"A/A runs: 2; failing (exit != 0): 1",
		"rows reported: 1 regressions, 0 improvements, 0 missing (all false), 0 undecided",
		"time rows (2): |change| median 25.0%, p90 45.0%, max 50.0%; 50% beyond 10%",
		"wall per run: median 1m0s (min 50s, max 1m0s); timed benchmark loops 82% of it",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(append([]string{"-history"}, dirs...), &out); err != nil || !strings.Contains(out.String(), "flat series with a false change point or drift") {
		t.Errorf("-history: %v\n%s", err, out.String())
	}
	if err := run(nil, &out); err == nil {
		t.Error("no directories: no error")
	}
}
