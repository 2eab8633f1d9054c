package workflow

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/settings"
	"github.com/benchgate/benchgate/internal/targets"
)

const root = "../.."

type step struct {
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Run  string            `yaml:"run"`
	Uses string            `yaml:"uses"`
	Env  map[string]string `yaml:"env"`
	With map[string]any    `yaml:"with"`
}

type job struct {
	Uses        string            `yaml:"uses"`
	With        map[string]any    `yaml:"with"`
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Strategy    struct {
		Matrix map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []step `yaml:"steps"`
}

type workflow struct {
	Permissions map[string]string `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	Jobs        map[string]job    `yaml:"jobs"`
}

// The reusable gate (every job) and this repository's caller of it.
const (
	gateFile   = ".github/workflows/gate.yml"
	callerFile = ".github/workflows/performance-regression.yml"
)

// loadCaller reads this repository's caller of the gate.
func loadCaller(t *testing.T) *workflow { return loadFile(t, callerFile) }

// load reads the reusable gate.
func load(t *testing.T) *workflow { return loadFile(t, gateFile) }

func loadFile(t *testing.T, file string) *workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	return &w
}

// mageTargets runs go tool mage -l in the repository and returns the
// targets with their descriptions.
func mageTargets(t *testing.T) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "tool", "mage", "-l")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool mage -l: %v\n%s", err, out)
	}
	targets := map[string]string{}
	for _, line := range strings.Split(string(out), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 0 {
			targets[f[0]] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), f[0]))
		}
	}
	return targets
}

// TestMageListsEveryTarget checks that go tool mage -l works on this
// checkout and gives every target a helpful line.
func TestMageListsEveryTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the magefiles")
	}
	targets := mageTargets(t)
	declared := benchTargets(t)
	if len(declared) < 10 {
		t.Fatalf("found only %d targets in bench/bench.go", len(declared))
	}
	for _, want := range declared {
		desc, ok := targets[want]
		if !ok {
			t.Errorf("go tool mage -l does not list %s", want)
			continue
		}
		if len(desc) < 30 || !strings.HasSuffix(desc, ".") {
			t.Errorf("%s: description %q is not a helpful sentence", want, desc)
		}
	}
}

// benchTargets derives the target names from the code: the methods of
// Bench in bench/bench.go and in this repository's magefiles (which add
// bench:accuracy), as mage names them (bench:saveBaseline).
func benchTargets(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, file := range []string{"bench/bench.go", "magefiles/accuracy.go"} {
		names = append(names, methodsOfBench(t, filepath.Join(root, file))...)
	}
	return names
}

// methodsOfBench are the targets of the Bench namespace in one file.
func methodsOfBench(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
			continue
		}
		if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "Bench" {
			n := fn.Name.Name
			names = append(names, "bench:"+strings.ToLower(n[:1])+n[1:])
		}
	}
	return names
}

// TestWorkflowCallsExistingTargets: every benchgate call is a target, and
// every job that calls benchgate installs it first at benchgate-version,
// with GOTOOLCHAIN=auto for that build only.
func TestWorkflowCallsExistingTargets(t *testing.T) {
	w := load(t)
	re := regexp.MustCompile(`(?m)(?:^|[\s;])benchgate ([A-Za-z]+)`)
	calls := 0
	for name, j := range w.Jobs {
		installed := false
		for _, s := range j.Steps {
			if strings.Contains(s.Run, `go install "github.com/benchgate/benchgate/cmd/benchgate@$VERSION"`) {
				installed = s.Env["VERSION"] == "${{ inputs.benchgate-version }}" && strings.Contains(s.Run, "GOTOOLCHAIN=auto GOBIN=")
			}
			for _, m := range re.FindAllStringSubmatch(s.Run, -1) {
				calls++
				if _, ok := targets.Find(m[1]); !ok {
					t.Errorf("job %s step %q calls benchgate %s, which is not a target", name, s.Name, m[1])
				}
				if !installed {
					t.Errorf("job %s step %q calls benchgate before installing it at benchgate-version", name, s.Name)
				}
			}
		}
	}
	if calls < 6 {
		t.Errorf("only %d benchgate calls found in the gate", calls)
	}
}

// envNames returns the variables benchgate reads: the settings table.
func envNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, s := range settings.Table {
		names[s.Name] = true
	}
	return names
}

func TestWorkflowSetsOnlyVariablesTheToolReads(t *testing.T) {
	w := load(t)
	known := envNames(t)
	check := func(where string, env map[string]string) {
		for k := range env {
			if (strings.HasPrefix(k, "BENCH_") || strings.HasSuffix(k, "_THRESHOLD") || strings.HasPrefix(k, "SLACK_")) && !known[k] {
				t.Errorf("%s sets %s, which benchgate does not read", where, k)
			}
		}
	}
	check("the workflow", w.Env)
	for name, j := range w.Jobs {
		check("job "+name, j.Env)
		for _, s := range j.Steps {
			check("job "+name+" step "+s.Name, s.Env)
		}
	}
}

// TestShardCountReachesTheMatrix: the shards input makes the benchmark
// matrix 1..N, each job runs its BENCH_SHARD of N, and the merge expects
// exactly N (BENCH_SHARDS); this repository's caller spreads the
// benchmarks over five.
func TestShardCountReachesTheMatrix(t *testing.T) {
	w := load(t)
	list := w.Jobs["shards"].Steps
	if len(list) != 1 || list[0].Env["N"] != "${{ inputs.shards }}" || !strings.Contains(list[0].Run, `seq -s, 1 "$N"`) {
		t.Errorf("the shards job does not list 1..inputs.shards: %+v", list)
	}
	if got := fmt.Sprint(w.Jobs["benchmark"].Strategy.Matrix["shard"]); got != "${{ fromJSON(needs.shards.outputs.list) }}" {
		t.Errorf("benchmark matrix shard = %s", got)
	}
	var shard, merge bool
	for _, s := range w.Jobs["benchmark"].Steps {
		shard = shard || s.Env["BENCH_SHARD"] == "${{ matrix.shard }}/${{ inputs.shards }}" && strings.Contains(s.Run, "benchgate regression") && strings.Contains(s.Run, "tool mage bench:regression")
	}
	for _, s := range w.Jobs["compare-and-report"].Steps {
		merge = merge || strings.Contains(s.Run, "BENCH_SHARDS=${{ inputs.shards }} benchgate merge")
	}
	if !shard || !merge {
		t.Errorf("the gate runs BENCH_SHARD of inputs.shards: %v; merges expecting that many: %v", shard, merge)
	}
	caller := loadCaller(t)
	with := caller.Jobs["gate"].With
	// This repository measures with its Mage targets: the suite table
	// (magefiles/suites.go) chooses the packages and their thresholds.
	if caller.Jobs["gate"].Uses != "./"+gateFile || fmt.Sprint(with["shards"]) != "5" || with["runner"] != "mage" || with["packages"] != nil {
		t.Errorf("the caller: uses %q with %v", caller.Jobs["gate"].Uses, with)
	}
}

func TestLeastPrivilege(t *testing.T) {
	w := load(t)
	if !reflect.DeepEqual(w.Permissions, map[string]string{"contents": "read"}) {
		t.Errorf("top-level permissions %v, want contents: read only", w.Permissions)
	}
	want := map[string]map[string]string{
		"compare-and-report":  {"contents": "read", "pull-requests": "write"},
		"alert-on-regression": {"contents": "read", "issues": "write"},
		"record-history":      {"contents": "write"},
		"trend":               {"contents": "read", "issues": "write"},
		"alert-culprit":       {"contents": "read", "issues": "write"},
	}
	for name, j := range w.Jobs {
		if exp, ok := want[name]; ok {
			if !reflect.DeepEqual(j.Permissions, exp) {
				t.Errorf("job %s permissions %v, want %v", name, j.Permissions, exp)
			}
			continue
		}
		for k, v := range j.Permissions {
			if v == "write" {
				t.Errorf("job %s has %s: write; only the commenting, alerting and history jobs may write", name, k)
			}
		}
	}
	for name, j := range w.Jobs {
		for _, s := range j.Steps {
			for k, v := range s.Env {
				if strings.Contains(v, "secrets.") && name == "benchmark" {
					t.Errorf("the benchmark job, which runs pull-request code, gets secret %s", k)
				}
			}
		}
	}
	for _, f := range []string{gateFile, callerFile} {
		b, _ := os.ReadFile(filepath.Join(root, f))
		if strings.Contains(string(b), "pull_request_target") {
			t.Errorf("%s uses pull_request_target", f)
		}
	}
	caller := loadCaller(t)
	if !reflect.DeepEqual(caller.Permissions, map[string]string{"contents": "read"}) {
		t.Errorf("the caller's top-level permissions %v, want contents: read only", caller.Permissions)
	}
	if got, want := caller.Jobs["gate"].Permissions, map[string]string{"contents": "write", "pull-requests": "write", "issues": "write"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the caller grants the gate %v, want %v (the union its jobs narrow)", got, want)
	}
	if v := caller.Jobs["gate"].With["benchgate-version"]; v != "${{ github.event.pull_request.base.sha || github.sha }}" {
		t.Errorf("the caller runs benchgate at %v: write-token jobs must run the base branch's", v)
	}
}

// TestPullRequestsCountInstructions: runs that do not choose gate on both
// time and counted instructions, and the benchmark job installs valgrind
// before it runs the gate whenever instructions are counted.
func TestPullRequestsCountInstructions(t *testing.T) {
	w := load(t)
	if m := w.Env["BENCH_MEASURE"]; m != "${{ inputs.measure }}" {
		t.Errorf("BENCH_MEASURE = %q, want the measure input", m)
	}
	if m := loadCaller(t).Jobs["gate"].With["measure"]; m != "${{ inputs.measure || 'both' }}" {
		t.Errorf("the caller's measure = %v, want both unless a manual run chooses", m)
	}
	steps := w.Jobs["benchmark"].Steps
	install, gate := -1, -1
	for i, s := range steps {
		if strings.Contains(s.Run, "apt-get install") && strings.Contains(s.Run, "valgrind") {
			install = i
		}
		if strings.Contains(s.Run, "benchgate regression") {
			gate = i
		}
	}
	if install < 0 || gate < 0 || install > gate {
		t.Errorf("the benchmark job must install valgrind (step %d) before the gate (step %d)", install, gate)
	}
}

// TestCountsAreKeptBetweenRuns: a counting benchmark job restores the
// earlier runs' instruction counts before the gate and saves them after
// it, also after a regression, per shard, where benchgate keeps them.
func TestCountsAreKeptBetweenRuns(t *testing.T) {
	restore, gate, save := -1, -1, -1
	var restoreKey, saveKey any
	for i, s := range load(t).Jobs["benchmark"].Steps {
		switch {
		case strings.HasPrefix(s.Uses, "actions/cache/restore@"):
			restore, restoreKey = i, s.With["key"]
			checkCountsStep(t, s)
		case strings.Contains(s.Run, "benchgate regression"):
			gate = i
		case strings.HasPrefix(s.Uses, "actions/cache/save@"):
			save, saveKey = i, s.With["key"]
			checkCountsStep(t, s)
			if !strings.Contains(s.If, "always()") {
				t.Errorf("the counts are saved only when the job passes (if: %q): a regression would lose them", s.If)
			}
		}
	}
	if restore < 0 || gate < 0 || save < 0 || !(restore < gate && gate < save) {
		t.Fatalf("steps: restore %d, gate %d, save %d; want restore, gate, save in that order", restore, gate, save)
	}
	if restoreKey != saveKey || !strings.Contains(fmt.Sprint(saveKey), "matrix.shard") {
		t.Errorf("keys %v and %v: want one key, per shard", restoreKey, saveKey)
	}
}

func checkCountsStep(t *testing.T, s step) {
	t.Helper()
	if p := fmt.Sprint(s.With["path"]); !strings.HasPrefix(p, "~/.cache/benchgate/scratch/") || !strings.HasSuffix(p, "/"+runner.CountsFile) {
		t.Errorf("%s caches %q, not benchgate's %s", s.Name, p, runner.CountsFile)
	}
	if !strings.Contains(s.If, "BENCH_MEASURE != 'time'") {
		t.Errorf("%s runs when time only is measured (if: %q)", s.Name, s.If)
	}
}

// TestPullRequestsMeasureWhatTheyAffect: a pull request's gate measures
// only the packages its change reaches; pushes and schedules everything.
func TestPullRequestsMeasureWhatTheyAffect(t *testing.T) {
	w := load(t)
	for _, s := range w.Jobs["benchmark"].Steps {
		if strings.Contains(s.Run, "benchgate regression") {
			if got, want := s.Env["BENCH_AFFECTED"], "${{ github.event_name == 'pull_request' && '1' || '0' }}"; got != want {
				t.Errorf("the gate's BENCH_AFFECTED = %q, want %q", got, want)
			}
			return
		}
	}
	t.Error("no bench:regression step in the benchmark job")
}

// TestCallerExample: the example caller in docs is a whole setup: every
// event the gate handles, read-only at the top, the gate granted the
// union of what its jobs narrow, benchgate pinned at the workflow's ref.
func TestCallerExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docs/examples/performance.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		On          map[string]any    `yaml:"on"`
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]job    `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{"pull_request", "push", "schedule", "workflow_dispatch"} {
		if _, ok := w.On[ev]; !ok {
			t.Errorf("the example does not run on %s", ev)
		}
	}
	if !reflect.DeepEqual(w.Permissions, map[string]string{"contents": "read"}) {
		t.Errorf("top-level permissions %v, want contents: read", w.Permissions)
	}
	perf := w.Jobs["perf"]
	ref, ok := strings.CutPrefix(perf.Uses, "benchgate/benchgate/"+gateFile+"@")
	if !ok || perf.With["benchgate-version"] != ref {
		t.Errorf("uses %q with benchgate-version %v: want the gate and benchgate at one ref", perf.Uses, perf.With["benchgate-version"])
	}
	if want := map[string]string{"contents": "write", "pull-requests": "write", "issues": "write"}; !reflect.DeepEqual(perf.Permissions, want) {
		t.Errorf("the example grants %v, want %v", perf.Permissions, want)
	}
	if n := strings.Count(string(b), "\n"); n > 20 {
		t.Errorf("the example is %d lines; a caller's whole setup should stay about 15", n)
	}
	gate, _ := os.ReadFile(filepath.Join(root, gateFile))
	for k := range perf.With {
		if !strings.Contains(string(gate), "\n      "+k+":\n") {
			t.Errorf("the example passes %s, which the gate has no input for", k)
		}
	}
}

// TestMeasuringJobRunsTheCallersTargets runs the measuring step's script
// (as gate.yml has it) in throwaway callers, with go and benchgate
// replaced by commands that note how they were called: a caller whose
// magefiles import benchgate's targets is measured with go tool mage
// bench:regression (its suite table: BENCH_PACKAGES unset), from the
// magefiles' own module when they have one; a caller without them with
// benchgate regression over its packages; runner overrides auto.
func TestMeasuringJobRunsTheCallersTargets(t *testing.T) {
	var script string
	for _, s := range load(t).Jobs["benchmark"].Steps {
		if strings.HasPrefix(s.Name, "Benchmark base and current") {
			script = s.Run
		}
	}
	if script == "" {
		t.Fatal("no measuring step")
	}
	bin := t.TempDir()
	for _, name := range []string{"go", "benchgate"} {
		fake := "#!/bin/sh\necho \"" + name + " $* BENCH_PACKAGES=${BENCH_PACKAGES-unset}\" >> \"$CALLS\"\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	imports := "//go:build mage\n\npackage main\n\nimport (\n\t//mage:import\n\t_ \"github.com/benchgate/benchgate/bench\"\n)\n"
	tests := []struct {
		name, runner string
		files        map[string]string
		want         string
		exit         int
	}{
		{"magefiles in the module", "auto", map[string]string{"go.mod": "module m\n", "magefiles/bench.go": imports}, "go tool mage bench:regression BENCH_PACKAGES=unset", 0},
		{"magefiles in their own module", "auto", map[string]string{"go.mod": "module m\n", "magefiles/go.mod": "module m/magefiles\n", "magefiles/bench.go": imports}, "go -C magefiles tool mage -w .. bench:regression BENCH_PACKAGES=unset", 0},
		{"magefiles of other targets", "auto", map[string]string{"go.mod": "module m\n", "magefiles/build.go": "//go:build mage\n\npackage main\n"}, "benchgate regression BENCH_PACKAGES=./...", 0},
		{"no magefiles", "auto", map[string]string{"go.mod": "module m\n"}, "benchgate regression BENCH_PACKAGES=./...", 0},
		{"benchgate asked for", "benchgate", map[string]string{"go.mod": "module m\n", "magefiles/bench.go": imports}, "benchgate regression BENCH_PACKAGES=./...", 0},
		{"a bad runner", "make", map[string]string{"go.mod": "module m\n"}, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.files {
				os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
				os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
			}
			calls := filepath.Join(t.TempDir(), "calls")
			cmd := exec.Command("bash", "-e", "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CALLS="+calls, "RUNNER="+tt.runner, "BENCH_PACKAGES=./...")
			out, err := cmd.CombinedOutput()
			code := 0
			if err != nil {
				code = cmd.ProcessState.ExitCode()
			}
			got, _ := os.ReadFile(calls)
			if code != tt.exit || strings.TrimSpace(string(got)) != tt.want {
				t.Errorf("exit %d, ran %q; want exit %d, %q\n%s", code, got, tt.exit, tt.want, out)
			}
		})
	}
}
