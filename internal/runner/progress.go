package runner

import (
	"fmt"
	"github.com/benchgate/benchgate/internal/lines"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Progress reports a long run: a live bar on a terminal, one line per step
// elsewhere (CI logs), both with an estimate of the time left.
type Progress interface {
	// Note prints a message on a line of its own.
	Note(msg string)
	// Start begins counting total steps.
	Start(total int)
	// Step says that the next step, label, begins.
	Step(label string)
	// Finish ends the bar.
	Finish()
}

// NewProgress returns a bar when w is a terminal and a line printer
// otherwise. A nil w discards everything.
func NewProgress(w io.Writer) Progress {
	if w == nil {
		w = io.Discard
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb" {
		return &progress{w: w, bar: true}
	}
	return &progress{w: w}
}

// A progress may be used by several goroutines (counted runs go one per
// core).
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	bar         bool
	total, done int
	start       time.Time
	drawn       bool
}

func (p *progress) Note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintln(p.w, lines.Printable(msg))
}

func (p *progress) Start(total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.start = total, 0, time.Now()
}

func (p *progress) Step(label string) {
	label = lines.Printable(label)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	eta := ""
	if p.done > 1 {
		per := time.Since(p.start) / time.Duration(p.done-1)
		eta = ", " + (per * time.Duration(p.total-p.done+1)).Round(time.Second).String() + " left"
	}
	if !p.bar {
		fmt.Fprintf(p.w, "[%*d/%d] %s%s\n", len(fmt.Sprint(p.total)), p.done, p.total, label, eta)
		return
	}
	const width = 24
	fill := width * (p.done - 1) / max(p.total, 1)
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s%s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.done, p.total, label, eta)
	p.drawn = true
}

func (p *progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	if p.total > 0 {
		fmt.Fprintf(p.w, "ran %d steps in %s\n", p.total, time.Since(p.start).Round(100*time.Millisecond))
	}
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
