package flow

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
)

// notMeasuring are the settings, of Config and of its Run, that cannot
// change what a run measures or how it is judged: where files go, what
// is printed, what is done after the numbers, how long a run may take,
// whether kept counts are reused, and the run's own machinery (the
// flows fill Run's hooks and counter from the settings that are keyed).
// Every other setting is in MeasuringKey, a new one too: work measured
// with other settings is measured again rather than trusted.
var notMeasuring = []string{
	"Dir", "ResultsDir", "Base", "Shards", "Annotate", "Profile",
	"MainBranches", "StepSummary", "Stdout", "Stderr", "TempDir",
	"Deadline", "Stats", "Recount",
	"Run.Date", "Run.Adaptive", "Run.Confirm", "Run.Profile", "Run.Counter", "Run.Recount",
}

// measuringEnv are the variables that change what the measured programs
// do (the runtime's) and so are in MeasuringKey.
var measuringEnv = []string{"GOGC", "GOMEMLIMIT", "GODEBUG", "GOMAXPROCS", "GOAMD64", "GOEXPERIMENT"}

// MeasuringKey is a hash of every setting that can change what a run
// measures or how it is judged: c, less the settings notMeasuring lists,
// and the runtime's environment (measuringEnv). The commits measured are
// the caller's to add. A bisection's steps are reused only under the
// same key.
func (c Config) MeasuringKey() string {
	v := reflect.ValueOf(&c).Elem()
	for _, name := range notMeasuring {
		f := v
		for _, part := range splitPath(name) {
			f = f.FieldByName(part)
		}
		f.Set(reflect.Zero(f.Type()))
	}
	env := make([]string, len(measuringEnv))
	for i, name := range measuringEnv {
		env[i] = name + "=" + os.Getenv(name)
	}
	b, err := json.Marshal(struct {
		Config Config
		Env    []string
	}{c, env})
	if err != nil {
		// TestMeasuringKey sets every field: only a setting added
		// without a JSON form (a func) gets here.
		panic(fmt.Sprintf("flow: a setting has no JSON form: %v: list it in notMeasuring or give it one", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// splitPath splits a setting's name in notMeasuring ("Run.Date") into
// the names of its fields.
func splitPath(name string) []string { return strings.Split(name, ".") }
