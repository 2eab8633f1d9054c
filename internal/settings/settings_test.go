package settings

import (
	"bytes"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/suite"
	"github.com/benchgate/benchgate/internal/verdict"
)

var update = flag.Bool("update", false, "rewrite README.md's settings table")

var suites = []suite.Suite{{Name: "storage"}, {Name: "kafka"}}

func env(kv ...string) LookupEnv {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// TestBadValues: every bad value is an error naming the variable, the
// value and a good example.
func TestBadValues(t *testing.T) {
	tests := []struct {
		name, value, example string
	}{
		{"BENCH_TIME", "abc", "100ms"},
		{"BENCH_TIME", "0s", "1000x"},
		{"BENCH_TIME", "-3x", "1000x"},
		{"BENCH_FILTER", "(", "BenchmarkProduce"},
		{"BENCH_FILTER", "Read/size=(", "Read/size=1KiB"},
		{"BENCH_COUNT", "0", "6"},
		{"BENCH_COUNT", "100000", "6"},
		{"BENCH_COUNT", "six", "6"},
		{"THROUGHPUT_THRESHOLD", "-5", "15"},
		{"LATENCY_THRESHOLD", "abc", "15"},
		{"MEMORY_THRESHOLD", "1000", "15"},
		{"BENCH_IMPROVEMENT_THRESHOLD", "0", "15"},
		{"BENCH_ALPHA", "1.5", "0.05"},
		{"BENCH_CORRECTION", "bonferroni", "holm"},
		{"BENCH_ALLOW_MISSING", "[", "^BenchmarkOld$"},
		{"BENCH_SUITES", "storage,nope", "storage, kafka"},
		{"BENCH_SENSITIVE", "yes", "1 (on)"},
		{"BENCH_CONFIRM", "on", "1 (on)"},
		{"BENCH_ADAPTIVE", "2", "1 (on)"},
		{"BENCH_BUDGET", "soon", "90s"},
		{"BENCH_DEADLINE", "-1m", "60m"},
		{"BENCH_CONFIRM_COUNT", "0", "6"},
		{"BENCH_OPEN", "please", "1 (on)"},
		{"BENCH_ALERT_STRICT", "yes", "1 (on)"},
		{"BENCH_ISSUE", "y", "1 (on)"},
		{"BENCH_PR", "#12", "42"},
		{"BENCH_CALIBRATE_TIMES", "100ms,fast", "100ms"},
		{"BENCH_ACCURACY_REPS", "0", "3"},
		{"BENCH_ACCURACY_METHODS", "benchgate,magic", "benchgate, benchgate-sensitive"},
		{"BENCH_BASE_GO", "1.27", "go1.27.3"},
		{"BENCH_PROFILE", "yes", "auto, 1 (on) or 0 (off)"},
		{"BENCH_CURRENT_GO", "go1.27.3; rm -rf /", "go1.27.3"},
		{"BENCH_HISTORY_DAYS", "0", "365"},
		{"BENCH_TREND_MIN_CHANGE", "none", "15"},
		{"BENCH_PACKAGES", "-toolexec=/tmp/x,./...", "./storage/..."},
		{"BENCH_MEASURE", "cpu", "time, instructions, cycles, both"},
		{"BENCH_COUNTER", "pmu", "auto, perf, cachegrind"},
		{"INSTRUCTIONS_THRESHOLD", "-1", "15"},
		{"BENCH_INSTRUCTIONS_COUNT", "0", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := Load(env(tt.name, tt.value), All, suites)
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range []string{tt.name, `"` + tt.value + `"`, tt.example} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// TestEveryErrorAtOnce: Load reports all bad values, not the first.
func TestEveryErrorAtOnce(t *testing.T) {
	_, err := Load(env("BENCH_TIME", "abc", "BENCH_ALPHA", "2", "BENCH_COUNT", "x"), All, suites)
	for _, want := range []string{"BENCH_TIME", "BENCH_ALPHA", "BENCH_COUNT"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

// TestTargetsReadOnlyTheirSettings: a bad run setting does not break a
// target that does not run benchmarks.
func TestTargetsReadOnlyTheirSettings(t *testing.T) {
	bad := env("BENCH_TIME", "abc", "BENCH_FILTER", "(", "SLACK_CHANNEL", "#perf")
	v, err := Load(bad, Alert, suites)
	if err != nil {
		t.Fatalf("bench:alert failed on settings it does not read: %v", err)
	}
	if v.Alert.Slack.Channel != "#perf" {
		t.Errorf("channel %q", v.Alert.Slack.Channel)
	}
	if _, err := Load(bad, Run, suites); err == nil {
		t.Error("bench:regression accepted BENCH_TIME=abc")
	}
}

func TestGoodValues(t *testing.T) {
	v, err := Load(env(
		"BENCH_SENSITIVE", "true", "LATENCY_THRESHOLD", " 7% ", "BENCH_ADAPTIVE", "0",
		"BENCH_TIME", "500x", "BENCH_COUNT", "10", "BENCH_FILTER", "Read/size=(1KiB|16KiB)",
		"BENCH_SUITES", "kafka", "BENCH_CORRECTION", "HOLM", "BENCH_DEADLINE", "5m",
		"BENCH_CONFIRM", "FALSE", "BENCH_ALLOW_MISSING", "^BenchmarkOld$",
		"GITHUB_EVENT_NAME", "push", "GITHUB_REF", "refs/heads/master",
		"GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "o/r", "GITHUB_RUN_ID", "7",
		"BENCH_ALERT_ALWAYS", "1",
	), All, suites)
	if err != nil {
		t.Fatal(err)
	}
	c := v.Config
	if want := (verdict.Thresholds{Throughput: 3, Latency: 7, Memory: 3, Improvement: 3, Instructions: 2, Cycles: 3}); c.Verdict.Thresholds != want {
		t.Errorf("thresholds %+v, want %+v: sensitive mode, then the explicit latency", c.Verdict.Thresholds, want)
	}
	if c.Adaptive || c.Confirm || c.Run.Time != "500x" || c.Run.Count != 10 || c.Verdict.Correction != verdict.CorrectionHolm || c.Deadline != 5*time.Minute {
		t.Errorf("config %+v", c)
	}
	if len(c.Suites) != 1 || c.Suites[0].Name != "kafka" || c.Verdict.AllowMissing != "^BenchmarkOld$" {
		t.Errorf("suites %v, allow missing %q", c.Suites, c.Verdict.AllowMissing)
	}
	if !v.Alert.GitHub.OpenIssue || v.Alert.Run.URL != "https://github.com/o/r/actions/runs/7" || !v.Alert.Always {
		t.Errorf("alert %+v: a push to master opens the issue, the run URL is built", v.Alert)
	}
}

func TestDefaults(t *testing.T) {
	v, err := Load(env(), All, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Config.Packages) != 1 || v.Config.Packages[0] != "./..." {
		t.Errorf("without a suite table the packages are %v, want ./...", v.Config.Packages)
	}
}

func TestSecretsAreNotPrinted(t *testing.T) {
	var b bytes.Buffer
	Describe(&b, env("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/secret"), All)
	if strings.Contains(b.String(), "secret") || !strings.Contains(b.String(), "SLACK_WEBHOOK_URL") {
		t.Errorf("Describe:\n%s", b.String())
	}
}

// TestDocTables: README.md's settings table (the gate's, not advanced)
// and docs/settings.md's (all) are the ones Markdown renders from the table;
// go test -update rewrites them.
func TestDocTables(t *testing.T) {
	const begin, end = "<!-- settings:begin -->\n", "<!-- settings:end -->"
	for _, doc := range []struct {
		path     string
		uses     Use
		advanced bool
	}{{"../../README.md", Run | Verdict, false}, {"../../docs/settings.md", All, true}} {
		b, err := os.ReadFile(doc.path)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i, j := strings.Index(s, begin), strings.Index(s, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no %q ... %q block", doc.path, begin, end)
		}
		var want bytes.Buffer
		Markdown(&want, doc.uses, doc.advanced)
		if *update {
			os.WriteFile(doc.path, []byte(s[:i+len(begin)]+want.String()+s[j:]), 0o644)
			continue
		}
		if got := s[i+len(begin) : j]; got != want.String() {
			t.Errorf("%s's settings table differs from the code; run go test ./internal/settings -update\ndoc:\n%s\ncode:\n%s", doc.path, got, want.String())
		}
	}
}

// TestUnknown warns of a BENCH_ or _THRESHOLD variable that is no
// setting, naming the closest one, and of nothing else.
func TestUnknown(t *testing.T) {
	got := Unknown([]string{"BENCH_COUNTT=10", "LATENCY_TRESHOLD=5", "BENCH_COUNT=6", "HOME=/root", "MEMORY_THRESHOLD=3", "BENCH_SENSITIV=1"})
	want := []string{
		"BENCH_COUNTT is not a setting and is ignored; did you mean BENCH_COUNT? (bench:env lists them all)",
		"LATENCY_TRESHOLD is not a setting and is ignored; did you mean LATENCY_THRESHOLD? (bench:env lists them all)",
		"BENCH_SENSITIV is not a setting and is ignored; did you mean BENCH_SENSITIVE? (bench:env lists them all)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Unknown:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDocumentedDefaultsAreTheCode: each setting whose documented
// Default is a value it accepts means, set to that value, exactly what
// leaving it unset means. Changing a default in the code (say
// runner.DefaultOptions' benchtime) without the table fails here, and
// the docs are rendered from the table.
func TestDocumentedDefaultsAreTheCode(t *testing.T) {
	unset, err := Load(env(), All, nil)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, s := range Table {
		set, err := Load(env(s.Name, s.Default), All, nil)
		if s.InWords || err != nil {
			continue // a Default in words: "the merge base with main"
		}
		checked++
		if !reflect.DeepEqual(set, unset) {
			t.Errorf("%s: the documented default %q is not what the code does unset", s.Name, s.Default)
		}
	}
	if checked < 20 {
		t.Errorf("only %d settings have a default that is a value", checked)
	}
}

// TestLoadIsOrderIndependent: the table's order changes nothing, even for
// a mode given with the settings it would set.
func TestLoadIsOrderIndependent(t *testing.T) {
	e := env("BENCH_SENSITIVE", "1", "LATENCY_THRESHOLD", "7", "BENCH_ADAPTIVE", "0", "BENCH_COUNT", "8")
	want, err := Load(e, All, nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := Table
	defer func() { Table = saved }()
	Table = slices.Clone(saved)
	slices.Reverse(Table)
	got, err := Load(e, All, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reversed table: %+v\nin order: %+v", got.Config, want.Config)
	}
	if want.Config.Verdict.Thresholds.Latency != 7 || want.Config.Verdict.Thresholds.Memory != 3 || want.Config.Adaptive {
		t.Errorf("sensitive with LATENCY_THRESHOLD=7 and BENCH_ADAPTIVE=0: %+v, adaptive %v", want.Config.Verdict.Thresholds, want.Config.Adaptive)
	}
}
