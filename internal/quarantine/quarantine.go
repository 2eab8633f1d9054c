// Package quarantine reads the quarantine file: benchmarks a team has
// taken out of the gate for a while, each with a reason and an end date,
// checked in and changed by pull request like any other code.
//
// The file has one entry per line, fields separated by white space:
//
//	# pattern                                   until       reason
//	^BenchmarkCompaction$/./^msgSize=1024B$     2027-01-31  batch too large for segment (#142)
//	^BenchmarkFlaky$                            2027-02-15  depends on the network
//
// The pattern is a -test.skip pattern (Go's -bench syntax, one regular
// expression per /-separated level, top-level | for alternatives) and
// applies in every package; until is the last day (UTC) the entry holds;
// the reason is the rest of the line. Blank lines and lines starting with
// # are comments. A quarantined benchmark is not run and not gated, and
// every report lists the entries; an entry past its date no longer holds
// (the benchmark is gated again) and is a warning that names it.
package quarantine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
)

// File is the quarantine file's default name, in the module's root.
const File = "bench-quarantine.txt"

// An Entry is one quarantined pattern.
type Entry struct {
	Pattern string `json:"pattern"`
	// Until is the last day the entry holds, as written (YYYY-MM-DD).
	Until  string `json:"until"`
	Reason string `json:"reason"`
	// Line is where the entry is in the file.
	Line int `json:"line"`
	// Expired is set on an entry past its date: it no longer holds.
	Expired bool `json:"expired,omitempty"`
}

// String is the entry as one line: "^BenchmarkX$ until 2027-01-31: why".
func (e Entry) String() string {
	return fmt.Sprintf("%s until %s: %s", e.Pattern, e.Until, e.Reason)
}

// Parse reads entries from r and marks those past their date at now
// expired. A line that is not an entry is an error naming it (name:line).
func Parse(r io.Reader, name string, now time.Time) ([]Entry, error) {
	var out []Entry
	sc := bufio.NewScanner(r)
	today := now.UTC().Format(time.DateOnly)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: want a pattern, a date (YYYY-MM-DD) and a reason, as in %q", name, n, `^BenchmarkFlaky$ 2027-01-31 depends on the network`)
		}
		if _, err := time.Parse(time.DateOnly, f[1]); err != nil {
			return nil, fmt.Errorf("%s:%d: %q is not a date: write it as YYYY-MM-DD, such as 2027-01-31", name, n, f[1])
		}
		if _, err := regexp.Compile(f[0]); err != nil {
			return nil, fmt.Errorf("%s:%d: pattern %q: %w", name, n, f[0], err)
		}
		reason := strings.Join(f[2:], " ")
		out = append(out, Entry{Pattern: f[0], Until: f[1], Reason: reason, Line: n, Expired: f[1] < today})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

// Load reads the quarantine file at path; a file that does not exist
// holds no entries.
func Load(path string, now time.Time) ([]Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the quarantine file: %w", err)
	}
	defer f.Close()
	return Parse(f, path, now)
}

// Skip is the -test.skip pattern of the entries that hold, joined with
// extra (BENCH_SKIP) as alternatives; "" when there are none.
func Skip(entries []Entry, extra string) string {
	var alts []string
	if extra != "" {
		alts = append(alts, extra)
	}
	for _, e := range entries {
		if !e.Expired {
			alts = append(alts, e.Pattern)
		}
	}
	return strings.Join(alts, "|")
}

// Warnings name the expired entries.
func Warnings(entries []Entry, file string) []string {
	var out []string
	for _, e := range entries {
		if e.Expired {
			out = append(out, fmt.Sprintf("%s:%d: the quarantine of %s ended on %s, so it is gated again: fix it, or renew the entry with a new date (%s)", file, e.Line, e.Pattern, e.Until, e.Reason))
		}
	}
	return out
}

// Expired counts the entries past their date.
func Expired(entries []Entry) int {
	n := 0
	for _, e := range entries {
		if e.Expired {
			n++
		}
	}
	return n
}
