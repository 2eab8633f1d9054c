//go:build !linux

package counter

import (
	"context"
	"errors"
	"io"
)

type perfCounter struct{}

func (p *perfCounter) Name() string { return string(Perf) }

func newPerf() (*perfCounter, error) {
	return nil, errors.New("hardware counters are read with perf_event_open, which only Linux has")
}

func (p *perfCounter) Run(context.Context, string, []string, string, []string, io.Writer) (*Run, error) {
	return nil, errors.New("no perf_event_open here")
}
