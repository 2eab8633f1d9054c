package throttle

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// TestWriterHoldsRate writes 150 KB at 500 KB/s with a 10 KB burst: the
// limiter must not let it through much faster than the rate allows (a
// noisy machine can only make it slower; the lower bound is a gross 2x).
func TestWriterHoldsRate(t *testing.T) {
	const rateBps, burst, total = 500_000, 10_000, 150_000
	var out bytes.Buffer
	w := NewWriter(&out, rateBps, burst)
	w.Limiter.WaitN(w.Ctx, burst) // drain the initial burst
	start := time.Now()
	n, err := w.Write(make([]byte, total))
	elapsed := time.Since(start)
	if err != nil || n != total || out.Len() != total {
		t.Fatalf("wrote %d (%d arrived), err %v", n, out.Len(), err)
	}
	got := float64(total) / elapsed.Seconds()
	if got > rateBps*1.1 {
		t.Errorf("rate %.0f B/s exceeds the limit of %d B/s by more than 10%%", got, rateBps)
	}
	if got < rateBps/2 {
		t.Errorf("rate %.0f B/s is less than half the limit of %d B/s", got, rateBps)
	}
}

// TestConnLimitsBothDirections reads and writes through a Conn limited to
// 200 KB/s with a 4 KiB burst: both directions get all their bytes, and
// neither gets 20 KB through faster than the limit allows (a lower bound
// only: a slow machine is slower still).
func TestConnLimitsBothDirections(t *testing.T) {
	const rateBps, burst, n = 200_000, 4096, 20_000
	least := time.Duration(float64(n-burst) / rateBps * 0.9 * float64(time.Second))
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := NewConn(a, rateBps, burst)
	go func() { b.Write(make([]byte, n)); io.Copy(io.Discard, b) }()
	start := time.Now()
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.Reader(), buf); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < least {
		t.Errorf("read %d bytes in %s: faster than %d B/s allows (%s)", n, d, rateBps, least)
	}
	start = time.Now()
	if m, err := c.Writer().Write(make([]byte, n)); err != nil || m != n {
		t.Fatalf("write %d %v", m, err)
	}
	if d := time.Since(start); d < least {
		t.Errorf("wrote %d bytes in %s: faster than %d B/s allows (%s)", n, d, rateBps, least)
	}
}

func TestLimitersPerClientAndEviction(t *testing.T) {
	l := NewLimiters(1000, 100, time.Minute)
	now := time.Unix(1_700_000_000, 0)
	if !l.Allow("a", 100, now) {
		t.Fatal("first burst of a refused")
	}
	if l.Allow("a", 1, now) {
		t.Fatal("a exceeded its burst")
	}
	if !l.Allow("b", 100, now) {
		t.Fatal("b is limited by a's usage")
	}
	if !l.Allow("a", 50, now.Add(50*time.Millisecond)) {
		t.Fatal("a's tokens did not refill at 1000/s")
	}
	l.Get("c", now.Add(2*time.Minute))
	if n := l.Evict(now.Add(2 * time.Minute)); n != 2 || l.Len() != 1 {
		t.Fatalf("evicted %d, %d left; want 2 evicted, c left", n, l.Len())
	}
}
