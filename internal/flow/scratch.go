package flow

import (
	"crypto/sha256"
	"encoding/hex"
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

// binsPrefix names the directories that keep a module's test binaries
// from run to run; binsMaxAge is how long one may go unused before a run
// removes it.
const (
	binsPrefix = "bins-"
	binsMaxAge = 30 * 24 * time.Hour
)

// keptBins returns the directory where this module's test binaries are
// built, kept from one run to the next under root (default scratchRoot):
// go test -c does not link a binary again when the one in its output
// directory is up to date, so an unchanged package costs no link. A run
// that finds the directory in use by another builds into fallback. Bins
// directories unused for binsMaxAge are removed.
func (c *Config) keptBins(fallback string) (dir string, release func()) {
	root := c.TempDir
	if root == "" {
		root = scratchRoot()
	}
	removeStaleBins(root)
	abs, err := filepath.Abs(c.Dir)
	if err != nil {
		return fallback, func() {}
	}
	sum := sha256.Sum256([]byte(abs))
	dir = filepath.Join(root, binsPrefix+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fallback, func() {}
	}
	l, err := lock.Acquire(dir+scratchLock, "test binaries of a benchgate run")
	if err != nil {
		return fallback, func() {}
	}
	now := time.Now()
	os.Chtimes(dir, now, now)
	return dir, func() { l.Release() }
}

// removeStaleBins removes the bins directories under root unused for
// binsMaxAge whose lock is free.
func removeStaleBins(root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), binsPrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		_, statErr := os.Stat(dir + scratchLock)
		free := errors.Is(statErr, os.ErrNotExist) || lock.Free(dir+scratchLock)
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < binsMaxAge || !free {
			continue
		}
		os.RemoveAll(dir)
		os.Remove(dir + scratchLock)
	}
}
