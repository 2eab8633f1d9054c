package history

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/benchgate/benchgate/internal/testrepo"
)

func run(commit string, day int, id string) *Run {
	return &Run{Schema: Schema, Commit: commit, Date: time.Date(2026, 11, day, 12, 0, 0, 0, time.UTC), ID: id,
		Machine: Machine{GOOS: "linux", GOARCH: "amd64", CPU: "Test CPU", Go: "go1.26.8"},
		Metrics: []Metric{{Pkg: "example.com/m/w", Benchmark: "BenchmarkX-2", Unit: "sec/op", Samples: []float64{1e-6, 1.1e-6}}}}
}

type plumbingHash = plumbing.Hash

// encodeRun stores run's file as Append would and returns its blob and
// size.
func encodeRun(t testing.TB, s *Store, run *Run) (plumbing.Hash, int) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(run)
	zw.Close()
	h, err := s.putBlob(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return h, buf.Len()
}

func open(t testing.TB, dir string) *Store {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Open(g, "")
}

func TestAppendReadPrune(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", map[string]string{"a.txt": "a\n"})
	before := r.State()
	s := open(t, r.Dir)
	if runs, err := s.Runs(); err != nil || len(runs) != 0 {
		t.Fatalf("empty store: %v, %v", runs, err)
	}
	for i, id := range []string{"1", "2", "3"} {
		p, err := s.Append(run(fmt.Sprintf("%040d", i+1), 10+i*5, id))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("runs/2026/11/2026-11-%02d-%07d-%s.json.gz", 10+i*5, 0, id); p != want {
			t.Errorf("path %s, want %s", p, want)
		}
	}
	runs, err := s.Runs()
	if err != nil || len(runs) != 3 || runs[2].Metrics[0].Samples[1] != 1.1e-6 || runs[0].Machine.CPU != "Test CPU" {
		t.Fatalf("runs %+v, %v", runs, err)
	}
	n, err := s.Prune(time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if runs, _ := s.Runs(); len(runs) != 1 || runs[0].ID != "3" {
		t.Errorf("after pruning: %+v", runs)
	}
	if after := r.State(); after != before+"" && !sameExceptHistory(before, after) {
		t.Errorf("the repository changed beyond the history branch:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// git itself reads the branch.
	if out := r.Git("ls-tree", "-r", "--name-only", DefaultBranch); out != "runs/2026/11/2026-11-20-0000000-3.json.gz" {
		t.Errorf("git ls-tree: %q", out)
	}
	r.Git("fsck", "--strict")
}

// sameExceptHistory compares repository states without the history
// branch's ref line.
func sameExceptHistory(a, b string) bool {
	strip := func(s string) string {
		var out []byte
		for _, line := range splitLines(s) {
			if !contains(line, "refs/heads/"+DefaultBranch) {
				out = append(out, line...)
				out = append(out, '\n')
			}
		}
		return string(out)
	}
	return strip(a) == strip(b)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// TestAppendRetriesALostRace: another writer moves the branch between
// this append's commit and its swap; the append commits again on the new
// tip and both runs stay.
func TestAppendRetriesALostRace(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", map[string]string{"a.txt": "a\n"})
	s, other := open(t, r.Dir), open(t, r.Dir)
	other.lockPath = "" // a writer elsewhere: its commit arrives by a fetch
	if _, err := s.Append(run("1111111111111111111111111111111111111111", 1, "a")); err != nil {
		t.Fatal(err)
	}
	raced := false
	s.beforeSwap = func() {
		if !raced {
			raced = true
			if _, err := other.Append(run("2222222222222222222222222222222222222222", 2, "b")); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := s.Append(run("3333333333333333333333333333333333333333", 3, "c")); err != nil {
		t.Fatal(err)
	}
	runs, err := s.Runs()
	if err != nil || len(runs) != 3 {
		t.Fatalf("%d runs after a lost race (%v), want 3", len(runs), err)
	}
	if n := r.Git("rev-list", "--count", DefaultBranch); n != "3" {
		t.Errorf("%s commits on the branch, want 3", n)
	}
}

// TestConcurrentAppends: writers in parallel, each with its own handle on
// the repository, lose no run.
func TestConcurrentAppends(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", map[string]string{"a.txt": "a\n"})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			if _, err := open(t, r.Dir).Append(run(fmt.Sprintf("%040d", i), 1+i, fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if runs, err := open(t, r.Dir).Runs(); err != nil || len(runs) != 6 {
		t.Errorf("%d runs (%v), want 6", len(runs), err)
	}
}

// BenchmarkTrend1000x100 reads a history of 1,000 runs of 100 metrics
// from the branch and analyzes it: bench:trend's work (the target: under
// 5 s). It also reports the size of one stored run.
func BenchmarkTrend1000x100(b *testing.B) {
	r := testrepo.New(b)
	r.Commit("first", map[string]string{"a.txt": "a\n"})
	s := open(b, r.Dir)
	runs, order := synthetic(1000, 100)
	files := map[string]plumbingHash{}
	size := 0
	for _, run := range runs {
		blob, n := encodeRun(b, s, run)
		files[run.Path()] = blob
		size += n
	}
	if err := s.update("bulk", func(m map[string]plumbingHash) bool {
		for p, h := range files {
			m[p] = h
		}
		return true
	}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		got, err := s.Runs()
		if err != nil || len(got) != 1000 {
			b.Fatal(len(got), err)
		}
		Analyze(got, order, DefaultTrendOptions)
	}
	b.ReportMetric(float64(size)/float64(len(runs)), "bytes/run")
}

// TestCorruptRunIsSkipped: a garbage file and a broken gzip on the branch
// are skipped and named; every other run is read.
func TestCorruptRunIsSkipped(t *testing.T) {
	r := testrepo.New(t)
	r.Commit("first", map[string]string{"a.txt": "a\n"})
	s := open(t, r.Dir)
	for i := range 2 {
		if _, err := s.Append(run(fmt.Sprintf("%040d", i+1), 10+i, fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", wt, DefaultBranch)
	os.WriteFile(filepath.Join(wt, "runs/2026/11/2026-11-20-0000000-garbage.json.gz"), []byte("not gzip"), 0o644)
	os.WriteFile(filepath.Join(wt, "runs/2026/11/2026-11-21-0000000-cut.json.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2}, 0o644)
	testrepo.GitIn(t, wt, "add", "-A")
	testrepo.GitIn(t, wt, "commit", "-q", "-m", "corrupt runs")
	s = open(t, r.Dir)
	runs, err := s.Runs()
	if err != nil || len(runs) != 2 {
		t.Fatalf("%d runs, %v; want the 2 good ones", len(runs), err)
	}
	if len(s.Skipped) != 2 || !strings.Contains(s.Skipped[0], "garbage.json.gz") || !strings.Contains(s.Skipped[1], "cut.json.gz") {
		t.Errorf("skipped: %q", s.Skipped)
	}
}
