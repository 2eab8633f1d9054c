package gate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

const scratchPrefix = "benchgate-"

// newScratch creates a scratch directory for one run, named after this
// process, after removing the scratch directories of runs whose process is
// gone (a run killed by a timeout could not clean up after itself).
func newScratch(root string) (string, error) {
	if root == "" {
		root = os.TempDir()
	}
	removeStaleScratch(root)
	dir, err := os.MkdirTemp(root, fmt.Sprintf("%s%d-", scratchPrefix, os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("creating scratch directory: %w", err)
	}
	return dir, nil
}

func removeStaleScratch(root string) {
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), scratchPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidStr, _, _ := strings.Cut(name, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}
