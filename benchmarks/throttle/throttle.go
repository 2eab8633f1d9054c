// Package throttle limits network bandwidth with token buckets
// (golang.org/x/time/rate): a rate-limited io.Writer, a net.Conn whose
// reads and writes are limited, and a map of per-client limiters with idle
// eviction.
package throttle

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A Writer writes to W at no more than its limiter's rate, in chunks of at
// most the burst size.
type Writer struct {
	W       io.Writer
	Limiter *rate.Limiter
	Ctx     context.Context
}

// NewWriter limits w to bytesPerSec with the given burst in bytes.
func NewWriter(w io.Writer, bytesPerSec float64, burst int) *Writer {
	return &Writer{W: w, Limiter: rate.NewLimiter(rate.Limit(bytesPerSec), burst), Ctx: context.Background()}
}

// Write implements io.Writer; it waits for tokens before each chunk.
func (w *Writer) Write(p []byte) (int, error) {
	return limited(w.Ctx, w.Limiter, p, w.W.Write)
}

func limited(ctx context.Context, lim *rate.Limiter, p []byte, op func([]byte) (int, error)) (int, error) {
	burst := lim.Burst()
	if burst <= 0 {
		return 0, fmt.Errorf("throttle: burst %d allows no bytes", burst)
	}
	done := 0
	for len(p) > 0 {
		chunk := min(len(p), burst)
		if err := lim.WaitN(ctx, chunk); err != nil {
			return done, fmt.Errorf("throttle: %w", err)
		}
		n, err := op(p[:chunk])
		done += n
		if err != nil {
			return done, err
		}
		p = p[chunk:]
	}
	return done, nil
}

// A Conn limits the reads and writes of a net.Conn separately.
type Conn struct {
	net.Conn
	Read, Write *rate.Limiter
}

// NewConn limits c to bytesPerSec in each direction.
func NewConn(c net.Conn, bytesPerSec float64, burst int) *Conn {
	return &Conn{Conn: c, Read: rate.NewLimiter(rate.Limit(bytesPerSec), burst), Write: rate.NewLimiter(rate.Limit(bytesPerSec), burst)}
}

func (c *Conn) readLimited(p []byte) (int, error) {
	if len(p) > c.Read.Burst() {
		p = p[:c.Read.Burst()]
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		if werr := c.Read.WaitN(context.Background(), n); werr != nil && err == nil {
			err = werr
		}
	}
	return n, err
}

// Reader returns the connection's rate-limited read side.
func (c *Conn) Reader() io.Reader { return readerFunc(c.readLimited) }

// Writer returns the connection's rate-limited write side.
func (c *Conn) Writer() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		return limited(context.Background(), c.Write, p, c.Conn.Write)
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Limiters hands out one limiter per client, creating it on first use and
// evicting those idle for longer than Idle. It is safe for concurrent use.
type Limiters struct {
	rate  rate.Limit
	burst int
	idle  time.Duration

	mu      sync.Mutex
	clients map[string]*client
}

type client struct {
	lim      *rate.Limiter
	lastSeen time.Time
}

// NewLimiters returns limiters of bytesPerSec and burst per client;
// idle <= 0 never evicts.
func NewLimiters(bytesPerSec float64, burst int, idle time.Duration) *Limiters {
	return &Limiters{rate: rate.Limit(bytesPerSec), burst: burst, idle: idle, clients: map[string]*client{}}
}

// Get returns the limiter of a client.
func (l *Limiters) Get(id string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.clients[id]
	if !ok {
		c = &client{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[id] = c
	}
	c.lastSeen = now
	return c.lim
}

// Allow reports whether client id may send n bytes now.
func (l *Limiters) Allow(id string, n int, now time.Time) bool {
	return l.Get(id, now).AllowN(now, n)
}

// Evict removes the clients idle since before now minus Idle and returns
// how many it removed.
func (l *Limiters) Evict(now time.Time) int {
	if l.idle <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for id, c := range l.clients {
		if now.Sub(c.lastSeen) > l.idle {
			delete(l.clients, id)
			n++
		}
	}
	return n
}

// Len is the number of clients tracked.
func (l *Limiters) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}
