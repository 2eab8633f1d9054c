package exit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/verdict"
)

// TestCode maps errors to exit statuses, also through joins and
// wrapping, and gives mage the status through ExitStatus.
func TestCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"pass", nil, 0},
		{"regression", ErrRegression, 1},
		{"missing", ErrMissing, 1},
		{"regression beside a failed benchmark", errors.Join(ErrRegression, errors.New("benchmarks failed")), 1},
		{"no verdict", ErrNoVerdict, 2},
		{"tool error", errors.New("git: reference not found"), 2},
		{"interrupted", context.Canceled, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Code(tt.err); got != tt.want {
				t.Errorf("Code = %d, want %d", got, tt.want)
			}
			err := Wrap(tt.err)
			if tt.err == nil {
				if err != nil {
					t.Errorf("Wrap(nil) = %v", err)
				}
				return
			}
			es, ok := err.(interface{ ExitStatus() int })
			if !ok || es.ExitStatus() != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("Wrap(%v) = %#v, want ExitStatus %d wrapping the error", tt.err, err, tt.want)
			}
		})
	}
}

// TestWith: an outcome decided elsewhere is the exit status, whatever
// the error wraps; nil stays nil.
func TestWith(t *testing.T) {
	if With(nil, verdict.Fail) != nil {
		t.Error("With(nil) is not nil")
	}
	err := With(errors.Join(ErrRegression, errors.New("a gap")), verdict.NoVerdict)
	if Code(err) != 2 || Code(Wrap(err)) != 2 || !errors.Is(err, ErrRegression) {
		t.Errorf("With(..., NoVerdict): Code %d, Wrap %d, want 2 wrapping the error", Code(err), Code(Wrap(err)))
	}
	if got := With(errors.New("bad\x1b[2Jname"), verdict.Fail).Error(); strings.Contains(got, "\x1b") {
		t.Errorf("Error() = %q, want it printable", got)
	}
}
