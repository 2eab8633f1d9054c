package workflow

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/settings"
)

var (
	settingName = regexp.MustCompile(`\b(BENCH_[A-Z_]+|(THROUGHPUT|LATENCY|MEMORY)_THRESHOLD)\b`)
	targetName  = regexp.MustCompile(`\bbench:[a-zA-Z]+\b`)
	envName     = regexp.MustCompile(`\b(BENCH|SLACK|GITHUB)_[A-Z_]+\b|_THRESHOLD\b`)
)

// upperLayers may name settings and targets in what they print: the
// targets, the commands and the flows they call. Every other package
// speaks in plain words and is told the names when it needs them.
var upperLayers = []string{"bench", "cmd", "magefiles", "internal/bisectflow", "internal/flow", "internal/historyflow", "internal/settings", "internal/targets", "internal/workflow"}

// TestMessagesNameRealSettingsAndTargets: every setting and target that a
// string in the code names exists, and the lower layers name none.
func TestMessagesNameRealSettingsAndTargets(t *testing.T) {
	var known []string
	for _, s := range settings.Table {
		known = append(known, s.Name)
	}
	targets := benchTargets(t)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "benchmarks" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		upper := slices.ContainsFunc(upperLayers, func(p string) bool { return rel == p || strings.HasPrefix(rel, p+"/") })
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			checked++
			if !upper {
				if m := envName.FindString(s); m != "" {
					t.Errorf("%s: %q names %s: pass it in from the flow", rel, s, m)
				}
				if m := targetName.FindString(s); m != "" {
					t.Errorf("%s: %q names the target %s: pass it in from the flow", rel, s, m)
				}
				return true
			}
			for _, m := range settingName.FindAllString(s, -1) {
				if !slices.Contains(known, m) {
					t.Errorf("%s: %q names %s, which is not in settings.Table", rel, s, m)
				}
			}
			for _, m := range targetName.FindAllString(s, -1) {
				if !slices.Contains(targets, m) {
					t.Errorf("%s: %q names %s, which is not a target", rel, s, m)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 1000 {
		t.Fatalf("checked only %d strings", checked)
	}
}
