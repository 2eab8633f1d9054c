// Package historygen generates large histories (a git repository with a
// long first-parent line and a history branch of many runs), to time
// bench:trend on.
package historygen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/history"
)

// HistoryShape is the size of a generated history.
type HistoryShape struct {
	// Commits on the first-parent line of main.
	Commits int
	// Runs on the history branch, spread evenly over the commits.
	Runs int
	// Benchmarks per run, each with ns/op, B/op and allocs/op.
	Benchmarks int
	// Samples per metric.
	Samples int
}

// LargeHistory is the history bench:trend's speed is measured on: 100,000
// runs of 10,000 commits, 5 benchmarks x 3 units x 10 samples each.
var LargeHistory = HistoryShape{Commits: 10_000, Runs: 100_000, Benchmarks: 5, Samples: 10}

// History makes dir a git repository (with git fast-import: packed, as a
// clone is) whose main branch has shape.Commits commits and whose history
// branch (history.DefaultBranch) holds shape.Runs run files. Benchmark 0's
// ns/op steps up 20% at the middle commit; the rest are noise around a
// level. Deterministic for a shape.
func History(ctx context.Context, dir string, shape HistoryShape) error {
	if shape.Commits < 1 || shape.Runs < 1 || shape.Benchmarks < 1 || shape.Samples < 1 {
		return fmt.Errorf("a history needs at least one commit, run, benchmark and sample: %+v", shape)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	git := func(stdin io.Reader, args ...string) error {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir, cmd.Stdin = dir, stdin
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := git(nil, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	when := func(i int) time.Time { return start.Add(time.Duration(i) * time.Hour) }
	var commits bytes.Buffer
	for i := 0; i < shape.Commits; i++ {
		fmt.Fprintf(&commits, "commit refs/heads/main\nmark :%d\ncommitter dev <dev@example.com> %d +0000\n", i+1, when(i).Unix())
		msg := fmt.Sprintf("change %d\n", i)
		fmt.Fprintf(&commits, "data %d\n%s", len(msg), msg)
		if i == 0 {
			mod := "module example.com/large\n\ngo 1.22\n"
			fmt.Fprintf(&commits, "M 100644 inline go.mod\ndata %d\n%s", len(mod), mod)
		} else {
			fmt.Fprintf(&commits, "from :%d\n", i)
		}
		commits.WriteString("\n")
	}
	marks := filepath.Join(dir, ".git", "benchgen-marks")
	if err := git(&commits, "fast-import", "--quiet", "--export-marks="+marks); err != nil {
		return err
	}
	hashes, err := readMarks(marks, shape.Commits)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- git(pr, "fast-import", "--quiet") }()
	err = writeRuns(pw, shape, hashes, when)
	pw.CloseWithError(err)
	if ierr := <-done; err == nil {
		err = ierr
	}
	if err != nil {
		return err
	}
	return git(nil, "checkout", "-q", "main")
}

// writeRuns writes the history branch as a fast-import stream: a blob per
// run, then one commit holding them all.
func writeRuns(w io.Writer, shape HistoryShape, hashes []string, when func(int) time.Time) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(uint64(shape.Runs), uint64(shape.Commits)))
	paths := make([]string, shape.Runs)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for i := 0; i < shape.Runs; i++ {
		c := i * shape.Commits / shape.Runs
		run := &history.Run{Schema: history.Schema, Commit: hashes[c], Date: when(c), Recorded: when(c).Add(time.Duration(i) * time.Second),
			ID: fmt.Sprintf("r%d", i), Machine: history.Machine{GOOS: "linux", GOARCH: "amd64", CPU: "Example CPU", Go: "go1.26.8"},
			Time: "1x", Count: shape.Samples}
		for b := 0; b < shape.Benchmarks; b++ {
			level := float64(1000 * (b + 1))
			if b == 0 && c >= shape.Commits/2 {
				level *= 1.2
			}
			ns := make([]float64, shape.Samples)
			for k := range ns {
				ns[k] = level * (1 + 0.02*r.NormFloat64())
			}
			name := fmt.Sprintf("BenchmarkLarge/case=%d", b)
			run.Metrics = append(run.Metrics,
				history.Metric{Pkg: "example.com/large", Benchmark: name, Unit: "ns/op", Samples: ns},
				history.Metric{Pkg: "example.com/large", Benchmark: name, Unit: "B/op", Samples: repeat(float64(64*(b+1)), shape.Samples)},
				history.Metric{Pkg: "example.com/large", Benchmark: name, Unit: "allocs/op", Samples: repeat(float64(b+1), shape.Samples)})
		}
		gz.Reset()
		zw.Reset(&gz)
		if err := json.NewEncoder(zw).Encode(run); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		paths[i] = run.Path()
		fmt.Fprintf(bw, "blob\nmark :%d\ndata %d\n", i+1, gz.Len())
		bw.Write(gz.Bytes())
		bw.WriteString("\n")
	}
	msg := fmt.Sprintf("benchgen: %d runs\n", shape.Runs)
	fmt.Fprintf(bw, "commit refs/heads/%s\ncommitter benchgate <benchgate@users.noreply.github.com> %d +0000\ndata %d\n%s",
		history.DefaultBranch, when(shape.Commits).Unix(), len(msg), msg)
	for i, p := range paths {
		fmt.Fprintf(bw, "M 100644 :%d %s\n", i+1, p)
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// readMarks reads fast-import's marks file: ":N hash" lines.
func readMarks(path string, n int) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	hashes := make([]string, n)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m int
		var h string
		if _, err := fmt.Sscanf(line, ":%d %s", &m, &h); err != nil || m < 1 || m > n {
			return nil, fmt.Errorf("reading %s: bad line %q", path, line)
		}
		hashes[m-1] = h
	}
	for i, h := range hashes {
		if h == "" {
			return nil, fmt.Errorf("reading %s: no hash for commit %d", path, i+1)
		}
	}
	return hashes, nil
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}
