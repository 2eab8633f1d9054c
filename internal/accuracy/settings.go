package accuracy

import (
	"io"

	"github.com/benchgate/benchgate/internal/runner"
)

// Configure returns the options of a study with reps repetitions of
// methods (nil: the default ones) in the machine states load names
// (LoadIdle, LoadBusy, or "both"), at benchgate's run settings, with a
// progress line per run to progress.
func Configure(reps int, methods []string, load string, run runner.Options, progress io.Writer) Options {
	opts := DefaultOptions
	opts.Reps, opts.Methods, opts.Progress = reps, methods, progress
	opts.Count, opts.Time = run.Count, run.Time
	if load == LoadIdle || load == LoadBusy {
		opts.Loads = []string{load}
	}
	return opts
}
