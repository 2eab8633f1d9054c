package targets

import "testing"

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

// TestEveryTargetRuns: each target has a name, a sentence and code.
func TestEveryTargetRuns(t *testing.T) {
	seen := map[string]bool{}
	for _, tg := range All {
		if tg.Name == "" || tg.Run == nil || len(tg.Synopsis) < 30 || seen[tg.Name] {
			t.Errorf("target %+v: a name, a synopsis and code, once each", tg.Name)
		}
		seen[tg.Name] = true
	}
}
