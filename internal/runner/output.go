package runner

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The runner's one reader of what a test binary prints with -test.bench
// (not chatty). Go's testing prints a benchmark's name, padded and ended
// by a tab, before it runs the benchmark at its final b.N, then the
// numbers when it is done:
//
//	BenchmarkRead-2   \t    1000\t    1234 ns/op\t  64 B/op\t  1 allocs/op
//
// Whatever the benchmark itself prints while it runs (a logger writing
// JSON lines to stdout, a progress dot) lands between the name and the
// numbers: on the name's line, on lines of its own, or in front of the
// numbers. The name and the numbers still belong together: read puts
// them back on one result line. What the benchmark printed before its
// name (package init, TestMain, the b.N=1 run) or after its numbers is
// not a result and is passed over.

// An output is one run's stdout, read.
type output struct {
	// results are the result lines, name and numbers rejoined, in the
	// order they were printed.
	results []string
	// config are the config lines ("goos: linux", "pkg: ...").
	config []string
	// started names (without -N) every benchmark whose name was printed,
	// in order: it started its final run.
	started []string
	// pending is the benchmark whose name was printed last with no
	// numbers after it: the one running when the output ended ("" when
	// none).
	pending string
	// failed names the benchmarks testing reported as failed (--- FAIL),
	// a parent whose sub-benchmarks failed left out; why has the first
	// line each logged (b.Fatal's message, with its file:line).
	failed []string
	why    map[string]string
	// lastFailed is the failure whose log lines may follow.
	lastFailed string

	// listed reports whether a top-level benchmark is the binary's
	// (-test.list); nil when not known. A line that reads as a
	// benchmark's name or result but names none of them is not Go's:
	// see foreign.
	listed func(top string) bool
	// foreign are the lines that read as another benchmark's name, one
	// the binary does not have, each with the benchmark that printed it:
	// the one running, or, for a line printed before a name (a
	// benchmark's b.N=1 run, or its only run at 1x, happens before Go
	// prints its name), the next one that starts. That benchmark's
	// result is not read: its output cannot be told from Go's.
	foreign []foreignLine
}

// A foreignLine is a line that reads as the name or result of a
// benchmark the binary does not have.
type foreignLine struct {
	// name is the benchmark name the line gives, as printed.
	name string
	// by is the benchmark (without -N) that printed it; "" when none
	// started before or after it.
	by string
}

// doubted reports whether a foreign line was blamed on benchmark name
// (without -N).
func (o *output) doubted(name string) bool {
	return slices.ContainsFunc(o.foreign, func(f foreignLine) bool { return f.by == name })
}

// isForeign reports whether a printed benchmark name is not one of the
// binary's: its top level is not listed.
func (o *output) isForeign(name string) bool {
	if o.listed == nil {
		return false
	}
	top, _, _ := strings.Cut(trimProcs(name), "/")
	return !o.listed(top)
}

// blame gives the foreign lines waiting for a benchmark to start to
// name (without -N).
func (o *output) blame(name string) {
	for i := range o.foreign {
		if o.foreign[i].by == "" {
			o.foreign[i].by = name
		}
	}
}

// failMsg says how benchmark name failed (--- FAIL): "failed", with the
// first line it logged when it logged one.
func (o output) failMsg(name string) string {
	if why := o.why[name]; why != "" {
		return "failed: " + why
	}
	return "failed"
}

// The failures of a benchmark that ran and left no result: with its
// name printed (its numbers could not be read), and without (it skipped
// itself, or its output hid its name too).
const (
	unreadable = "its name was printed but no numbers that can be read followed (its own output in the way?)"
	noResult   = "ran but printed no result (b.Skip, or its own output in the way)"
)

// foreignMsg is the failure of a benchmark that printed a line that
// reads as benchmark name's result, a benchmark its binary does not
// have.
func foreignMsg(name string) string {
	return fmt.Sprintf("printed a line that reads as a result of %q, a benchmark this binary does not have: its own numbers cannot be told from what it printed", trimProcs(name))
}

var (
	configLine = regexp.MustCompile(`^[a-z][^\s:]*: `)
	// nameStart is a benchmark's name as processBench prints it: at the
	// start of a line, padded with spaces, then a tab.
	nameStart = regexp.MustCompile(`^(Benchmark\S*) *\t`)
	// numbers are a result's numbers at the end of a line: the
	// iteration count, then tab-separated "value unit" pairs.
	numbers = regexp.MustCompile(`(\d+)((?:\t *\S+ \S+)+)[ \t]*$`)
	// failMark is testing's report of a failed benchmark, at the start of
	// a line or after a name that was printed before it failed.
	failMark = regexp.MustCompile(`(?:^|\t)\s*--- FAIL: (\S+)`)
)

// readOutput reads one run's stdout. Lines over 16 MiB are passed over
// (err says so); the rest is read.
func readOutput(stdout []byte) (o output, err error) {
	var w lineWriter
	w.Write(stdout)
	return w.done()
}

// line reads one line of output.
func (o *output) line(line string) {
	if o.lastFailed != "" {
		if strings.HasPrefix(line, "    ") && o.why[o.lastFailed] == "" {
			if o.why == nil {
				o.why = map[string]string{}
			}
			o.why[o.lastFailed] = strings.TrimSpace(line)
			return
		}
		o.lastFailed = ""
	}
	if m := failMark.FindStringSubmatch(line); m != nil {
		name := trimProcs(m[1])
		// Go reports a parent failed when a sub-benchmark failed: the
		// sub-benchmark says it all.
		if !slices.ContainsFunc(o.failed, func(f string) bool { return strings.HasPrefix(f, name+"/") }) {
			o.failed = append(o.failed, name)
		}
		o.lastFailed = name
		if m := nameStart.FindStringSubmatch(line); m != nil {
			o.started = append(o.started, trimProcs(m[1]))
			o.pending = "" // its name line, ended by the failure
		}
		return
	}
	if m := nameStart.FindStringSubmatchIndex(line); m != nil {
		name := line[m[2]:m[3]]
		if o.isForeign(name) {
			by := ""
			if o.pending != "" {
				by = trimProcs(o.pending)
			}
			o.foreign = append(o.foreign, foreignLine{name: name, by: by})
			return
		}
		o.blame(trimProcs(name))
		o.started = append(o.started, trimProcs(name))
		o.pending = name
		line = line[m[1]:]
	} else if configLine.MatchString(line) && o.pending == "" {
		o.config = append(o.config, line)
		return
	}
	if o.pending == "" {
		return
	}
	if m := numbers.FindStringSubmatchIndex(line); m != nil {
		if !o.doubted(trimProcs(o.pending)) {
			o.results = append(o.results, o.pending+"\t"+line[m[2]:m[3]]+line[m[4]:m[5]])
		}
		o.pending = ""
	}
}

// has reports whether the output has a result of benchmark name (without
// its -N suffix).
func (o *output) has(name string) bool {
	for _, r := range o.results {
		if resultName(r) == name {
			return true
		}
	}
	return false
}

// resultName is the benchmark name of a result line, without its -N
// suffix.
func resultName(line string) string {
	name, _, _ := strings.Cut(line, "\t")
	return trimProcs(strings.TrimSpace(name))
}

// A crash is what a dead test binary said on stderr.
type crash struct {
	// what is the panic's (or fatal error's) first line, with where in
	// the measured module it happened: "panic: boom at boom/boom.go:12".
	what string
	// bench is the innermost Benchmark function on the panicking
	// goroutine's stack, a top-level name ("BenchmarkBoom"): a
	// sub-benchmark's closure names its parent.
	bench string
}

var (
	panicLine  = regexp.MustCompile(`^(panic: |fatal error: )`)
	benchFrame = regexp.MustCompile(`\.(Benchmark[^.(\s]*)`)
	frameFile  = regexp.MustCompile(`^\t(\S+\.go:\d+)`)
)

// crashOf reads a dead binary's stderr: the panic and, in its stack
// trace, the first frame in module (a module path; its files are named
// relative to the module root, as -trimpath writes them) and the
// benchmark function.
func crashOf(stderr []byte, module string) crash {
	var c crash
	var at string
	ls := strings.Split(string(stderr), "\n")
	for i, l := range ls {
		if c.what == "" && panicLine.MatchString(l) {
			c.what = strings.TrimSpace(l)
			if len(c.what) > 300 {
				c.what = c.what[:300] + "..."
			}
			continue
		}
		if c.what == "" {
			continue
		}
		if m := frameFile.FindStringSubmatch(l); m != nil && at == "" && module != "" {
			if rel, ok := strings.CutPrefix(m[1], module+"/"); ok {
				at = rel
			}
		}
		if c.bench == "" && i+1 < len(ls) && strings.HasPrefix(ls[i+1], "\t") {
			if m := benchFrame.FindStringSubmatch(l); m != nil {
				c.bench = m[1]
			}
		}
	}
	if at != "" {
		c.what += " at " + at
	}
	return c
}

// culprit names the benchmark (without -N) that was running when the
// process died, "" when none can be named. The panicking goroutine's
// stack names its top-level benchmark (bench) when it panicked: the
// last started benchmark of that name, unless it has a result and one of
// its expected siblings has not (which then died in its first run,
// b.N=1, before its name was printed); a benchmark whose goroutine
// panics can still have its numbers printed, and the next one's name,
// before the process ends. Without a stack: the benchmark whose name
// was printed last with no numbers, else the first expected one (in run
// order) with neither a result nor a failure.
func (o *output) culprit(bench string, expected []string, failed map[string]bool) string {
	top := func(name string) string { t, _, _ := strings.Cut(name, "/"); return t }
	firstMissing := func(match func(string) bool) string {
		for _, e := range expected {
			if !o.has(e) && !failed[e] && match(e) {
				return e
			}
		}
		return ""
	}
	if bench != "" {
		of := func(e string) bool { return top(e) == bench }
		for i := len(o.started) - 1; i >= 0; i-- {
			if last := o.started[i]; of(last) {
				if !o.has(last) {
					return last
				}
				if e := firstMissing(of); e != "" {
					return e
				}
				return last
			}
		}
		if e := firstMissing(of); e != "" {
			return e
		}
		return bench
	}
	if o.pending != "" {
		return trimProcs(o.pending)
	}
	return firstMissing(func(string) bool { return true })
}

// exitReason says why a counted run's binary exited: its panic, with
// where in module it happened, else the first lines of its stderr that
// are not valgrind's own (==pid== ...).
func exitReason(stderr []byte, module string) string {
	if c := crashOf(stderr, module); c.what != "" {
		return c.what
	}
	var keep []string
	for _, l := range strings.Split(string(stderr), "\n") {
		if l = strings.TrimSpace(l); l != "" && !valgrindLine.MatchString(l) && !strings.HasPrefix(l, sysCPUNote) {
			keep = append(keep, l)
		}
		if len(keep) == 3 {
			break
		}
	}
	return strings.Join(keep, " | ")
}

var valgrindLine = regexp.MustCompile(`^==\d+==`)

// sysCPUNote starts what golang.org/x/sys/cpu prints of a GODEBUG cpu
// setting it does not know: counted runs set cpu.rdtscp=off for the
// runtime, so in a module that uses x/sys it says nothing of a failure.
const sysCPUNote = "GODEBUG sys/cpu: unknown cpu feature"

// maxLine is the longest line of a run's output that is read; a longer
// one is passed over (and said).
const maxLine = 16 << 20

// A lineWriter reads a run's stdout as it is written, a line at a time,
// keeping only what the output needs (results, config lines, names): the
// memory a run takes stays bounded whatever a benchmark prints (a
// benchmark printing 1 GiB of log lines used to be kept whole).
type lineWriter struct {
	o    output
	buf  []byte
	over bool // the line being read is over maxLine: passed over
	long int  // lines passed over
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if !w.over {
			if len(w.buf)+len(chunk) > maxLine {
				w.over, w.buf = true, w.buf[:0]
				w.long++
			} else {
				w.buf = append(w.buf, chunk...)
			}
		}
		if i < 0 {
			break
		}
		if !w.over {
			w.o.line(string(w.buf))
		}
		w.buf, w.over = w.buf[:0], false
		if cap(w.buf) > 1<<20 { // a long line's buffer goes with it
			w.buf = nil
		}
		p = p[i+1:]
	}
	return n, nil
}

// done reads what is left (a last line with no newline: a name printed
// by a run that died) and returns the output.
func (w *lineWriter) done() (output, error) {
	if len(w.buf) > 0 && !w.over {
		w.o.line(string(w.buf))
	}
	w.buf = nil
	// A foreign line after the last result is blamed on the last
	// benchmark that started: fail closed, as no one can say whose it is.
	if n := len(w.o.started); n > 0 {
		w.o.blame(w.o.started[n-1])
	}
	if w.long > 0 {
		return w.o, fmt.Errorf("%d lines over %d MiB passed over", w.long, maxLine>>20)
	}
	return w.o, nil
}
