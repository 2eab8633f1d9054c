//go:build linux

package counter

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// perfCounter counts with perf_event_open: a counter opened disabled on
// the calling thread, inherited by the child it forks (and every thread
// the child starts) and enabled when the child execs, so that it counts
// the test binary from its first instruction and nothing of benchgate's.
type perfCounter struct {
	typ    uint32
	config uint64
}

func (p *perfCounter) Name() string { return string(Perf) }

// newPerf returns the hardware instruction counter, or why the kernel
// offers none (no PMU in a VM, perf_event_paranoid, seccomp).
func newPerf() (*perfCounter, error) {
	p := &perfCounter{typ: unix.PERF_TYPE_HARDWARE, config: unix.PERF_COUNT_HW_INSTRUCTIONS}
	fd, err := p.open()
	if err != nil {
		return nil, err
	}
	unix.Close(fd)
	return p, nil
}

func (p *perfCounter) open() (int, error) {
	attr := unix.PerfEventAttr{
		Type:   p.typ,
		Config: p.config,
		Size:   uint32(unsafe.Sizeof(unix.PerfEventAttr{})),
		Bits:   unix.PerfBitDisabled | unix.PerfBitInherit | unix.PerfBitEnableOnExec | unix.PerfBitExcludeKernel | unix.PerfBitExcludeHv,
	}
	fd, err := unix.PerfEventOpen(&attr, 0, -1, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("perf_event_open: %w", err)
	}
	return fd, nil
}

func (p *perfCounter) Run(ctx context.Context, bin string, args []string, dir string, extra []string, stdout io.Writer) (*Run, error) {
	// The counter belongs to this thread; the child must be forked from
	// it, so the goroutine stays on it until the child is gone.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fd, err := p.open()
	if err != nil {
		return nil, fmt.Errorf("counting instructions: %w", err)
	}
	defer unix.Close(fd)
	r, err := run(ctx, dir, env(extra, countGODEBUG), stdout, bin, args...)
	if err != nil {
		return nil, err
	}
	// An inherited counter holds its exited children's counts.
	var buf [8]byte
	if _, err := unix.Read(fd, buf[:]); err != nil {
		return r, fmt.Errorf("reading the instruction counter: %w", err)
	}
	r.Instructions = binary.NativeEndian.Uint64(buf[:])
	return r, nil
}
