package mempool

import (
	"testing"
)

func TestNeverSmallerThanAsked(t *testing.T) {
	p := New(256, 64<<10)
	for _, n := range []int{0, 1, 255, 256, 257, 1000, 4096, 4097, 65535, 65536, 65537, 1 << 20} {
		b := p.Get(n)
		if len(b) != n || cap(b) < n {
			t.Fatalf("Get(%d): len %d cap %d", n, len(b), cap(b))
		}
		if n > 0 && n <= 64<<10 && cap(b) >= 2*max(n, 256) {
			t.Fatalf("Get(%d): capacity %d is more than twice the request", n, cap(b))
		}
		p.Put(b)
	}
}

func TestReuseAndLeakCounters(t *testing.T) {
	p := New(0, 0)
	b := p.Get(1000)
	b[0] = 42
	p.Put(b)
	held := make([][]byte, 0, 3)
	for i := 0; i < 3; i++ {
		held = append(held, p.Get(1000))
	}
	s := p.Stats()
	if s.Gets != 4 || s.Puts != 1 || s.Outstanding != 3 {
		t.Fatalf("stats %+v", s)
	}
	for _, h := range held {
		p.Put(h)
	}
	p.Put(make([]byte, 300)) // foreign capacity: dropped, not counted
	if s := p.Stats(); s.Outstanding != 0 || s.Puts != 4 {
		t.Fatalf("after returning everything: %+v", s)
	}
	big := p.Get(2 << 20)
	if len(big) != 2<<20 || p.Stats().Oversize != 1 {
		t.Fatalf("oversize request: len %d stats %+v", len(big), p.Stats())
	}
}
