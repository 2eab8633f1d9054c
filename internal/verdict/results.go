package verdict

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"
)

// A Key identifies one series of measurements: a benchmark of a package
// in one unit. Name is the full name without its -N GOMAXPROCS suffix.
type Key struct {
	Pkg   string
	Name  string
	Procs int
	Unit  string // tidied: sec/op, B/s, B/op, ...
}

// A Series holds every sample of one Key in one results file.
type Series struct {
	Key
	// Suite is the value of the "suite:" config line, if any.
	Suite string
	// Uncounted, for counted instructions, says why the count means
	// nothing (the "uncounted:" config line: "uses b.RunParallel").
	Uncounted string
	// Values are the tidied values, in file order.
	Values []float64
	// DisplayUnit is the unit as written (ns/op, MB/s); DisplayFactor
	// converts a tidied value to it.
	DisplayUnit   string
	DisplayFactor float64
	// capped counts the samples over MaxSamples left out.
	capped int
}

// A Set is the content of one results file.
type Set struct {
	// File is the name the set was read from.
	File string
	// Config holds the first value of each file-level config key
	// (commit, ref, date, go, goos, goarch, cpu, ...).
	Config map[string]string
	// Units is the unit metadata the file declared (better=, assume=).
	Units benchfmt.UnitMetadataMap
	// Series are in order of first appearance.
	Series []*Series
	// Warnings are file:line messages for lines that were skipped.
	Warnings []string

	index   map[Key]*Series
	names   nameCache
	strings map[string]string
	bad     map[Key]*dropped
	badKeys []Key
	samples int // every sample read
}

// dropped counts the non-finite samples of one series that were left out,
// with the first one's line.
type dropped struct {
	n     int
	first string
}

// config returns a result's config value without allocating for values
// seen before.
func (s *Set) config(res *benchfmt.Result, key string) string {
	i, ok := res.ConfigIndex(key)
	if !ok {
		return ""
	}
	v := res.Config[i].Value
	if str, ok := s.strings[string(v)]; ok {
		return str
	}
	str := string(v)
	s.strings[str] = str
	return str
}

// A nameCache remembers split names: result files repeat each benchmark
// name once per sample.
type nameCache map[string]struct {
	name  string
	procs int
}

func (c nameCache) split(full []byte) (string, int) {
	if e, ok := c[string(full)]; ok {
		return e.name, e.procs
	}
	name, procs := SplitProcs(full)
	name = "Benchmark" + name
	c[string(full)] = struct {
		name  string
		procs int
	}{name, procs}
	return name, procs
}

// ReadFile reads a results file in the Go benchmark format.
func ReadFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading results: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// MaxLineWarnings is how many malformed lines of one file are warned of
// one by one; the rest are counted in one more warning, so that a file of
// garbage cannot make reports (text, JSON, HTML) grow with it.
const MaxLineWarnings = 20

// MaxSeries bounds the distinct (benchmark, unit) series of one file: a
// real suite has thousands, and a file of millions of distinct names would
// take gigabytes to compare. Above it the file is refused.
const MaxSeries = 200_000

// MaxSamples bounds the samples kept of one series: a run has
// BENCH_COUNT of them (6), a pooled bisection step or a merged file a few
// hundred. Beyond it a series keeps its first MaxSamples with a warning,
// so that a file of millions of lines for one benchmark cannot make
// comparison.json and the reports grow with it.
const MaxSamples = 10_000

// MaxTotalSamples bounds the samples of one file: above it the file is
// refused.
const MaxTotalSamples = 5_000_000

// ErrTooLarge is wrapped by Read's error for a file over MaxSeries or
// MaxTotalSamples.
var ErrTooLarge = errors.New("too many benchmarks")

// ErrNoBenchmarks is returned for input that holds no benchmark result.
var ErrNoBenchmarks = errors.New("no benchmark results")

// Read reads results in the Go benchmark format from r; name is used in
// messages. Malformed lines become warnings; input without a single
// benchmark result is an error.
func Read(r io.Reader, name string) (*Set, error) {
	s := &Set{File: name, Config: map[string]string{}, index: map[Key]*Series{}, names: nameCache{}, strings: map[string]string{}}
	br := benchfmt.NewReader(r, name)
	malformed := 0
	for br.Scan() {
		switch rec := br.Result().(type) {
		case *benchfmt.SyntaxError:
			if malformed++; malformed <= MaxLineWarnings {
				s.Warnings = append(s.Warnings, rec.Error())
			}
		case *benchfmt.Result:
			s.add(rec)
			if len(s.Series) > MaxSeries {
				return nil, fmt.Errorf("%s: %w: more than %d distinct benchmark metrics (benchmark, unit); is it a results file?", name, ErrTooLarge, MaxSeries)
			}
			if s.samples > MaxTotalSamples {
				return nil, fmt.Errorf("%s: %w: more than %d samples; is it a results file? (a run has a few samples per metric)", name, ErrTooLarge, MaxTotalSamples)
			}
		}
	}
	if err := br.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	for _, ser := range s.Series {
		if ser.capped > 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %s %s: %d samples over %d were left out (the first %d are judged)", name, ser.Name, ser.Unit, ser.capped, MaxSamples, MaxSamples))
		}
	}
	if malformed > MaxLineWarnings {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s: %d more malformed lines not listed (%d in all)", name, malformed-MaxLineWarnings, malformed))
	}
	s.Units = br.Units()
	for _, k := range s.badKeys {
		d := s.bad[k]
		w := fmt.Sprintf("%s: %s %s: a non-finite sample (NaN or ±Inf) was left out", d.first, k.Name, k.Unit)
		if d.n > 1 {
			w = fmt.Sprintf("%s: %s %s: %d non-finite samples (NaN or ±Inf) were left out, the first here", d.first, k.Name, k.Unit, d.n)
		}
		s.Warnings = append(s.Warnings, w)
	}
	if len(s.Series) == 0 {
		return nil, fmt.Errorf("%s: %w (is it the output of go test -bench?)", name, ErrNoBenchmarks)
	}
	return s, nil
}

func (s *Set) add(res *benchfmt.Result) {
	for _, c := range res.Config {
		if c.File {
			if _, ok := s.Config[c.Key]; !ok {
				s.Config[c.Key] = string(c.Value)
			}
		}
	}
	name, procs := s.names.split(res.Name.Full())
	pkg := s.config(res, "pkg")
	suite := s.config(res, "suite")
	uncounted := s.config(res, "uncounted")
	for _, v := range res.Values {
		k := Key{Pkg: pkg, Name: name, Procs: procs, Unit: v.Unit}
		bad := math.IsNaN(v.Value) || math.IsInf(v.Value, 0)
		if bad {
			// A NaN would stall the U test and an infinity has no
			// place in JSON or in a median: the sample is left out and
			// said, the rest of the series stays.
			k = s.drop(res, k, v)
		}
		ser := s.index[k]
		if ser == nil {
			ser = &Series{Key: k, Suite: suite, DisplayUnit: v.Unit, DisplayFactor: 1, Uncounted: uncounted}
			if v.OrigUnit != "" {
				if f, _ := benchunit.Tidy(1, v.OrigUnit); f != 0 {
					ser.DisplayUnit = v.OrigUnit
					ser.DisplayFactor = 1 / f
				}
			}
			s.index[k] = ser
			s.Series = append(s.Series, ser)
		}
		switch {
		case bad:
		case len(ser.Values) >= MaxSamples:
			ser.capped++
		default:
			ser.Values = append(ser.Values, v.Value)
		}
		s.samples++
	}
}

// drop counts a non-finite sample of k. Its unit is the one written (an
// infinite ns/op is not tidied to sec/op), so it is keyed by the tidied
// unit the finite samples get.
func (s *Set) drop(res *benchfmt.Result, k Key, v benchfmt.Value) Key {
	if v.OrigUnit == "" {
		if _, tidy := benchunit.Tidy(1, v.Unit); tidy != "" {
			k.Unit = tidy
		}
	}
	if s.bad == nil {
		s.bad = map[Key]*dropped{}
	}
	d := s.bad[k]
	if d == nil {
		file, line := res.Pos()
		d = &dropped{first: fmt.Sprintf("%s:%d", file, line)}
		s.bad[k] = d
		s.badKeys = append(s.badKeys, k)
	}
	d.n++
	return k
}

// SplitProcs splits a full benchmark name (as benchfmt reads it, without
// the "Benchmark" prefix) into the name without its -N
// GOMAXPROCS suffix and N (0 when there is none).
func SplitProcs(full []byte) (string, int) {
	i := bytes.LastIndexByte(full, '-')
	if i < 0 || i == len(full)-1 || bytes.IndexByte(full[i:], '/') >= 0 {
		return string(full), 0
	}
	n, err := strconv.Atoi(string(full[i+1:]))
	if err != nil || n <= 0 {
		return string(full), 0
	}
	return string(full[:i]), n
}

// Lookup returns the series of k, or nil.
func (s *Set) Lookup(k Key) *Series { return s.index[k] }

// MetricKey identifies a benchmark metric across runs and machines,
// whatever the -N suffix of the benchmark name: "pkg name unit".
func MetricKey(pkg, benchmark, unit string) string {
	name, _ := SplitProcs([]byte(benchmark))
	return pkg + " " + name + " " + unit
}
