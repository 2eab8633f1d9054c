// Package lock holds exclusive advisory locks on files, so that two runs
// never share a results directory and a scratch directory is removed only
// once its owner is gone. The lock belongs to the open file: it is
// released when the process exits, however it exits, also across PID
// namespaces that share the file system.
package lock

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// ErrHeld is wrapped by Acquire's error when another process holds the
// lock.
var ErrHeld = errors.New("locked by another run")

// A Lock is a held lock.
type Lock struct{ f *os.File }

// Acquire takes the lock on path without waiting, creating the file when
// needed, and writes who holds it (this process, its host and the time,
// plus what) into the file. When another process holds it, the error wraps
// ErrHeld and quotes the holder's note.
//
// A lock file that is a symbolic link (or anything but a regular file) is
// refused: writing the note through it would overwrite whatever it points
// at.
func Acquire(path, what string) (*Lock, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("locking %s: it is not a regular file (a symbolic link?): remove it", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|noFollow, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w (a symbolic link? remove it)", path, err)
	}
	if err := tryLock(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, fmt.Errorf("%s is %w (%s)", path, ErrHeld, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	host, _ := os.Hostname()
	f.Truncate(0)
	fmt.Fprintf(f, "pid %d on %s since %s: %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339), what)
	return &Lock{f: f}, nil
}

// Release releases the lock. The file stays.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}

// Free reports whether nobody holds the lock on path (false when path
// cannot be opened).
func Free(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if tryLock(f) != nil {
		return false
	}
	unlock(f)
	return true
}
