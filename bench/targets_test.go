package bench_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/targets"
)

// TestTargetsAreTheCommands: every target of the benchgate command is a
// Mage target whose doc line (what mage -l shows) is the target's
// synopsis, and each Mage method calls that target's code: one
// definition of each target, so the two cannot drift apart.
func TestTargetsAreTheCommands(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "bench.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
			methods[strings.ToLower(fn.Name.Name)] = fn
		}
	}
	for _, tg := range targets.All {
		fn := methods[strings.ToLower(tg.Name)]
		if fn == nil {
			t.Errorf("target %s has no Mage method", tg.Name)
			continue
		}
		if doc, _, _ := strings.Cut(fn.Doc.Text(), "\n"); doc != tg.Synopsis {
			t.Errorf("bench:%s's doc line\n\t%s\nis not the target's synopsis\n\t%s", tg.Name, doc, tg.Synopsis)
		}
		calls := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "targets" && sel.Sel.Name == fn.Name.Name {
					calls = true
				}
			}
			return true
		})
		if !calls {
			t.Errorf("bench:%s does not call targets.%s", tg.Name, fn.Name.Name)
		}
	}
}

// TestNamespaceLeavesTheHarnessOut: a repository that imports the
// namespace compiles none of benchgate's own study (bench:accuracy, its
// generated subjects and fixture), which lives in this repository's
// magefiles.
func TestNamespaceLeavesTheHarnessOut(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, harness := range []string{"/internal/accuracy", "/internal/fixture", "/internal/benchgen", "/internal/testrepo"} {
			if strings.HasSuffix(pkg, harness) {
				t.Errorf("the bench namespace depends on %s", pkg)
			}
		}
	}
}
