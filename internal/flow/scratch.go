package flow

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/benchgate/benchgate/internal/lock"
)

const (
	scratchPrefix = "benchgate-"
	scratchLock   = ".lock"
	// orphanAge is how old a scratch directory without a lock file (its
	// run died before taking the lock) must be before it is removed.
	orphanAge = time.Hour
)

// scratchRoot is where scratch directories go by default: benchgate's
// folder in the user's cache directory, not a /tmp shared with others.
func scratchRoot() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "benchgate", "scratch")
	}
	return os.TempDir()
}

// newScratch creates a scratch directory for one run under root (default
// scratchRoot) and holds its lock until release is called, after removing
// the scratch directories of runs that are gone: their lock is free (a
// run killed by a timeout could not clean up after itself).
func newScratch(root string) (dir string, release func(), err error) {
	if root == "" {
		root = scratchRoot()
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return "", nil, fmt.Errorf("creating the scratch directory's parent: %w", err)
	}
	removeStaleScratch(root)
	dir, err = os.MkdirTemp(root, fmt.Sprintf("%s%d-", scratchPrefix, os.Getpid()))
	if err != nil {
		return "", nil, fmt.Errorf("creating scratch directory: %w", err)
	}
	l, err := lock.Acquire(filepath.Join(dir, scratchLock), "scratch directory of a benchgate run")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() { l.Release(); os.RemoveAll(dir) }, nil
}

// removeStaleScratch removes the scratch directories under root whose
// lock nobody holds.
func removeStaleScratch(root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), scratchPrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		lp := filepath.Join(dir, scratchLock)
		if _, err := os.Stat(lp); errors.Is(err, os.ErrNotExist) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > orphanAge {
				os.RemoveAll(dir)
			}
			continue
		}
		if lock.Free(lp) {
			os.RemoveAll(dir)
		}
	}
}

// start begins a flow: it checks the configuration and takes the results
// directory's lock; release it when the flow ends.
func (c *Config) start(name string) (release func(), err error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c.lockResults(name)
}

// lockResults takes the results directory's lock for a flow, so that two
// runs never write one directory; a second run is told who holds it.
func (c *Config) lockResults(flow string) (release func(), err error) {
	if err := os.MkdirAll(c.ResultsDir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the results directory %s: %w: set BENCH_RESULTS_DIR to a writable directory", c.ResultsDir, err)
	}
	l, err := lock.Acquire(filepath.Join(c.ResultsDir, ".lock"), flow)
	if errors.Is(err, lock.ErrHeld) {
		return nil, fmt.Errorf("%w: wait for that run, or give this one its own BENCH_RESULTS_DIR", err)
	}
	if err != nil {
		return nil, err
	}
	return func() { l.Release() }, nil
}
