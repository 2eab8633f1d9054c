//go:build mage

package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/benchgate/benchgate/internal/accuracy"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/settings"
	"github.com/benchgate/benchgate/internal/targets"
)

// Bench here adds bench:accuracy, this repository's own study of benchgate:
// not part of the bench namespace other repositories import.
type Bench mg.Namespace

// Accuracy measures false alarms, detection and time of benchgate against the naive and benchstat methods on a generated repository.
//
// Writes benchmark_results/accuracy.txt. BENCH_ACCURACY_REPS (default 3)
// and BENCH_ACCURACY_METHODS select repetitions and methods; it takes
// several minutes per repetition.
func (Bench) Accuracy(ctx context.Context) error {
	v, err := targets.Load(settings.Run|settings.Accuracy, suites)
	if err != nil {
		return err
	}
	rep, err := accuracy.Run(ctx, accuracy.Configure(v.Accuracy.Reps, v.Accuracy.Methods, v.Accuracy.Load, v.Config.Run, os.Stderr))
	if err != nil {
		return exit.Wrap(err)
	}
	rep.Print(os.Stdout)
	return exit.Wrap(rep.WriteFile(filepath.Join(v.Config.ResultsDir, "accuracy.txt")))
}
