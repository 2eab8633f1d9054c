package counter

import (
	"reflect"
	"testing"
)

// TestRuntimeWork reads what a dump puts in the page allocator and the
// sweeper: by file (compressed names defined anywhere, code inlined into
// another function through fi/fe), by function, never a call's inclusive
// cost, and in both valgrind formats.
func TestRuntimeWork(t *testing.T) {
	callgrind := `# callgrind format
positions: line
events: Ir Dr
summary: 1000 100
ob=(1) /tmp/x.test
fl=(1) /usr/local/go/src/runtime/malloc.go
fn=(1) runtime.mallocgc
10 100 10
cfi=(2) /usr/local/go/src/runtime/mpagealloc.go
cfn=(2) runtime.(*pageAlloc).alloc
calls=1 20
* 400 40
fi=(2)
30 7 1
fe=(1)
+1 3
fl=(2)
fn=(2)
20 50 5
+1 10
fl=(3) /usr/local/go/src/runtime/mheap.go
fn=(3) runtime.(*mheap).reclaimChunk
5 20
fn=(4) runtime.(*mheap).alloc
6 30 3
fl=(4) /root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/runtime/mgcsweep.go
fn=(5) runtime.sweepone
1 2 2
fl=(5) /home/me/app/mpagealloc.go
fn=(6) app.notTheRuntime
1 1000 1000
`
	got, err := runtimeWork([]byte(callgrind))
	if err != nil {
		t.Fatal(err)
	}
	// 7 inlined + 50 + 10 in mpagealloc.go, 20 in reclaimChunk, 2 in
	// another toolchain's mgcsweep.go; not the call's 400, not the app's
	// own file of the same name.
	if want := map[string]uint64{"Ir": 89, "Dr": 8}; !reflect.DeepEqual(got, want) {
		t.Errorf("callgrind: %v, want %v", got, want)
	}
	cachegrind := `desc: I1 cache: 32768 B, 64 B, 8-way associative
cmd: /tmp/x.test
events: Ir
fl=/usr/local/go/src/runtime/malloc.go
fn=runtime.mallocgc
10 100
fl=/usr/local/go/src/runtime/mpallocbits.go
fn=runtime.(*pallocBits).summarize
3 40
4 2
summary: 142
`
	if got, err := runtimeWork([]byte(cachegrind)); err != nil || !reflect.DeepEqual(got, map[string]uint64{"Ir": 42}) {
		t.Errorf("cachegrind: %v, %v, want 42 instructions", got, err)
	}
	if _, err := runtimeWork([]byte("garbage\n")); err == nil {
		t.Error("a file with no events line is read")
	}
	if ev := without(map[string]uint64{"Ir": 100, "Dr": 5}, map[string]uint64{"Ir": 30, "Dr": 9}); ev["Ir"] != 70 || ev["Dr"] != 0 {
		t.Errorf("without: %v", ev)
	}
}
