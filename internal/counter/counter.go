// Package counter counts the instructions a test binary executes in user
// space: with the kernel's hardware counters where it exposes them
// (perf_event_open), else under valgrind's cachegrind. A count does not
// depend on what else the machine is doing, which is what makes it a
// measurement a loaded CI runner cannot disturb.
package counter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/benchgate/benchgate/internal/lines"
)

// A Counter runs a program and counts the instructions it executed.
type Counter interface {
	// Name is how reports name the counter: "perf", "cachegrind" or
	// "callgrind" (cachegrind's kind, reading the marks: see Overlay).
	Name() string
	// Run runs bin with args in dir, with env added to the process
	// environment, and counts its instructions (every thread's, user
	// space only). The program runs with GOMAXPROCS=1, so that the Go
	// runtime's own threads do the same work from run to run.
	// The program's stdout goes to stdout when it is not nil (Run.Stdout
	// is then nil), so that a benchmark printing without end is read as
	// it comes; its stderr is kept to its first and last 256 KiB.
	Run(ctx context.Context, bin string, args []string, dir string, env []string, stdout io.Writer) (*Run, error)
}

// A Run is what one counted run gave.
type Run struct {
	// Stdout is what the program printed, unless Run was given a writer
	// for it; Stderr its first and last 256 KiB.
	Stdout, Stderr []byte
	// Instructions is the count; 0 when the program did not run.
	Instructions uint64
	// CacheCounts are the estimated cycles and misses, from a counter
	// WithCache gives; 0 otherwise.
	CacheCounts
	// Exit is the program's exit error (nil on success).
	Exit error
	// Wall is its wall time.
	Wall time.Duration
	// Marks are each benchmark's runs, by its full name, in the order
	// they ran: set by the counter WithMarks gives, for a binary built
	// with Overlay; nil otherwise.
	Marks map[string][]Mark
}

// ErrUnavailable is wrapped by Detect's error when no counter works here.
var ErrUnavailable = errors.New("no instruction counter")

// Kind chooses a counter for Detect.
type Kind string

// The kinds.
const (
	Auto       Kind = "auto"       // perf where the kernel counts instructions, else cachegrind
	Perf       Kind = "perf"       // hardware counters through perf_event_open
	Cachegrind Kind = "cachegrind" // valgrind --tool=cachegrind (Auto counts with callgrind where the marks fit: see Overlay)
)

// Detect returns the counter of kind k that works on this machine, or
// an error that wraps ErrUnavailable and says how to get one.
func Detect(k Kind) (Counter, error) {
	var perfErr error
	if k == Auto || k == Perf {
		var p *perfCounter
		if p, perfErr = newPerf(); perfErr == nil {
			return p, nil
		}
		if k == Perf {
			return nil, fmt.Errorf("%w: the kernel's hardware counters are not available here (%v): use cachegrind (install valgrind)", ErrUnavailable, perfErr)
		}
	}
	path, err := exec.LookPath("valgrind")
	if err != nil {
		why := ""
		if perfErr != nil {
			why = fmt.Sprintf(" (hardware counters: %v)", perfErr)
		}
		return nil, fmt.Errorf("%w: this machine exposes no hardware instruction counter%s and valgrind is not installed: install it (apt-get install valgrind, or your system's package)", ErrUnavailable, why)
	}
	return &cachegrind{valgrind: path, version: sync.OnceValue(func() string {
		out, err := exec.Command(path, "--version").Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	})}, nil
}

// What counted runs add to GODEBUG. Every counter: a collection marks
// with the world stopped, so that how much is allocated before the next
// one (and so how many a run holds) does not depend on the scheduler's
// clock (make([]byte, 4<<10), 8,192 ops: ±1.9% between runs with
// concurrent marking, ±0.84% without). Under valgrind besides: 3.19
// cannot run RDTSCP, and timer signals would make counts depend on speed.
const (
	countGODEBUG    = "gcstoptheworld=1"
	valgrindGODEBUG = "cpu.rdtscp=off,asyncpreemptoff=1," + countGODEBUG
)

// env is the environment of a counted run.
func env(extra []string, godebug string) []string {
	e := append(os.Environ(), extra...)
	e = append(e, "GOMAXPROCS=1")
	if godebug != "" {
		if old := os.Getenv("GODEBUG"); old != "" {
			godebug = old + "," + godebug
		}
		e = append(e, "GODEBUG="+godebug)
	}
	return e
}

// run runs a program to its end (an interrupt, then a kill, when ctx
// ends) and returns what it printed and how it exited; the error is for a
// program that could not be started.
func run(ctx context.Context, dir string, env []string, out io.Writer, prog string, args ...string) (*Run, error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 3 * time.Second
	var stdout bytes.Buffer
	stderr := lines.HeadTail{Max: 256 << 10}
	cmd.Stdout, cmd.Stderr = out, &stderr
	if out == nil {
		cmd.Stdout = &stdout
	}
	start := time.Now()
	runErr := cmd.Run()
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		return nil, fmt.Errorf("running %s: %w", prog, runErr)
	}
	r := &Run{Stderr: stderr.Bytes(), Exit: runErr, Wall: time.Since(start)}
	if out == nil {
		r.Stdout = stdout.Bytes()
	}
	return r, nil
}
