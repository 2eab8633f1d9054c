package targets

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	for in, want := range map[string]string{
		"regression": "regression", "Regression": "regression", "bench:regression": "regression",
		"saveBaseline": "saveBaseline", "savebaseline": "saveBaseline", "save-baseline": "saveBaseline", "bench:saveBaseline": "saveBaseline",
		"env": "env",
	} {
		if got, ok := Find(in); !ok || got.Name != want {
			t.Errorf("Find(%q) = %q, %v; want %q", in, got.Name, ok, want)
		}
	}
	for _, in := range []string{"", "regresion", "accuracy", "bench:"} {
		if got, ok := Find(in); ok {
			t.Errorf("Find(%q) = %q, want none", in, got.Name)
		}
	}
}

// TestEveryTargetRuns: each target has a name, a sentence and code, and
// its code calls its own flow.
func TestEveryTargetRuns(t *testing.T) {
	seen := map[string]bool{}
	for _, tg := range All {
		if tg.Name == "" || tg.Run == nil || len(tg.Synopsis) < 30 || seen[tg.Name] {
			t.Errorf("target %+v: a name, a synopsis and code, once each", tg.Name)
		}
		seen[tg.Name] = true
	}
	// Each target's function calls its own flow, and only that flow: a
	// target wired to another target's flow fails here (targets.go read
	// as Go).
	flows := map[string]string{
		"Regression": "flow.Regression", "SaveBaseline": "flow.SaveBaseline", "Quick": "flow.Quick", "Report": "flow.Report",
		"Alert": "flow.Alert", "Merge": "flow.Merge", "Calibrate": "flow.Calibrate", "Profile": "flow.Regression",
		"Record": "historyflow.Record", "Backfill": "historyflow.Backfill", "Trend": "historyflow.Trend",
		"Export": "historyflow.Export", "Bisect": "bisectflow.Bisect", "Env": "settings.Load",
	}
	f, err := parser.ParseFile(token.NewFileSet(), "targets.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string][]string{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
					if x, ok := sel.X.(*ast.Ident); ok && strings.HasSuffix(x.Name, "flow") && sel.Sel.Name != "Exit" || ok && x.Name == "settings" && sel.Sel.Name == "Load" {
						calls[fn.Name.Name] = append(calls[fn.Name.Name], x.Name+"."+sel.Sel.Name)
					}
				}
			}
			return true
		})
	}
	for _, tg := range All {
		fn := runtime.FuncForPC(reflect.ValueOf(tg.Run).Pointer()).Name()
		fn = fn[strings.LastIndex(fn, ".")+1:]
		want := flows[fn]
		if want == "" || !strings.EqualFold(fn, tg.Name) {
			t.Errorf("target %s runs %s, which is not its own function", tg.Name, fn)
			continue
		}
		if got := calls[fn]; len(got) != 1 || got[0] != want {
			if fn == "Env" && len(got) == 0 {
				continue // Env loads through Load
			}
			t.Errorf("target %s calls %v, want %s alone", tg.Name, got, want)
		}
	}
}
