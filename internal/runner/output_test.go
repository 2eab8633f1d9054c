package runner

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestReadOutput reads what Go's testing prints around benchmarks that
// write to stdout themselves: the name and the numbers belong together
// wherever the benchmark's own output falls.
func TestReadOutput(t *testing.T) {
	const head = "goos: linux\ngoarch: amd64\npkg: example.com/m\n"
	tests := []struct {
		name    string
		out     string
		results []string
		started []string
		pending string
		failed  []string
		config  int
	}{
		{name: "plain",
			out:     head + "BenchmarkA-2   \t    1000\t      1234 ns/op\t      64 B/op\t       1 allocs/op\nPASS\n",
			results: []string{"BenchmarkA-2\t1000\t      1234 ns/op\t      64 B/op\t       1 allocs/op"}, started: []string{"BenchmarkA"}, config: 3},
		{name: "log lines between the name and the numbers",
			out:     head + `{"level":"INFO","msg":"setup"}` + "\nBenchmarkA-2   \t" + `{"level":"INFO","msg":"init"}` + "\n" + `{"level":"INFO","msg":"closed"}` + "\n    1000\t      1234 ns/op\nBenchmarkB-2   \t     500\t  99 ns/op\n",
			results: []string{"BenchmarkA-2\t1000\t      1234 ns/op", "BenchmarkB-2\t500\t  99 ns/op"}, started: []string{"BenchmarkA", "BenchmarkB"}, config: 3},
		{name: "output without a newline before the numbers",
			out:     head + "BenchmarkA/size=1-2   \tsetup done: 5 items      1000\t      1234 ns/op\t   2.00 MB/s\n",
			results: []string{"BenchmarkA/size=1-2\t1000\t      1234 ns/op\t   2.00 MB/s"}, started: []string{"BenchmarkA/size=1"}, config: 3},
		{name: "a log line that looks like a config line is not one",
			out:     head + "BenchmarkA-2   \tlevel: info\n    1000\t      1234 ns/op\n",
			results: []string{"BenchmarkA-2\t1000\t      1234 ns/op"}, started: []string{"BenchmarkA"}, config: 3},
		{name: "died while running",
			out:     head + "BenchmarkA-2   \t    1000\t      1234 ns/op\nBenchmarkB-2   \tstarting\n",
			results: []string{"BenchmarkA-2\t1000\t      1234 ns/op"}, started: []string{"BenchmarkA", "BenchmarkB"}, pending: "BenchmarkB-2", config: 3},
		{name: "failed after its name was printed",
			out:     head + "BenchmarkA-2   \t--- FAIL: BenchmarkA-2\n    a_test.go:9: broken\nBenchmarkB-2   \t     500\t  99 ns/op\nFAIL\n",
			results: []string{"BenchmarkB-2\t500\t  99 ns/op"}, started: []string{"BenchmarkA", "BenchmarkB"}, failed: []string{"BenchmarkA"}, config: 3},
		{name: "failed in its first run",
			out:    head + "--- FAIL: BenchmarkA\n    a_test.go:9: broken\nFAIL\n",
			failed: []string{"BenchmarkA"}, config: 3},
		{name: "a parent failed for its sub-benchmark",
			out:     head + "BenchmarkP/x-2   \t--- FAIL: BenchmarkP/x-2\n    p_test.go:5: batch too large\n--- FAIL: BenchmarkP\nFAIL\n",
			started: []string{"BenchmarkP/x"}, failed: []string{"BenchmarkP/x"}, config: 3},
		{name: "a NaN metric and GOMAXPROCS=1",
			out:     "BenchmarkOdd \t 100\t 5.0 ns/op\t NaN nan/op\t +Inf inf/op\n",
			results: []string{"BenchmarkOdd\t100\t 5.0 ns/op\t NaN nan/op\t +Inf inf/op"}, started: []string{"BenchmarkOdd"}},
		{name: "a line starting with Benchmark but no tab is output",
			out:     "BenchmarkA-2   \tBenchmarkish log line\n 10\t 5 ns/op\n",
			results: []string{"BenchmarkA-2\t10\t 5 ns/op"}, started: []string{"BenchmarkA"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := readOutput([]byte(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.results, tt.results) {
				t.Errorf("results:\n%s\nwant\n%s", strings.Join(o.results, "\n"), strings.Join(tt.results, "\n"))
			}
			if !slices.Equal(o.started, tt.started) {
				t.Errorf("started %q, want %q", o.started, tt.started)
			}
			if o.pending != tt.pending {
				t.Errorf("pending %q, want %q", o.pending, tt.pending)
			}
			if !slices.Equal(o.failed, tt.failed) {
				t.Errorf("failed %q, want %q", o.failed, tt.failed)
			}
			if tt.name == "a parent failed for its sub-benchmark" && o.why["BenchmarkP/x"] != "p_test.go:5: batch too large" {
				t.Errorf("why %q, want the failure's first log line", o.why)
			}
			if len(o.config) != tt.config {
				t.Errorf("config %q, want %d lines", o.config, tt.config)
			}
		})
	}
}

// TestForeignLines: a line that reads as the name or result of a
// benchmark the binary does not list is not Go's; the benchmark that
// printed it (the one running, or, before any name, the next to start;
// after the last result, the last) has no result that is read: whose
// output is adulterated is not judged.
func TestForeignLines(t *testing.T) {
	const forged = "BenchmarkX\x1b[2J::error::f \t 10\t 5 ns/op\n"
	tops := func(top string) bool { return top == "BenchmarkForge" || top == "BenchmarkB" }
	tests := []struct {
		name    string
		out     string
		tops    func(string) bool
		results []string
		by      []string // the benchmark each foreign line is blamed on
	}{
		{name: "printed in its only run, before its name (1x, or b.N=1 took the benchtime)",
			out: "\n" + forged + "BenchmarkForge-2 \t 1\t 900 ns/op\nBenchmarkB-2 \t 10\t 7 ns/op\n", tops: tops,
			results: []string{"BenchmarkB-2\t10\t 7 ns/op"}, by: []string{"BenchmarkForge"}},
		{name: "printed after its name, before its numbers",
			out: "BenchmarkForge-2 \t\n" + forged + "  100\t 50 ns/op\nBenchmarkB-2 \t 10\t 7 ns/op\n", tops: tops,
			results: []string{"BenchmarkB-2\t10\t 7 ns/op"}, by: []string{"BenchmarkForge"}},
		{name: "printed after the last result",
			out: "BenchmarkB-2 \t 10\t 7 ns/op\n" + forged, tops: tops,
			by: []string{"BenchmarkB"}},
		{name: "printed and nothing started",
			out: forged, tops: tops, by: []string{""}},
		{name: "a listed benchmark's sub-benchmark is its own",
			out: "BenchmarkB/size=1-2 \t 10\t 7 ns/op\n", tops: tops,
			results: []string{"BenchmarkB/size=1-2\t10\t 7 ns/op"}},
		{name: "without the list, read as before",
			out:     "\n" + forged + "BenchmarkForge-2 \t 1\t 900 ns/op\n",
			results: []string{"BenchmarkX\x1b[2J::error::f\t10\t 5 ns/op", "BenchmarkForge-2\t1\t 900 ns/op"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := lineWriter{o: output{listed: tt.tops}}
			w.Write([]byte(tt.out))
			o, err := w.done()
			if err != nil {
				t.Fatal(err)
			}
			var by []string
			for _, f := range o.foreign {
				by = append(by, f.by)
			}
			if !slices.Equal(by, tt.by) {
				t.Errorf("foreign lines blamed on %q, want %q", by, tt.by)
			}
			var kept []string
			for _, r := range o.results {
				if !o.doubted(resultName(r)) {
					kept = append(kept, r)
				}
			}
			if !slices.Equal(kept, tt.results) {
				t.Errorf("results read:\n%q\nwant\n%q", kept, tt.results)
			}
		})
	}
}

// TestCrashOf names the panic and where in the module it happened, and
// the benchmark whose closure was on the stack.
func TestCrashOf(t *testing.T) {
	stderr := `panic: runtime error: slice bounds out of range [24:0]

goroutine 21 [running]:
example.com/m/v2/store.(*Log).Read(...)
	example.com/m/v2/store/log.go:42
example.com/m/v2/store.BenchmarkRead.func1(0xc000120008)
	example.com/m/v2/store/log_test.go:17 +0x1d
testing.(*B).runN(0xc000120008, 0x1)
	testing/benchmark.go:219 +0x190
`
	c := crashOf([]byte(stderr), "example.com/m/v2")
	if want := "panic: runtime error: slice bounds out of range [24:0] at store/log.go:42"; c.what != want {
		t.Errorf("what %q, want %q", c.what, want)
	}
	if c.bench != "BenchmarkRead" {
		t.Errorf("bench %q, want BenchmarkRead", c.bench)
	}
	if c := crashOf([]byte("exit status 3\n"), "example.com/m"); c.what != "" || c.bench != "" {
		t.Errorf("no panic: %+v", c)
	}
}

// TestCulprit names the benchmark that was running when a process died,
// from what it printed, what the stack says and what the unit expected.
func TestCulprit(t *testing.T) {
	const head = "pkg: example.com/m\n"
	tests := []struct {
		name, out, bench string
		expected         []string
		want             string
	}{
		{name: "died while running, no stack (os.Exit)", out: head + "BenchmarkA-2 \t 10\t 5 ns/op\nBenchmarkB-2 \t", expected: []string{"BenchmarkA", "BenchmarkB", "BenchmarkC"}, want: "BenchmarkB"},
		{name: "died in its first run, before its name", out: head + "BenchmarkA-2 \t 10\t 5 ns/op\n", bench: "BenchmarkB", expected: []string{"BenchmarkA", "BenchmarkB", "BenchmarkC"}, want: "BenchmarkB"},
		{name: "its numbers printed as it panicked, the next one started", out: head + "BenchmarkA-2 \t 10\t 5 ns/op\nBenchmarkB-2 \t 10\t NaN ns/op\nBenchmarkC-2 \t", bench: "BenchmarkB", expected: []string{"BenchmarkA", "BenchmarkB", "BenchmarkC"}, want: "BenchmarkB"},
		{name: "a sub-benchmark named by its parent's closure", out: head + "BenchmarkR/n=1-2 \t 10\t 5 ns/op\nBenchmarkR/n=2-2 \t", bench: "BenchmarkR", want: "BenchmarkR/n=2"},
		{name: "a sibling died in its first run", out: head + "BenchmarkR/n=1-2 \t 10\t 5 ns/op\n", bench: "BenchmarkR", expected: []string{"BenchmarkR/n=1", "BenchmarkR/n=2"}, want: "BenchmarkR/n=2"},
		{name: "a whole package, first run, only the stack", out: head, bench: "BenchmarkQ", want: "BenchmarkQ"},
		{name: "nothing to go by", out: head},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, _ := readOutput([]byte(tt.out))
			if got := o.culprit(tt.bench, tt.expected, map[string]bool{}); got != tt.want {
				t.Errorf("culprit %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOutputIsBounded: what a run prints is read as it comes and only
// what the results need is kept: 64 MiB of log lines between a
// benchmark's name and its numbers leave one result and a line buffer no
// larger than the longest line read, a line over 16 MiB is passed over
// and counted, and stderr keeps its head and its end (the panic).
func TestOutputIsBounded(t *testing.T) {
	var w lineWriter
	w.Write([]byte("pkg: example.com/m\nBenchmarkLog-2   \t"))
	chunk := []byte(strings.Repeat(`{"level":"INFO","msg":"appended a batch of records to the segment"}`+"\n", 1000))
	for written := 0; written < 64<<20; written += len(chunk) {
		w.Write(chunk)
	}
	w.Write(bytes.Repeat([]byte("x"), maxLine+10))
	w.Write([]byte("\n     1000\t      1234 ns/op\n"))
	o, err := w.done()
	if err == nil || !strings.Contains(err.Error(), "1 lines over 16 MiB") {
		t.Errorf("err %v, want the long line counted", err)
	}
	if len(o.results) != 1 || o.results[0] != "BenchmarkLog-2\t1000\t      1234 ns/op" {
		t.Errorf("results %q", o.results)
	}
	if c := cap(w.buf); c > 1<<20 {
		t.Errorf("the line buffer kept %d bytes after the long line", c)
	}

}

// TestExitReasonLeavesOutSysCPU: what golang.org/x/sys/cpu says of the
// counted runs' own GODEBUG setting is no reason; valgrind's lines
// neither; the first lines that are stay, three at most.
func TestExitReasonLeavesOutSysCPU(t *testing.T) {
	for _, tt := range []struct{ stderr, want string }{
		{"GODEBUG sys/cpu: unknown cpu feature \"rdtscp\"\nGODEBUG sys/cpu: unknown cpu feature \"rdtscp\"\n", ""},
		{"==12== Callgrind\nGODEBUG sys/cpu: unknown cpu feature \"rdtscp\"\nopen fixture: no such file\n", "open fixture: no such file"},
		{"a\nb\nc\nd\n", "a | b | c"},
	} {
		if got := exitReason([]byte(tt.stderr), "example.com/m"); got != tt.want {
			t.Errorf("exitReason(%q) = %q, want %q", tt.stderr, got, tt.want)
		}
	}
}
