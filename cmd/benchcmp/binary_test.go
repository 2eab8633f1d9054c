package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinaryExitCodes builds the real binary and checks the exit status a
// CI script sees: 0 no regression, 1 regression, 2 usage or input error.
func TestBinaryExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "benchcmp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tests := []struct {
		args   []string
		code   int
		output string
	}{
		{[]string{"-baseline=testdata/improvement/base.txt", "-current=testdata/improvement/current.txt"}, 0, "No performance regressions detected."},
		{[]string{"-baseline=testdata/regression/base.txt", "-current=testdata/regression/current.txt"}, 1, "Performance regressions detected!"},
		{[]string{"-baseline=testdata/regression/base.txt", "-current=testdata/regression/current.txt", "-latency-threshold=60"}, 0, "No performance regressions detected."},
		{[]string{"-baseline=testdata/regression/base.txt", "-current=testdata/regression/current.txt", "-json"}, 1, `"regressed_rows": 1`},
		{[]string{"-baseline=testdata/regression/base.txt"}, 2, "both -baseline and -current are required"},
		{[]string{"-baseline=nope.txt", "-current=nope.txt"}, 2, "no such file"},
		{[]string{"-h"}, 0, "exit status: 0 no regression, 1 regression or a benchmark missing from -current, 2 usage or input error"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, err := exec.Command(bin, tt.args...).CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, out)
			}
			if !strings.Contains(string(out), tt.output) {
				t.Errorf("output lacks %q:\n%s", tt.output, out)
			}
		})
	}
}
