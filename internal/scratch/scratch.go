// Package scratch is benchgate's space on disk outside the user's
// checkout: a scratch directory per run (the base tree, temporary
// binaries), locked while the run lives and removed when it ends or, after
// a crash, by the next run; and the kept test binaries of each module,
// which let go test -c skip linking what did not change.
package scratch

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

// Root is where scratch directories go by default: benchgate's
// folder in the user's cache directory, not a /tmp shared with others.
func Root() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "benchgate", "scratch")
	}
	return os.TempDir()
}

// New creates a scratch directory for one run under root (default
// Root) and holds its lock until release is called, after removing
// the scratch directories of runs that are gone: their lock is free (a
// run killed by a timeout could not clean up after itself).
func New(root string) (dir string, release func(), err error) {
	if root == "" {
		root = Root()
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

// BinsPrefix names the directories that keep a module's test binaries
// from run to run; BinsMaxAge is how long one may go unused before a run
// removes it.
const (
	BinsPrefix = "bins-"
	BinsMaxAge = 30 * 24 * time.Hour
)

// KeptBins returns the directory where the test binaries of the module in
// moduleDir are built, kept from one run to the next under root (default
// Root): go test -c does not link a binary again when the one in its output
// directory is up to date, so an unchanged package costs no link. A run
// that finds the directory in use by another builds into fallback. Bins
// directories unused for BinsMaxAge are removed.
func KeptBins(root, moduleDir, fallback string) (dir string, release func()) {
	if root == "" {
		root = Root()
	}
	removeStaleBins(root)
	abs, err := filepath.Abs(moduleDir)
	if err != nil {
		return fallback, func() {}
	}
	sum := sha256.Sum256([]byte(abs))
	dir = filepath.Join(root, BinsPrefix+hex.EncodeToString(sum[:8]))
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
// BinsMaxAge whose lock is free.
func removeStaleBins(root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), BinsPrefix) {
			continue
		}
		dir := filepath.Join(root, e.Name())
		_, statErr := os.Stat(dir + scratchLock)
		free := errors.Is(statErr, os.ErrNotExist) || lock.Free(dir+scratchLock)
		if info, err := e.Info(); err != nil || time.Since(info.ModTime()) < BinsMaxAge || !free {
			continue
		}
		os.RemoveAll(dir)
		os.Remove(dir + scratchLock)
	}
}
