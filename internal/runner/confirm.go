package runner

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
)

// Confirm measures again, in fresh rounds of their own, the benchmarks
// whose verdict after the main rounds would fail or praise someone: a
// finding counts only when an independent measurement reproduces it. The
// runner does not judge: Select does.
type Confirm struct {
	// Select gets each side's results of the main rounds (tree name ->
	// Go benchmark format) and returns, per import path, the names
	// (without the -N suffix) of the benchmarks to measure again.
	Select func(results map[string][]byte) (map[string][]string, error)
	// Count is the number of fresh rounds. Default: Options.Count. With
	// Options.Adaptive, the benchmarks not settled after them get extra
	// rounds as the main rounds do, up to 3 x Count, for at most as long
	// as the Count rounds took.
	Count int
}

// ConfirmFile is where the confirmation rounds of the side whose results
// go to out are written: current.txt -> current.confirm.txt.
func ConfirmFile(out string) string {
	return strings.TrimSuffix(out, ".txt") + ".confirm.txt"
}

// confirm runs the confirmation rounds, with the same units (and so the
// same iteration counts) as the main rounds, into fresh results written to
// each side's ConfirmFile. Nothing selected: nothing runs, no file.
func (p *Plan) confirm(ctx context.Context, opts Options, units []unit, main map[string]*bytes.Buffer, res *Result, prog Progress) (map[string]*bytes.Buffer, error) {
	snap := map[string][]byte{}
	for name, b := range main {
		snap[name] = b.Bytes()
	}
	names, err := opts.Confirm.Select(snap)
	if err != nil {
		return nil, fmt.Errorf("choosing what to confirm: %w", err)
	}
	sub := p.subset(units, names)
	if len(sub) == 0 {
		return nil, nil
	}
	count := opts.Confirm.Count
	if count <= 0 {
		count = opts.Count
	}
	prog.Note(fmt.Sprintf("confirm: measuring %d benchmarks again in %d fresh rounds", len(sub), count))
	start := time.Now()
	defer func() { p.Stats.Confirm += time.Since(start) }()
	prog.Start(p.roundSteps(sub, 0, count))
	bufs := p.buffers(opts)
	var interrupted error
	for round := 0; round < count && interrupted == nil; round++ {
		var fatal error
		if interrupted, fatal = p.round(ctx, round, fmt.Sprintf("confirm %d/%d", round+1, count), sub, bufs, res, prog); fatal != nil {
			return nil, fatal
		}
	}
	prog.Finish()
	if opts.Adaptive != nil && interrupted == nil {
		// The fresh rounds follow the main rounds' sampling: what is not
		// settled after count rounds gets extra rounds, up to 3 x count,
		// for as long again as the confirmation took.
		o := opts
		o.Count = count
		o.Adaptive = &Adaptive{Undecided: opts.Adaptive.Undecided, MaxRounds: 3 * count, Budget: time.Since(start)}
		var fatal error
		if interrupted, fatal = p.adapt(ctx, "confirm", o, sub, 0, bufs, res, prog); fatal != nil {
			return nil, fatal
		}
	}
	return bufs, p.write(bufs, func(tr *Tree) string { return ConfirmFile(tr.Out) }, interrupted)
}
