//go:build unix

package lock

import (
	"errors"
	"os"
	"syscall"
)

var errBusy = errors.New("busy")

// noFollow makes opening a lock file that is a symbolic link fail.
const noFollow = syscall.O_NOFOLLOW

func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errBusy
	}
	return err
}

func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
