package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/targets"
)

// TestRun: help, a bad or missing target and the name forms Mage accepts.
func TestRun(t *testing.T) {
	tests := []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"help"}, 0, "usage: benchgate <target>", ""},
		{[]string{"-h"}, 0, "regression", ""},
		{nil, 2, "", "usage: benchgate <target>"},
		{[]string{"regression", "extra"}, 2, "", "usage: benchgate <target>"},
		{[]string{"regresion"}, 2, "", `no target "regresion": use one of regression, saveBaseline`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errOut); code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, &out, &errOut)
			}
			if !strings.Contains(out.String(), tt.out) || !strings.Contains(errOut.String(), tt.errOut) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", &out, tt.out, &errOut, tt.errOut)
			}
		})
	}
}

// TestHelpListsEveryTarget: help shows each target with what it does.
func TestHelpListsEveryTarget(t *testing.T) {
	var out bytes.Buffer
	run(context.Background(), []string{"help"}, &out, &out)
	for _, tg := range targets.All {
		_, what, _ := strings.Cut(tg.Synopsis, " ")
		if !strings.Contains(out.String(), tg.Name+" ") || !strings.Contains(out.String(), what) {
			t.Errorf("help lacks %s: %s\n%s", tg.Name, what, &out)
		}
	}
}

// TestBadSettingIsExit2: a target runs with the settings' checks, so a
// bad value stops it with exit status 2 before anything is measured.
func TestBadSettingIsExit2(t *testing.T) {
	t.Setenv("BENCH_COUNT", "many")
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"regression"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "BENCH_COUNT") {
		t.Errorf("exit %d, want 2 naming BENCH_COUNT\n%s", code, &errOut)
	}
}
