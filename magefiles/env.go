//go:build mage

package main

import (
	"os"

	"github.com/benchgate/benchgate/internal/gate"
	"github.com/benchgate/benchgate/internal/settings"
)

// load reads the settings a target uses from the environment; every bad
// value is an error (exit status 2) before anything runs.
func load(uses settings.Use) (*settings.Values, error) {
	v, err := settings.Load(settings.Environ, uses, suites)
	if err != nil {
		return nil, gate.Exit(err)
	}
	v.Accuracy.Progress = os.Stderr
	return v, nil
}
