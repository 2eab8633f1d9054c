package settings

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/runner"
)

// MaxCount bounds BENCH_COUNT and the other round counts: more rounds
// than this is a typo, not a plan.
const MaxCount = 1000

// text sets a string.
func text(dst func(*Values) *string) func(string, *Values) error {
	return func(s string, v *Values) error { *dst(v) = s; return nil }
}

// list sets a comma (or space) separated list.
func list(dst func(*Values) *[]string) func(string, *Values) error {
	return func(s string, v *Values) error { *dst(v) = splitList(s); return nil }
}

// patterns sets a list of package patterns; one that starts with "-"
// would be a flag of the go command, not a package.
func patterns(dst func(*Values) *[]string) func(string, *Values) error {
	return func(s string, v *Values) error {
		for _, p := range splitList(s) {
			if strings.HasPrefix(p, "-") {
				return fmt.Errorf("%q is a flag, not a package pattern: use patterns such as ./... or ./storage/...", p)
			}
		}
		*dst(v) = splitList(s)
		return nil
	}
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// oneOf sets a value that must be one of choices (any case).
func oneOf[T ~string](dst func(*Values) *T, choices ...T) func(string, *Values) error {
	return func(s string, v *Values) error {
		for _, c := range choices {
			if strings.EqualFold(s, string(c)) {
				*dst(v) = c
				return nil
			}
		}
		names := make([]string, len(choices))
		for i, c := range choices {
			names[i] = string(c)
		}
		return fmt.Errorf("use one of %s", strings.Join(names, ", "))
	}
}

// onOff sets a switch: 1/0/true/false (any case), the one way every switch
// parses.
func onOff(dst func(*Values) *bool) func(string, *Values) error {
	return func(s string, v *Values) error {
		b, err := parseOnOff(s)
		*dst(v) = b
		return err
	}
}

func parseOnOff(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, errors.New("use 1 (on) or 0 (off); true and false work too")
}

// percent sets a threshold: a percentage above 0 and below 1000, with or
// without a % sign.
func percent(dst func(*Values) *float64) func(string, *Values) error {
	return func(s string, v *Values) error {
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil || !(f > 0 && f < 1000) {
			return errors.New("use a percentage above 0 and below 1000, such as 15")
		}
		*dst(v) = f
		return nil
	}
}

// count sets a number of rounds or repetitions, 1 to MaxCount.
func count(dst func(*Values) *int, example string) func(string, *Values) error {
	return func(s string, v *Values) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxCount {
			return fmt.Errorf("use a whole number from 1 to %d, such as %s", MaxCount, example)
		}
		*dst(v) = n
		return nil
	}
}

// duration sets a positive duration.
func duration(dst func(*Values) *time.Duration, example string) func(string, *Values) error {
	return func(s string, v *Values) error {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return fmt.Errorf("use a duration such as %s", example)
		}
		*dst(v) = d
		return nil
	}
}

// checkBenchtime accepts what -test.benchtime accepts: a positive
// duration, or an iteration count Nx.
func checkBenchtime(s string) error {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		if i, err := strconv.Atoi(n); err == nil && i > 0 {
			return nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return nil
	}
	return errors.New("use a duration such as 100ms, or an iteration count such as 1000x")
}

// CheckBenchPattern checks a -test.bench pattern as go test does: each
// /-separated element (a / inside brackets or parentheses does not
// separate) must be a regular expression.
func CheckBenchPattern(s string) error {
	for _, el := range runner.SplitPattern(s) {
		if _, err := regexp.Compile(el); err != nil {
			return fmt.Errorf("%w; use a regular expression per /-separated level, such as BenchmarkProduce or Read/size=1KiB", err)
		}
	}
	return nil
}

func compile(s string) (*regexp.Regexp, error) { return regexp.Compile(s) }

var toolchainName = regexp.MustCompile(`^go1(\.\d+){1,2}((rc|beta)\d+)?$`)

// toolchain sets a Go toolchain name such as go1.27.3.
func toolchain(dst func(*Values) *string) func(string, *Values) error {
	return func(s string, v *Values) error {
		if !toolchainName.MatchString(s) {
			return errors.New("use a Go toolchain name such as go1.27.3")
		}
		*dst(v) = s
		return nil
	}
}
