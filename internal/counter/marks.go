package counter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Marks: a test binary built with Overlay counts each benchmark apart in
// one process. The overlay adds two calls to package testing's runN,
// around the benchmark function and outside its timer, that ask
// callgrind (valgrind's client requests) to zero its counts before and to
// dump them, named after the benchmark, after; and it lets
// BenchTimeEnv give each benchmark its own iteration count. Without
// MarksEnv the calls do nothing, so such a binary times as any other.
// One callgrind process then counts every benchmark of a binary, where
// cachegrind needs a process per benchmark and count: fewer valgrind
// start-ups, the cost of counting under valgrind, and nothing of the
// process's start (or of the other benchmarks) in a benchmark's count.

// MarksEnv, set to 1, makes the marks talk to callgrind.
const MarksEnv = "BENCHGATE_MARKS"

// BenchTimeEnv holds "name=N1,N2,…" lines: the benchmark named so (a
// benchmark without sub-benchmarks, by its full name as -test.bench
// output shows it without the -procs suffix) runs once, N1 iterations,
// instead of Go's b.N=1 run and a run of -test.benchtime; the second time
// it runs (-test.count=2) N2, and so on; the last count stays.
const BenchTimeEnv = "BENCHGATE_BENCHTIME"

// ErrNoMarks is wrapped by Overlay's error when the toolchain's testing
// package is not the one the marks fit (its code changed, or this is not
// amd64): count with a process per benchmark instead.
var ErrNoMarks = errors.New("the marks do not fit this toolchain")

// The places the marks go in testing/benchmark.go: runN's call of the
// benchmark function between its timer calls, and run1's b.N=1 run,
// every benchmark's first (sub-benchmarks included). Both have been Go's
// code since Go 1.12.
const (
	timedCall = "\tb.ResetTimer()\n\tb.StartTimer()\n\tb.benchFunc(b)\n\tb.StopTimer()\n"
	firstRun  = "\t\tb.runN(1)\n"
)

// markedCall is timedCall with the marks around it.
const markedCall = "\tbenchgateMark(false, b.name, 0)\n" + timedCall + "\tbenchgateMark(true, b.name, b.N)\n"

// markedFirst is firstRun running the benchmark's own count instead, as
// if it were -benchtime=1x: Go's testing then keeps that run's result
// and runs no other.
const markedFirst = "\t\tb.runN(benchgateFirst(b))\n\t\tbenchgateRan(b)\n"

// marksGo is the Go half of the marks, a file added to package testing.
const marksGo = `// Code added by benchgate (github.com/benchgate/benchgate/internal/counter)
// when it counts instructions: callgrind's client requests around each
// benchmark run.

package testing

import (
	"os"
	"strconv"
	"strings"
	"unsafe"
)

var benchgateMarks = os.Getenv("` + MarksEnv + `") == "1"

var benchgateCounts = func() map[string][]int {
	m := map[string][]int{}
	for _, l := range strings.Split(os.Getenv("` + BenchTimeEnv + `"), "\n") {
		if i := strings.LastIndex(l, "="); i > 0 {
			for _, f := range strings.Split(l[i+1:], ",") {
				if n, err := strconv.Atoi(f); err == nil && n > 0 {
					m[l[:i]] = append(m[l[:i]], n)
				}
			}
		}
	}
	return m
}()

var benchgateRuns = map[string]int{}

func benchgateRequest(args *[6]uintptr) uintptr

// benchgateMark zeroes callgrind's counts (before) or dumps them under
// the benchmark's name and b.N, "name\tN" (after).
func benchgateMark(after bool, name string, n int) {
	if !benchgateMarks {
		return
	}
	var a [6]uintptr
	if !after {
		a[0] = 0x43540001 // CALLGRIND_ZERO_STATS
		benchgateRequest(&a)
		return
	}
	s := append([]byte(name+"\t"+strconv.Itoa(n)), 0)
	a[0] = 0x43540003 // CALLGRIND_DUMP_STATS_AT
	a[1] = uintptr(unsafe.Pointer(&s[0]))
	benchgateRequest(&a)
}

// benchgateFirst is the iteration count of the benchmark's first run: its
// own count for this run of it (also b.Loop's target), if it has one,
// else Go's 1. Benchmarks run one after the other.
func benchgateFirst(b *B) int {
	ns := benchgateCounts[b.name]
	if len(ns) == 0 {
		return 1
	}
	i := min(benchgateRuns[b.name], len(ns)-1)
	benchgateRuns[b.name]++
	b.benchTime.n, b.benchTime.d = ns[i], 0
	return ns[i]
}

// benchgateRan makes a benchmark with its own count keep its first run,
// as Go's testing does for -benchtime=1x.
func benchgateRan(b *B) {
	if len(benchgateCounts[b.name]) > 0 {
		b.benchTime.n = 1
	}
}
`

// marksAsm is valgrind's client request sequence for amd64 (valgrind.h's
// __SPECIAL_INSTRUCTION_PREAMBLE and VALGRIND_DO_CLIENT_REQUEST_EXPR):
// the arguments' address in AX, the default result in DX. Outside
// valgrind the rotations cancel out and the exchange does nothing.
const marksAsm = `// Code added by benchgate when it counts instructions.

#include "textflag.h"

TEXT ·benchgateRequest(SB),NOSPLIT,$0-16
	MOVQ args+0(FP), AX
	MOVQ $0, DX
	ROLQ $3, DI
	ROLQ $13, DI
	ROLQ $61, DI
	ROLQ $51, DI
	XCHGQ BX, BX
	MOVQ DX, ret+8(FP)
	RET
`

// Overlay writes into dir the files that put the marks into the testing
// package of the Go installation at goroot, built for goarch, and returns
// the overlay file for go build's -overlay flag. The error wraps
// ErrNoMarks when they do not fit.
func Overlay(goroot, goarch, dir string) (string, error) {
	if goarch != "amd64" {
		return "", fmt.Errorf("%w: the marks are written for amd64, not %s", ErrNoMarks, goarch)
	}
	src := filepath.Join(goroot, "src", "testing", "benchmark.go")
	b, err := os.ReadFile(src)
	if err != nil {
		return "", fmt.Errorf("%w: reading %s: %v", ErrNoMarks, src, err)
	}
	code := string(b)
	for _, anchor := range []string{timedCall, firstRun} {
		if strings.Count(code, anchor) != 1 {
			return "", fmt.Errorf("%w: %s has not the code the marks go into (%q)", ErrNoMarks, src, strings.TrimSpace(strings.SplitN(anchor, "\n", 2)[0]))
		}
	}
	if !strings.Contains(code, "type durationOrCountFlag struct {\n\td         time.Duration\n\tn         int\n") {
		return "", fmt.Errorf("%w: %s has no durationOrCountFlag{d, n}", ErrNoMarks, src)
	}
	code = strings.Replace(strings.Replace(code, timedCall, markedCall, 1), firstRun, markedFirst, 1)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing the marks: %w", err)
	}
	files := map[string]string{"benchmark.go": code, "benchgate_marks.go": marksGo, "benchgate_marks_amd64.s": marksAsm}
	replace := map[string]string{}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return "", fmt.Errorf("writing the marks: %w", err)
		}
		replace[filepath.Join(goroot, "src", "testing", name)] = p
	}
	js, _ := json.Marshal(map[string]any{"Replace": replace})
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, js, 0o644); err != nil {
		return "", fmt.Errorf("writing the marks: %w", err)
	}
	return overlay, nil
}

// WithMarks is the counter that reads the marks of c's kind, when it has
// one: callgrind for cachegrind.
func WithMarks(c Counter) (Counter, bool) {
	if cg, ok := c.(*cachegrind); ok {
		return &callgrind{valgrind: cg.valgrind, version: cg.version, cache: cg.cache}, true
	}
	return nil, false
}

// callgrind counts a test binary built with Overlay under valgrind's
// callgrind, which the marks zero and dump: Run's Marks hold each
// benchmark's instructions. It runs Go as cachegrind does
// (GODEBUG=cpu.rdtscp=off,asyncpreemptoff=1).
type callgrind struct {
	valgrind string
	version  func() string
	cache    bool // simulate the fixed cache (cacheArgs): marks carry estimated cycles
}

func (c *callgrind) Name() string { return "callgrind" + cacheSuffix(c.cache) }

// Version is valgrind's version line.
func (c *callgrind) Version() string {
	if c.version == nil {
		return ""
	}
	return c.version()
}

// A dump's name and count: "desc: Trigger: Client Request: <name>" and
// "summary: <count>".
var (
	dumpName  = regexp.MustCompile(`(?m)^desc: Trigger: Client Request: (.*)$`)
	collected = regexp.MustCompile(`(?m)^==\d+== Collected : (\d+)`)
)

func (c *callgrind) Run(ctx context.Context, bin string, args []string, dir string, extra []string, stdout io.Writer) (*Run, error) {
	out, err := os.MkdirTemp("", "benchgate-callgrind-*")
	if err != nil {
		return nil, fmt.Errorf("counting instructions: %w", err)
	}
	defer os.RemoveAll(out)
	vargs := []string{"--tool=callgrind", "--callgrind-out-file=" + filepath.Join(out, "cg.out"), "--dump-instr=no", "--dump-line=no"}
	if c.cache {
		vargs = append(vargs, cacheArgs...)
	}
	vargs = append(append(vargs, bin), args...)
	r, err := run(ctx, dir, env(append(extra, MarksEnv+"=1"), valgrindGODEBUG), stdout, c.valgrind, vargs...)
	if err != nil {
		return nil, err
	}
	if r, err = readTotal(ctx, r, collected, bin); err != nil || ctx.Err() != nil {
		return r, err
	}
	r.Marks, err = readDumps(out)
	return r, err
}

// A Mark is one run of a benchmark function as the marks saw it: its
// b.N and the instructions of the run.
type Mark struct {
	N            int64
	Instructions uint64
	// CacheCounts are the run's estimated cycles and misses, with the
	// simulated cache.
	CacheCounts
}

// readDumps reads the dumps in dir (cg.out.1, cg.out.2, …), each named
// "name\tN", into each benchmark's runs in the order they ran.
func readDumps(dir string) (map[string][]Mark, error) {
	files, err := filepath.Glob(filepath.Join(dir, "cg.out.*"))
	if err != nil {
		return nil, err
	}
	seq := func(f string) int {
		n, _ := strconv.Atoi(f[strings.LastIndexByte(f, '.')+1:])
		return n
	}
	sort.Slice(files, func(i, j int) bool { return seq(files[i]) < seq(files[j]) })
	marks := map[string][]Mark{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading callgrind's counts: %w", err)
		}
		desc := dumpName.FindSubmatch(b)
		ev, err := readEvents(b)
		if desc == nil || err != nil {
			return nil, fmt.Errorf("reading callgrind's counts: %s has no name or summary (%v)", filepath.Base(f), err)
		}
		name, nf, ok := strings.Cut(string(desc[1]), "\t")
		n, err1 := strconv.ParseInt(nf, 10, 64)
		if !ok || err1 != nil {
			return nil, fmt.Errorf("reading callgrind's counts: %s: %q is no name and count", filepath.Base(f), desc[1])
		}
		work, err := runtimeWork(b)
		if err != nil {
			return nil, fmt.Errorf("reading callgrind's counts: %s: %w", filepath.Base(f), err)
		}
		ev = without(ev, work)
		m := Mark{N: n, Instructions: ev["Ir"]}
		if _, sim := ev["D1mr"]; sim {
			m.CacheCounts = cacheCounts(ev)
		}
		marks[name] = append(marks[name], m)
	}
	return marks, nil
}
