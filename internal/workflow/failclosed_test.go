package workflow

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// gate is the part of the workflow that decides runs and alerts.
type gate struct {
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress string `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Jobs map[string]struct {
		If      string            `yaml:"if"`
		Needs   any               `yaml:"needs"`
		Outputs map[string]string `yaml:"outputs"`
		Steps   []struct {
			Name string            `yaml:"name"`
			ID   string            `yaml:"id"`
			If   string            `yaml:"if"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func loadGate(t *testing.T) *gate { return loadGateFile(t, gateFile) }

func loadGateFile(t *testing.T, file string) *gate {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var g gate
	if err := yaml.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// TestConcurrencyPerCommit: a pull request keeps its newest run only; a
// push, schedule or dispatch run is grouped by its commit, so a newer push
// never replaces a pending run of an older commit.
func TestConcurrencyPerCommit(t *testing.T) {
	c := loadGateFile(t, callerFile).Concurrency
	for _, want := range []string{"github.event.pull_request.number", "github.sha"} {
		if !strings.Contains(c.Group, want) {
			t.Errorf("concurrency group %q does not use %s", c.Group, want)
		}
	}
	if strings.Contains(c.Group, "github.ref") {
		t.Errorf("concurrency group %q groups by ref: pushes to main would replace each other's pending runs", c.Group)
	}
	if c.CancelInProgress != "${{ github.event_name == 'pull_request' }}" {
		t.Errorf("cancel-in-progress %q, want it for pull requests only", c.CancelInProgress)
	}
}

// TestAlertsOnlyOnRegression: the merge's exit status (0, 1, 2) is the
// compare job's output; the alert job runs on 1 only; 2 fails the check
// with a no-verdict notice; the compare job runs when a shard failed.
func TestAlertsOnlyOnRegression(t *testing.T) {
	g := loadGate(t)
	cr := g.Jobs["compare-and-report"]
	if cr.If != "${{ !cancelled() }}" {
		t.Errorf("compare-and-report runs if %q; it must also run when a shard failed or timed out: ${{ !cancelled() }}", cr.If)
	}
	if got := cr.Outputs["verdict"]; got != "${{ steps.merge.outputs.exit }}" {
		t.Errorf("compare-and-report output verdict = %q, want the merge step's exit status", got)
	}
	var merge, noVerdict bool
	for _, s := range cr.Steps {
		if s.ID == "merge" {
			merge = strings.Contains(s.Run, "benchgate merge") && strings.Contains(s.Run, `echo "exit=$?" >> "$GITHUB_OUTPUT"`)
		}
		if strings.Contains(s.Run, "could not give a verdict") && strings.Contains(s.If, "steps.merge.outputs.exit != '1'") && strings.Contains(s.Run, "exit 1") {
			noVerdict = true
		}
	}
	if !merge {
		t.Error("the merge step does not record bench:merge's exit status")
	}
	if !noVerdict {
		t.Error("no step fails the check with a no-verdict notice when the merge exits 2")
	}
	alert := g.Jobs["alert-on-regression"].If
	if !strings.Contains(alert, "needs.compare-and-report.outputs.verdict == '1'") || strings.Contains(alert, "failure()") || strings.Contains(alert, "outcome") {
		t.Errorf("alert-on-regression runs if %q; want exit status 1 only", alert)
	}
}

// TestMageExitCodes runs real targets through go tool mage: no evidence
// is exit status 2, not 1 and never 0.
func TestMageExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the magefiles")
	}
	tests := []struct {
		name string
		env  []string
		args []string
		want int
	}{
		{"merge without shards", nil, []string{"bench:merge"}, 2},
		{"unknown suite", []string{"BENCH_SUITES=nope"}, []string{"bench:merge"}, 2},
		{"bad allowed-missing pattern", []string{"BENCH_ALLOW_MISSING=("}, []string{"bench:regression"}, 2},
	}
	// Bad settings: exit 2, the message names the variable, and nothing
	// was measured.
	for _, bad := range []struct{ kv, want string }{
		{"BENCH_TIME=abc", `BENCH_TIME="abc": use a duration such as 100ms`},
		{"BENCH_FILTER=(", `BENCH_FILTER="("`},
		{"LATENCY_THRESHOLD=-1", `LATENCY_THRESHOLD="-1": use a percentage`},
		{"BENCH_ALPHA=5", `BENCH_ALPHA="5": use a level between 0 and 1`},
		{"BENCH_CORRECTION=bonferroni", `BENCH_CORRECTION="bonferroni": use none, holm or bh`},
		{"BENCH_COUNT=100000", `BENCH_COUNT="100000": use a whole number from 1 to 1000`},
		{"BENCH_CONFIRM=yes", `BENCH_CONFIRM="yes": use 1 (on) or 0 (off)`},
	} {
		tests = append(tests, struct {
			name string
			env  []string
			args []string
			want int
		}{bad.kv, []string{bad.kv, "WANT=" + bad.want}, []string{"bench:regression"}, 2})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command("go", append([]string{"tool", "mage"}, tt.args...)...)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), append([]string{"BENCH_RESULTS_DIR=" + dir, "BENCH_SHARDS_DIR=" + filepath.Join(dir, "shards")}, tt.env...)...)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.want {
				t.Errorf("go tool mage %s: %v, want exit status %d\n%s", strings.Join(tt.args, " "), err, tt.want, out)
			}
			for _, kv := range tt.env {
				if want, ok := strings.CutPrefix(kv, "WANT="); ok && !strings.Contains(string(out), want) {
					t.Errorf("output does not say %q:\n%s", want, out)
				}
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 && tt.args[0] == "bench:regression" {
				t.Errorf("a bad setting still wrote results: %v\n%s", entries, out)
			}
		})
	}
}

// TestSupplyChain: every action is pinned to a full commit SHA with its
// tag in a comment, no checkout leaves the token in .git/config, and no
// job holding a write token restores a cache.
func TestSupplyChain(t *testing.T) {
	pinned := regexp.MustCompile(`^\s*(-\s+)?uses:\s+([\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*|\./\.github/workflows/[\w.-]+\.yml)\s*$`)
	uses := 0
	for _, f := range []string{gateFile, callerFile} {
		raw, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			if strings.Contains(line, "uses:") {
				uses++
				if !pinned.MatchString(line) {
					t.Errorf("%s line %d: %q is not pinned to a commit SHA with its tag in a comment", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
	if uses < 8 {
		t.Errorf("only %d uses: lines found", uses)
	}
	w := load(t)
	for name, j := range w.Jobs {
		writes := false
		for _, v := range j.Permissions {
			writes = writes || v == "write"
		}
		for _, s := range j.Steps {
			if strings.HasPrefix(s.Uses, "actions/checkout@") && fmt.Sprint(s.With["persist-credentials"]) != "false" {
				t.Errorf("job %s: checkout without persist-credentials: false", name)
			}
			if strings.HasPrefix(s.Uses, "actions/setup-go@") && writes && fmt.Sprint(s.With["cache"]) != "false" {
				t.Errorf("job %s holds a write token and restores the Go cache", name)
			}
			if strings.HasPrefix(s.Uses, "actions/cache") && writes {
				t.Errorf("job %s holds a write token and restores a cache", name)
			}
		}
	}
}

// TestHistoryJobs: only a push to main records (with the only contents:
// write), retrying a rejected push; the weekly run finds change points.
func TestHistoryJobs(t *testing.T) {
	g := loadGate(t)
	rec, ok := g.Jobs["record-history"]
	if !ok {
		t.Fatal("no record-history job")
	}
	if !strings.Contains(rec.If, "github.event_name == 'push'") || !strings.Contains(rec.If, "refs/heads/main") || strings.Contains(rec.If, "pull_request") {
		t.Errorf("record-history runs if %q; want pushes to main only", rec.If)
	}
	var records, retries bool
	for _, s := range rec.Steps {
		records = records || strings.Contains(s.Run, "benchgate record")
		retries = retries || (strings.Contains(s.Run, "for attempt") && strings.Contains(s.Run, "git push"))
	}
	if !records || !retries {
		t.Errorf("record-history: records %v, retries the push %v", records, retries)
	}
	tr, ok := g.Jobs["trend"]
	if !ok || !strings.Contains(tr.If, "schedule") {
		t.Fatalf("no weekly trend job: %q", tr.If)
	}
	found := false
	for _, s := range tr.Steps {
		found = found || strings.Contains(s.Run, "benchgate trend")
	}
	if !found {
		t.Error("the trend job does not run bench:trend")
	}
}

// TestBisectionJobs: a weekly regression or a worsening change point
// bisects, in a job without a write token; the job after it, which may
// write issues, runs the same bisection again on its finished steps to
// name the culprit in the regression issue and Slack, after the issue
// was opened.
func TestBisectionJobs(t *testing.T) {
	g := loadGate(t)
	b, ok := g.Jobs["bisect"]
	if !ok {
		t.Fatal("no bisect job")
	}
	for _, want := range []string{"github.event_name == 'schedule'", "needs.compare-and-report.outputs.verdict == '1'", "needs.trend.outputs.verdict == '1'", "!cancelled()"} {
		if !strings.Contains(b.If, want) {
			t.Errorf("bisect runs if %q; it lacks %s", b.If, want)
		}
	}
	if strings.Contains(b.If, "pull_request") {
		t.Errorf("bisect runs on pull requests: %q", b.If)
	}
	if got := g.Jobs["trend"].Outputs["verdict"]; got != "${{ steps.trend.outputs.exit }}" {
		t.Errorf("trend's verdict output is %q, want its exit status", got)
	}
	if got := g.Jobs["compare-and-report"].Outputs["verdict"]; got != "${{ steps.merge.outputs.exit }}" {
		t.Errorf("compare-and-report's verdict output is %q", got)
	}
	runs := func(job string) (bool, map[string]string) {
		for _, s := range g.Jobs[job].Steps {
			if strings.TrimSpace(s.Run) == "benchgate bisect" {
				return true, s.Env
			}
		}
		return false, nil
	}
	if ok, env := runs("bisect"); !ok || len(env) > 0 {
		t.Errorf("the bisect job runs benchgate bisect: %v, with env %v (want none: no token where benchmarks run)", ok, env)
	}
	a := g.Jobs["alert-culprit"]
	ok, env := runs("alert-culprit")
	if !ok || env["GITHUB_TOKEN"] != "${{ secrets.GITHUB_TOKEN }}" || env["SLACK_WEBHOOK_URL"] == "" {
		t.Errorf("alert-culprit runs benchgate bisect: %v, with env %v; want GITHUB_TOKEN and SLACK_WEBHOOK_URL", ok, env)
	}
	if fmt.Sprint(a.Needs) != "[bisect alert-on-regression]" || !strings.Contains(a.If, "needs.bisect.result == 'success'") {
		t.Errorf("alert-culprit needs %v if %q; want it after the bisection and the regression issue", a.Needs, a.If)
	}
	downloads := 0
	for _, s := range a.Steps {
		if strings.Contains(s.Name, "bisection") || strings.Contains(s.Name, "answers") {
			downloads++
		}
	}
	if downloads != 2 {
		t.Errorf("alert-culprit downloads %d of the bisection's and the report's artifacts, want both", downloads)
	}
}

// TestDatabaseSecret: the optional database-url secret reaches the
// record and trend jobs as BENCH_DATABASE_URL, and no other job.
func TestDatabaseSecret(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, gateFile))
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		On struct {
			WorkflowCall struct {
				Secrets map[string]struct {
					Required bool `yaml:"required"`
				} `yaml:"secrets"`
			} `yaml:"workflow_call"`
		} `yaml:"on"`
	}
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	if s, ok := w.On.WorkflowCall.Secrets["database-url"]; !ok || s.Required {
		t.Errorf("gate.yml's database-url secret: declared %v, required %v; want an optional one", ok, s.Required)
	}
	g := loadGate(t)
	for name, j := range g.Jobs {
		got := false
		for _, s := range j.Steps {
			if v, ok := s.Env["BENCH_DATABASE_URL"]; ok {
				got = v == "${{ secrets.database-url }}" && (strings.Contains(s.Run, "benchgate record") || strings.Contains(s.Run, "benchgate trend"))
				if !got {
					t.Errorf("job %s step %q gets BENCH_DATABASE_URL=%s", name, s.Name, v)
				}
			}
		}
		if want := name == "record-history" || name == "trend"; got != want {
			t.Errorf("job %s gets the database URL: %v, want %v", name, got, want)
		}
	}
}
