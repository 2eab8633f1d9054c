package flow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/atomicfile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// StatusFile is written by Regression next to its results, so that
// Merge can tell a shard that passed, regressed or failed from one that
// died before comparing (killed, timed out, out of memory).
const StatusFile = "status.json"

// A State is how a run stands in its status file.
type State string

// The states.
const (
	StateRunning   State = "running" // written at the start: still there, the run died
	StateOK        State = "ok"
	StateRegressed State = "regressed"
	StateError     State = "error"
)

// A RunStatus is the content of status.json.
type RunStatus struct {
	// Suites are the suites the run measured ("custom" for
	// BENCH_PACKAGES).
	Suites []string `json:"suites"`
	// State is running, ok, regressed or error.
	State State `json:"state"`
	// Exit is the exit status the run ended with (0, 1 or 2).
	Exit int `json:"exit"`
	// Error is the run's error, if any.
	Error string `json:"error,omitempty"`
	// Compared is set when this run wrote the comparison.json beside it.
	Compared bool `json:"compared,omitempty"`
	// Shard is the shard the run measured ("2/4"; BENCH_SHARD), "" for
	// all of the suites' packages.
	Shard string `json:"shard,omitempty"`
}

// suiteNames names the suites the run measures.
func (c *Config) suiteNames() []string {
	rs, _ := c.suites()
	names := make([]string, len(rs))
	for i, s := range rs {
		names[i] = s.Name
	}
	return names
}

// startStatus writes status.json saying the run is under way, and removes
// the comparison a previous run left, so that nothing stale can pass for
// this run's result.
func (c *Config) startStatus() error {
	if err := c.writeStatus(RunStatus{Suites: c.suiteNames(), State: StateRunning, Shard: c.Shard.String()}); err != nil {
		return fmt.Errorf("%w: check that BENCH_RESULTS_DIR is writable", err)
	}
	if err := os.Remove(c.path(ComparisonFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the previous comparison: %w", err)
	}
	return nil
}

// endStatus records how the run ended.
func (c *Config) endStatus(err error) {
	st := RunStatus{Suites: c.suiteNames(), State: StateOK, Exit: ExitCode(err), Shard: c.Shard.String()}
	switch st.Exit {
	case int(verdict.Fail):
		st.State = StateRegressed
	case int(verdict.NoVerdict):
		st.State = StateError
	}
	if err != nil {
		st.Error = err.Error()
	}
	_, statErr := os.Stat(c.path(ComparisonFile))
	st.Compared = statErr == nil
	if werr := c.writeStatus(st); werr != nil {
		fmt.Fprintf(c.Stderr, "warning: %v\n", werr)
	}
}

func (c *Config) writeStatus(st RunStatus) error {
	return atomicfile.Write(c.path(StatusFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
}

// readStatus reads a status file.
func readStatus(path string) (RunStatus, error) {
	var st RunStatus
	b, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("reading %s: %w", path, err)
	}
	return st, nil
}
