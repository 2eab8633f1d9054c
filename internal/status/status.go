// Package status is status.json, the record a gate run leaves beside its
// results: written when the run starts and when it ends, so that a merge
// can tell a shard that passed, regressed or failed from one that died
// before comparing (killed, timed out, out of memory). It also collects
// the shards' records into the comparisons to merge and the gaps.
package status

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/benchgate/benchgate/internal/atomicfile"
)

// File is the status file's name, beside the run's results.
const File = "status.json"

// A State is how a run stands in its status file.
type State string

// The states.
const (
	Running   State = "running" // written at the start: still there, the run died
	OK        State = "ok"
	Regressed State = "regressed"
	Error     State = "error"
)

// A Status is the content of status.json.
type Status struct {
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

// StateOf is the state a run that ended with exit status code is in.
func StateOf(code int) State {
	switch code {
	case 0:
		return OK
	case 1:
		return Regressed
	}
	return Error
}

// Write writes st to path, atomically.
func Write(path string, st Status) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
}

// Read reads a status file.
func Read(path string) (Status, error) {
	var st Status
	b, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("reading %s: %w", path, err)
	}
	return st, nil
}
