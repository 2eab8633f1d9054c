package counter

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/benchgate/benchgate/internal/lines"
)

// cachegrind counts under valgrind's cachegrind without its cache
// simulation (only instructions). Go binaries need GODEBUG=cpu.rdtscp=off
// (valgrind 3.19 cannot run RDTSCP, which runtime.cputicks uses) and
// asyncpreemptoff=1 (signals sent on a timer would make the count depend
// on the machine's speed).
type cachegrind struct {
	valgrind string
	version  func() string
	// cache simulates the fixed cache (cacheArgs) and estimates cycles.
	cache bool
}

func (c *cachegrind) Name() string { return string(Cachegrind) + cacheSuffix(c.cache) }

// Version is valgrind's version line ("valgrind-3.19.0"), "" when it
// does not say: what a count depends on besides the program.
func (c *cachegrind) Version() string {
	if c.version == nil {
		return ""
	}
	return c.version()
}

// irefs is cachegrind's summary line: "==123== I   refs:      9,551,939".
var irefs = regexp.MustCompile(`(?m)^==\d+== I\s+refs:\s+([\d,]+)\s*$`)

func (c *cachegrind) Run(ctx context.Context, bin string, args []string, dir string, extra []string, stdout io.Writer) (*Run, error) {
	out, err := os.CreateTemp("", "benchgate-cachegrind-*.out")
	if err != nil {
		return nil, fmt.Errorf("counting instructions: %w", err)
	}
	out.Close()
	defer os.Remove(out.Name())
	sim := []string{"--cache-sim=no"}
	if c.cache {
		sim = cacheArgs
	}
	vargs := append(append(append([]string{"--tool=cachegrind"}, sim...), "--cachegrind-out-file="+out.Name(), bin), args...)
	r, err := run(ctx, dir, env(extra, valgrindGODEBUG), stdout, c.valgrind, vargs...)
	if err != nil {
		return nil, err
	}
	if r, err = readTotal(ctx, r, irefs, bin); err != nil || ctx.Err() != nil {
		return r, err
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		return r, fmt.Errorf("reading cachegrind's counts: %w", err)
	}
	work, err := runtimeWork(b)
	if err != nil {
		return r, fmt.Errorf("reading cachegrind's counts: %w", err)
	}
	r.Instructions -= min(work["Ir"], r.Instructions)
	if !c.cache {
		return r, nil
	}
	ev, err := readEvents(b)
	if err != nil {
		return r, fmt.Errorf("reading cachegrind's counts: %w", err)
	}
	r.CacheCounts = cacheCounts(without(ev, work))
	return r, nil
}

// readTotal sets r.Instructions from the whole-program count valgrind
// printed on stderr (re's first group, digits with or without commas).
// A run cancelled before it printed one is returned as it is.
func readTotal(ctx context.Context, r *Run, re *regexp.Regexp, bin string) (*Run, error) {
	m := re.FindSubmatch(r.Stderr)
	if m == nil {
		if ctx.Err() != nil {
			return r, nil
		}
		return r, fmt.Errorf("valgrind could not run %s: %s", bin, lines.First(valgrindLines(r.Stderr), 4))
	}
	var err error
	if r.Instructions, err = strconv.ParseUint(strings.ReplaceAll(string(m[1]), ",", ""), 10, 64); err != nil {
		return r, fmt.Errorf("reading valgrind's count %q: %w", m[1], err)
	}
	return r, nil
}

// valgrindLines keeps valgrind's own lines that say something.
func valgrindLines(stderr []byte) string {
	var keep []string
	for _, l := range strings.Split(string(stderr), "\n") {
		if t := strings.TrimSpace(strings.TrimLeft(l, "=0123456789")); t != "" && !strings.HasPrefix(t, "Copyright") && !strings.HasPrefix(t, "Using Valgrind") && !strings.HasPrefix(t, "Cachegrind,") && !strings.HasPrefix(t, "Callgrind,") && !strings.HasPrefix(t, "Command:") {
			keep = append(keep, t)
		}
	}
	return strings.Join(keep, "\n")
}
