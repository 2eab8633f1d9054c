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
// one process. The overlay adds calls to package testing's runN, around
// the benchmark function and outside its timer, and to B.ResetTimer,
// that ask callgrind (valgrind's client requests) to count a benchmark
// from its first ResetTimer (b.Loop's first call makes one) and to dump
// the counts, named after the benchmark, after it; and it lets
// BenchTimeEnv give each benchmark its own iteration count. Callgrind
// runs with its instrumentation off (--instr-atstart=no), so process
// start and package setup run at valgrind's uninstrumented speed,
// several times faster, and so does a benchmark's setup before its
// ResetTimer unless EagerEnv names it (stopping and starting the
// instrumentation costs a flush of valgrind's translations). A
// benchmark that never calls ResetTimer is run once more, counted from
// its start, after its cleanups. Only benchmarks with their own count
// (BenchTimeEnv) are counted.
// Without MarksEnv the calls do nothing, so such a binary times as any
// other. One callgrind process then counts every benchmark of a binary,
// where cachegrind needs a process per benchmark and count.

// MarksEnv, set to 1, makes the marks talk to callgrind.
const MarksEnv = "BENCHGATE_MARKS"

// EagerEnv holds the names, a line each, of the benchmarks whose setup is
// short enough to run instrumented: their runs start the instrumentation
// before the benchmark function, sparing two flushes of valgrind's
// translations (50-90ms a benchmark); they are still counted from
// their first ResetTimer. The others stop it until then.
const EagerEnv = "BENCHGATE_EAGER"

// SetupsEnv names a file the marks append a line to per counted run:
// "name\tsetup\tagain", its setup's wall time in nanoseconds (until its
// first ResetTimer, or its first run's when it has none) and 1 when it
// ran again for want of a ResetTimer.
const SetupsEnv = "BENCHGATE_SETUPS"

// BenchTimeEnv holds "name=N1,N2,…" lines: the benchmark named so (a
// benchmark without sub-benchmarks, by its full name as -test.bench
// output shows it without the -procs suffix) runs once, N1 iterations,
// instead of Go's b.N=1 run and a run of -test.benchtime; the second time
// it runs (-test.count=2) N2, and so on; the last count stays.
const BenchTimeEnv = "BENCHGATE_BENCHTIME"

// WallEnv names a file the marks append a line to per run of a
// benchmark function when set, counting or not: "name\tN\twall\tsetup\ttimed",
// the run's wall time, its setup's (until its first ResetTimer with the
// timer on; 0 without one) and its timed time, in nanoseconds. What is
// left of the wall time is what the benchmark does with its timer
// stopped in the loop (b.StopTimer around work each iteration).
const WallEnv = "BENCHGATE_WALL"

// RampEnv, set to a time in nanoseconds, changes Go's b.N ramp for the
// benchmarks with no count of their own (BenchTimeEnv) whose b.N=1 run
// spent at least that long in setup (before its first ResetTimer, as
// WallEnv notes it): they run once more, at the count the b.N=1 run
// predicts for -test.benchtime (Go's 1.2x margin, without its cap of 100x
// growth per run), instead of up to 100x more each time with the setup
// paid each time. A b.N=1 run that predicts under 100 iterations (one op
// that took over a hundredth of the benchtime: a slow op, or one a
// scheduler's time slice fooled) keeps Go's ramp. Needs WallEnv.
const RampEnv = "BENCHGATE_RAMP"

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
	resetFunc = "func (b *B) ResetTimer() {\n"
	cleanups  = "func (c *common) runCleanup(ph panicHandling) (panicVal any) {\n"
)

// durationField is common's timed duration, which the marks read.
var durationField = regexp.MustCompile(`\n\tduration +time\.Duration\n`)

// markedCall is timedCall with the marks around it, and run again when
// the benchmark never started its count.
const markedCall = "\tbenchgateMark(false, b)\n" + timedCall + "\tif benchgateAgain(b) {\n" + timedCall + "\t}\n\tbenchgateMark(true, b)\n"

// markedReset is resetFunc starting the count of the benchmark waiting
// for it.
const markedReset = resetFunc + "\tbenchgateReset(b)\n"

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
	"runtime"
	"strconv"
	"strings"
	"time"
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

// benchgateWall is WallEnv's file; benchgateWalls holds, per benchmark
// function running, when it was called and when its first ResetTimer
// with the timer on came.
var (
	benchgateWall  = os.Getenv("` + WallEnv + `")
	benchgateWalls = map[*B]*[2]time.Time{}
)

// benchgateRamp is RampEnv's setup time (0: Go's ramp); benchgateLast and
// benchgateLastSetup are the benchmark whose run ended last and its setup.
var (
	benchgateRamp, _   = strconv.ParseInt(os.Getenv("` + RampEnv + `"), 10, 64)
	benchgateLast      *B
	benchgateLastSetup time.Duration
)

// benchgateWallMark notes the start of a run of b's function (before) or
// appends its line to benchgateWall (after).
func benchgateWallMark(after bool, b *B) {
	if !after {
		benchgateWalls[b] = &[2]time.Time{time.Now()}
		return
	}
	w := benchgateWalls[b]
	if w == nil {
		return
	}
	delete(benchgateWalls, b)
	wall, setup := time.Since(w[0]), time.Duration(0)
	if !w[1].IsZero() {
		setup = w[1].Sub(w[0])
	}
	benchgateLast, benchgateLastSetup = b, setup
	if f, err := os.OpenFile(benchgateWall, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
		f.WriteString(b.name + "\t" + strconv.Itoa(b.N) + "\t" + strconv.FormatInt(int64(wall), 10) + "\t" + strconv.FormatInt(int64(setup), 10) + "\t" + strconv.FormatInt(int64(b.duration), 10) + "\n")
		f.Close()
	}
}

// benchgateArmed is the counted benchmark whose count waits for its
// first ResetTimer with the timer on; benchgateOn says callgrind
// instruments; benchgateSince is when the armed benchmark started.
var (
	benchgateArmed *B
	benchgateOn    bool
	benchgateSince time.Time
	benchgateSetup time.Duration
	benchgateRedone bool
)

var benchgateEager = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(os.Getenv("` + EagerEnv + `"), "\n") {
		m[l] = l != ""
	}
	return m
}()

func benchgateRequest(args *[6]uintptr) uintptr

// callgrind's client requests (callgrind.h).
const (
	benchgateZero  = 0x43540001 // CALLGRIND_ZERO_STATS
	benchgateDump  = 0x43540003 // CALLGRIND_DUMP_STATS_AT
	benchgateStart = 0x43540004 // CALLGRIND_START_INSTRUMENTATION
	benchgateStop  = 0x43540005 // CALLGRIND_STOP_INSTRUMENTATION
)

func benchgateCall(req uintptr) {
	a := [6]uintptr{req}
	benchgateRequest(&a)
}

// benchgateInstrument turns callgrind's instrumentation on, counts
// zeroed, or off.
func benchgateInstrument(on bool) {
	switch {
	case on && !benchgateOn:
		benchgateCall(benchgateStart)
	case !on && benchgateOn:
		benchgateCall(benchgateStop)
	}
	benchgateOn = on
	if on {
		benchgateCall(benchgateZero)
	}
}

// benchgateMark arms a counted benchmark's run (before: instrumented or
// not, as EagerEnv says) or dumps its counts under its name and b.N,
// "name\tN" (after). Benchmarks without their own count are not counted.
func benchgateMark(after bool, b *B) {
	if benchgateWall != "" {
		benchgateWallMark(after, b)
	}
	if !benchgateMarks || len(benchgateCounts[b.name]) == 0 {
		return
	}
	if !after {
		benchgateInstrument(benchgateEager[b.name])
		benchgateArmed, benchgateSince, benchgateRedone = b, time.Now(), false
		return
	}
	if benchgateOn && benchgateArmed == nil {
		s := append([]byte(b.name+"\t"+strconv.Itoa(b.N)), 0)
		a := [6]uintptr{benchgateDump, uintptr(unsafe.Pointer(&s[0]))}
		benchgateRequest(&a)
	}
	if path := os.Getenv("` + SetupsEnv + `"); path != "" {
		again := "0"
		if benchgateRedone {
			again = "1"
		}
		if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
			f.WriteString(b.name + "\t" + strconv.FormatInt(int64(benchgateSetup), 10) + "\t" + again + "\n")
			f.Close()
		}
	}
}

// benchgateReset starts counting the armed benchmark at its first
// ResetTimer with the timer on: what came before is its setup.
func benchgateReset(b *B) {
	if benchgateWall != "" && b.timerOn {
		if w := benchgateWalls[b]; w != nil && w[1].IsZero() {
			w[1] = time.Now()
		}
	}
	if benchgateArmed == b && b.timerOn {
		benchgateArmed, benchgateSetup = nil, time.Since(benchgateSince)
		benchgateInstrument(true)
	}
}

// benchgateAgain reports whether the armed benchmark b returned without
// a ResetTimer, so was not counted: its cleanups then run, and it runs
// again counted from its start.
func benchgateAgain(b *B) bool {
	if !benchgateMarks || benchgateArmed != b {
		return false
	}
	benchgateArmed, benchgateSetup, benchgateRedone = nil, time.Since(benchgateSince), true
	b.runCleanup(normalPanic)
	runtime.GC()
	benchgateInstrument(true)
	return true
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
		return
	}
	// RampEnv: one more run, at the count the b.N=1 run predicts.
	if benchgateRamp > 0 && b.benchTime.n == 0 && benchgateLast == b && int64(benchgateLastSetup) >= benchgateRamp && b.duration > 0 {
		if n := int64(b.benchTime.d) / int64(b.duration) * 6 / 5; n >= 100 {
			b.benchTime.n = int(min(n, 1e9))
		}
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
	for _, anchor := range []string{timedCall, firstRun, resetFunc} {
		if strings.Count(code, anchor) != 1 {
			return "", fmt.Errorf("%w: %s has not the code the marks go into (%q)", ErrNoMarks, src, strings.TrimSpace(strings.SplitN(anchor, "\n", 2)[0]))
		}
	}
	if t, err := os.ReadFile(filepath.Join(goroot, "src", "testing", "testing.go")); err != nil || !strings.Contains(string(t), cleanups) {
		return "", fmt.Errorf("%w: testing.go has no %q (%v)", ErrNoMarks, strings.TrimSpace(cleanups), err)
	} else if !durationField.Match(t) {
		return "", fmt.Errorf("%w: testing.go's common has no duration field", ErrNoMarks)
	}
	if !strings.Contains(code, "type durationOrCountFlag struct {\n\td         time.Duration\n\tn         int\n") {
		return "", fmt.Errorf("%w: %s has no durationOrCountFlag{d, n}", ErrNoMarks, src)
	}
	code = strings.NewReplacer(timedCall, markedCall, firstRun, markedFirst, resetFunc, markedReset).Replace(code)
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
	vargs := []string{"--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" + filepath.Join(out, "cg.out"), "--dump-instr=no", "--dump-line=no"}
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
