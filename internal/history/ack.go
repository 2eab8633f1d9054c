package history

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/verdict"
)

// An Ack accepts a change point or drift as intended: one line of the
// acknowledgements file,
//
//	<first bad commit> <benchmark> <unit>   # why
//
// where the commit may be abbreviated (or "drift" for a drift) and the
// benchmark is Name or pkg.Name, with or without its -N suffix.
type Ack struct{ Commit, Benchmark, Unit string }

// ParseAcks reads acknowledgements; blank lines and # comments are
// skipped.
func ParseAcks(text string) []Ack {
	var acks []Ack
	for _, line := range strings.Split(text, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) >= 3 {
			acks = append(acks, Ack{f[0], f[1], f[2]})
		}
	}
	return acks
}

// Accepts reports whether a accepts f.
func (a Ack) Accepts(f *Finding) bool {
	if a.Unit != f.Unit {
		return false
	}
	name, _ := verdict.SplitProcs([]byte(f.Benchmark))
	names := []string{f.Benchmark, name, f.Pkg + "." + f.Benchmark, f.Pkg + "." + name}
	if !slices.Contains(names, a.Benchmark) {
		return false
	}
	if f.Kind == changepoint.Slide {
		return a.Commit == "drift"
	}
	return len(a.Commit) >= 7 && strings.HasPrefix(f.FirstBad, a.Commit)
}

// ReadAcks reads the acknowledgements file at path; none when it does not
// exist.
func ReadAcks(path string) ([]Ack, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the acknowledgements: %w", err)
	}
	return ParseAcks(string(b)), nil
}

// Acknowledge marks the findings an acknowledgement accepts and returns
// the worsenings none accepts: the open ones.
func Acknowledge(findings []Finding, acks []Ack) (open []*Finding) {
	for i := range findings {
		f := &findings[i]
		for _, a := range acks {
			if a.Accepts(f) {
				f.Acknowledged = true
			}
		}
		if f.Worse && !f.Acknowledged {
			open = append(open, f)
		}
	}
	return open
}
