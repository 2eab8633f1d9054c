package workflow

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/benchgate/benchgate/internal/settings"
)

const root = "../.."

type step struct {
	Name string            `yaml:"name"`
	Run  string            `yaml:"run"`
	Uses string            `yaml:"uses"`
	Env  map[string]string `yaml:"env"`
	With map[string]any    `yaml:"with"`
}

type job struct {
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

func load(t *testing.T) *workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".github/workflows/performance-regression.yml"))
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

func TestWorkflowCallsExistingTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the magefiles")
	}
	w := load(t)
	targets := mageTargets(t)
	re := regexp.MustCompile(`go tool mage ([A-Za-z:]+)`)
	calls := 0
	for name, j := range w.Jobs {
		for _, s := range j.Steps {
			for _, m := range re.FindAllStringSubmatch(s.Run, -1) {
				calls++
				if _, ok := targets[m[1]]; !ok {
					t.Errorf("job %s step %q calls %s, which go tool mage -l does not list", name, s.Name, m[1])
				}
			}
		}
	}
	if calls < 4 {
		t.Errorf("only %d mage calls found in the workflow", calls)
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

// suiteNames returns the Name fields of the suite table in magefiles.
func suiteNames(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, "magefiles/suites.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		if kv, ok := n.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Name" {
				if lit, ok := kv.Value.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					names = append(names, s)
				}
			}
		}
		return true
	})
	return names
}

func TestMatrixIsTheSuiteTable(t *testing.T) {
	w := load(t)
	raw, ok := w.Jobs["benchmark"].Strategy.Matrix["suite"].([]any)
	if !ok {
		t.Fatal("the benchmark job has no suite matrix")
	}
	var matrix []string
	for _, s := range raw {
		matrix = append(matrix, s.(string))
	}
	want := suiteNames(t)
	slices.Sort(matrix)
	slices.Sort(want)
	if !reflect.DeepEqual(matrix, want) || len(want) == 0 {
		t.Errorf("matrix %v, suites in magefiles %v", matrix, want)
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
	b, _ := os.ReadFile(filepath.Join(root, ".github/workflows/performance-regression.yml"))
	if strings.Contains(string(b), "pull_request_target") {
		t.Errorf("the workflow uses pull_request_target")
	}
}

// TestPullRequestsCountInstructions: runs that do not choose gate on both
// time and counted instructions, and the benchmark job installs valgrind
// before it runs the gate whenever instructions are counted.
func TestPullRequestsCountInstructions(t *testing.T) {
	w := load(t)
	if m := w.Env["BENCH_MEASURE"]; m != "${{ inputs.measure || 'both' }}" {
		t.Errorf("BENCH_MEASURE = %q, want both unless a manual run chooses", m)
	}
	steps := w.Jobs["benchmark"].Steps
	install, gate := -1, -1
	for i, s := range steps {
		if strings.Contains(s.Run, "apt-get install") && strings.Contains(s.Run, "valgrind") {
			install = i
		}
		if strings.Contains(s.Run, "bench:regression") {
			gate = i
		}
	}
	if install < 0 || gate < 0 || install > gate {
		t.Errorf("the benchmark job must install valgrind (step %d) before the gate (step %d)", install, gate)
	}
}

// TestPullRequestsMeasureWhatTheyAffect: a pull request's gate measures
// only the packages its change reaches; pushes and schedules everything.
func TestPullRequestsMeasureWhatTheyAffect(t *testing.T) {
	w := load(t)
	for _, s := range w.Jobs["benchmark"].Steps {
		if strings.Contains(s.Run, "bench:regression") {
			if got, want := s.Env["BENCH_AFFECTED"], "${{ github.event_name == 'pull_request' && '1' || '0' }}"; got != want {
				t.Errorf("the gate's BENCH_AFFECTED = %q, want %q", got, want)
			}
			return
		}
	}
	t.Error("no bench:regression step in the benchmark job")
}
