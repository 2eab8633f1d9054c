package verdict

import (
	"regexp"
	"strings"
)

// A Class groups units that share a threshold: throughput, latency, memory,
// other units with a declared direction, and informational units that have
// no direction and are never gated.
type Class string

// The metric classes.
const (
	Throughput Class = "throughput" // B/s and any unit ending in /s; higher is better
	Latency    Class = "latency"    // sec/op and other time units, such as p99-ns/op; lower is better
	Memory     Class = "memory"     // B/op, allocs/op; lower is better
	Other      Class = "other"      // a custom unit with a declared better= direction
	// Instructions is instructions/op, counted (not timed); lower is
	// better. Its samples are near-deterministic, so it has a decision
	// rule of its own (see decideCounted).
	Instructions Class = "instructions"
	// Cycles is estimated-cycles/op: counted with valgrind's simulated
	// cache (see counter.EstimatedCycles), judged like instructions.
	Cycles Class = "cycles"
	Info   Class = "info" // a custom unit with no direction: shown, never gated
)

// InstructionsUnit is the unit of counted instructions per operation;
// CyclesUnit that of estimated cycles per operation.
const (
	InstructionsUnit = "instructions/op"
	CyclesUnit       = "estimated-cycles/op"
)

// Counted reports whether the class is counted, not timed: its samples
// are near-deterministic and decideCounted judges them.
func (c Class) Counted() bool { return c == Instructions || c == Cycles }

// timeUnit matches a numerator that measures time: sec, ns, us, µs, ms or s,
// alone or as the last dash-separated word (p99-ns, wait-sec).
var timeUnit = regexp.MustCompile(`(^|-)(sec|ns|us|µs|ms|s)$`)

// Classify returns the class of a tidied unit and its direction (+1 higher
// is better, -1 lower is better, 0 unknown). better is the direction the
// results file declared through benchfmt's unit metadata (0 when none).
func Classify(unit string, better int) (Class, int) {
	num, den, hasDen := strings.Cut(unit, "/")
	switch {
	case unit == InstructionsUnit:
		return Instructions, dir(better, -1)
	case unit == CyclesUnit:
		return Cycles, dir(better, -1)
	case unit == "B/op" || unit == "allocs/op" || strings.HasSuffix(unit, "-B/op") || strings.HasSuffix(unit, "-allocs/op"):
		return Memory, dir(better, -1)
	case hasDen && den == "s":
		return Throughput, dir(better, 1)
	case hasDen && den == "op" && timeUnit.MatchString(num):
		return Latency, dir(better, -1)
	case better != 0:
		return Other, better
	}
	return Info, 0
}

func dir(declared, implied int) int {
	if declared != 0 {
		return declared
	}
	return implied
}

// Label is the class as a report names it: "Latency", "Throughput", ...
func (c Class) Label() string {
	switch c {
	case Throughput:
		return "Throughput"
	case Latency:
		return "Latency"
	case Memory:
		return "Memory"
	case Other:
		return "Metric"
	case Instructions:
		return "Instructions"
	case Cycles:
		return "Estimated cycles"
	}
	return "Info"
}
