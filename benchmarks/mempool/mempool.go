// Package mempool is a byte-buffer pool with size classes: one sync.Pool
// per power-of-two class, so a buffer handed out is never smaller than
// asked and never much larger. Counters track reuse and buffers not
// returned.
package mempool

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// Default size classes: 256 B to 1 MiB.
const (
	DefaultMinSize = 256
	DefaultMaxSize = 1 << 20
)

// headers recycles the *[]byte boxes that sync.Pool stores, so that Put
// does not allocate one per call.
var headers = sync.Pool{New: func() any { return new([]byte) }}

// A Pool hands out byte slices by size class. It is safe for concurrent
// use.
type Pool struct {
	minShift, maxShift int
	classes            []sync.Pool
	gets, puts, news   atomic.Int64
	oversize           atomic.Int64
}

// New returns a pool with power-of-two classes from minSize to maxSize
// (rounded up to powers of two); 0 takes the defaults.
func New(minSize, maxSize int) *Pool {
	if minSize <= 0 {
		minSize = DefaultMinSize
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	maxSize = max(maxSize, minSize)
	p := &Pool{minShift: shiftFor(minSize), maxShift: shiftFor(maxSize)}
	p.classes = make([]sync.Pool, p.maxShift-p.minShift+1)
	for i := range p.classes {
		size := 1 << (p.minShift + i)
		p.classes[i].New = func() any {
			p.news.Add(1)
			b := make([]byte, size)
			return &b
		}
	}
	return p
}

// shiftFor returns the smallest s with 1<<s >= n.
func shiftFor(n int) int {
	if n <= 1 {
		return 0
	}
	return bits.Len(uint(n - 1))
}

// Get returns a slice of length n and capacity of n's class. A request
// larger than the largest class is allocated directly.
func (p *Pool) Get(n int) []byte {
	p.gets.Add(1)
	s := max(shiftFor(n), p.minShift)
	if s > p.maxShift {
		p.oversize.Add(1)
		return make([]byte, n)
	}
	bp := p.classes[s-p.minShift].Get().(*[]byte)
	b := (*bp)[:n]
	*bp = nil
	headers.Put(bp)
	return b
}

// Put returns a slice obtained from Get. Slices whose capacity is not a
// class size (oversize or foreign) are dropped.
func (p *Pool) Put(b []byte) {
	c := cap(b)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	s := bits.Len(uint(c)) - 1
	if s < p.minShift || s > p.maxShift {
		return
	}
	p.puts.Add(1)
	bp := headers.Get().(*[]byte)
	*bp = b[:c]
	p.classes[s-p.minShift].Put(bp)
}

// Stats are the pool's counters.
type Stats struct {
	Gets, Puts int64
	// News counts buffers allocated for a class (a miss of the pool).
	News int64
	// Oversize counts requests beyond the largest class.
	Oversize int64
	// Outstanding is Gets - Puts: buffers handed out and not returned
	// (oversize ones included), a leak when it keeps growing.
	Outstanding int64
}

// Stats returns the counters.
func (p *Pool) Stats() Stats {
	g, pu := p.gets.Load(), p.puts.Load()
	return Stats{Gets: g, Puts: pu, News: p.news.Load(), Oversize: p.oversize.Load(), Outstanding: g - pu}
}
