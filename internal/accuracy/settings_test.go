package accuracy

import (
	"slices"
	"testing"

	"github.com/benchgate/benchgate/internal/runner"
	"github.com/benchgate/benchgate/internal/settings"
)

// TestSettingsNameTheMethods: the settings (which cannot import this
// package) validate and document exactly these methods.
func TestSettingsNameTheMethods(t *testing.T) {
	if !slices.Equal(settings.AccuracyMethods, Methods) {
		t.Errorf("settings.AccuracyMethods %v, want %v", settings.AccuracyMethods, Methods)
	}
}

func TestConfigure(t *testing.T) {
	run := runner.Options{Count: 10, Time: "500x"}
	tests := []struct {
		load  string
		loads []string
	}{{"both", []string{LoadIdle, LoadBusy}}, {"idle", []string{LoadIdle}}, {"loaded", []string{LoadBusy}}}
	for _, tt := range tests {
		o := Configure(5, []string{MethodNaive}, tt.load, run, nil)
		if o.Reps != 5 || !slices.Equal(o.Methods, []string{MethodNaive}) || o.Count != 10 || o.Time != "500x" || !slices.Equal(o.Loads, tt.loads) {
			t.Errorf("Configure(load %s) = %+v", tt.load, o)
		}
	}
}
