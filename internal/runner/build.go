package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/benchgate/benchgate/internal/counter"
)

// build compiles one test binary per package with go test -c into dir. It
// tries all packages in one go command (shared work, fastest) and falls
// back to one command per package to find the ones that fail. With
// -trimpath a binary does not depend on where its tree is, so a package
// whose code is the same on both sides comes from Go's build cache the
// second time. A non-empty overlay is go build's -overlay file (the
// counting marks, see marksOverlay).
func build(ctx context.Context, tr *Tree, pkgs []string, dir, overlay string) (bins map[string]string, failed map[string]string, err error) {
	bins, failed = map[string]string{}, map[string]string{}
	if len(pkgs) == 0 {
		return bins, failed, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("creating binary directory: %w", err)
	}
	names := map[string]bool{}
	unique := true
	for _, p := range pkgs {
		n := binName(p)
		unique = unique && !names[n]
		names[n] = true
	}
	if unique {
		args := append(append(buildFlags(tr, overlay), "-o", dir+string(filepath.Separator)), pkgs...)
		if _, err := goCmd(ctx, tr, args...); err == nil {
			all := true
			for _, p := range pkgs {
				bins[p] = filepath.Join(dir, binName(p))
				if _, err := os.Stat(bins[p]); err != nil {
					all = false
				}
			}
			if all {
				return bins, failed, nil
			}
			// A binary is not where the go command's naming rule says:
			// build each package to a file named here.
			clear(bins)
		} else if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
	}
	for i, p := range pkgs {
		bin := filepath.Join(dir, fmt.Sprintf("%d-%s", i, binName(p)))
		if out, err := goCmd(ctx, tr, append(buildFlags(tr, overlay), "-o", bin, p)...); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			failed[p] = out
			continue
		}
		bins[p] = bin
	}
	return bins, failed, nil
}

// buildFlags are the go command's arguments that build a tree's test
// binaries (before -o).
func buildFlags(tr *Tree, overlay string) []string {
	args := []string{"test", "-c", "-trimpath"}
	if tr.Strip {
		args = append(args, "-ldflags=-s -w")
	}
	if overlay != "" {
		args = append(args, "-overlay="+overlay)
	}
	return args
}

// flavour names a tree's build variant in the kept binaries' directory:
// timed binaries and counted ones (stripped, with the marks) of one side
// are kept apart, so switching BENCH_MEASURE rebuilds neither.
func flavour(tr *Tree) string {
	s := ""
	if tr.Strip {
		s += "-stripped"
	}
	if tr.Marks {
		s += "-marks"
	}
	return s
}

// marksOverlay writes the overlay that puts the counting marks into the
// tree's Go installation's testing package (counter.Overlay) under dir.
// It is "" with a note when the tree does not want them or they do not
// fit its toolchain.
func marksOverlay(ctx context.Context, tr *Tree, dir string) (overlay, note string) {
	if !tr.Marks {
		return "", ""
	}
	out, err := goCommand(ctx, tr, "env", "GOROOT", "GOARCH", "GOMODCACHE").Output()
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(f) != 3 {
		return "", fmt.Sprintf("%s: go env GOROOT GOARCH GOMODCACHE failed (%v), so each benchmark is counted in a process of its own and timed runs pay its setup twice", tr.Name, err)
	}
	if cache := strings.TrimSpace(f[2]); cache != "" && strings.HasPrefix(filepath.Clean(f[0])+string(filepath.Separator), filepath.Clean(cache)+string(filepath.Separator)) {
		// go build refuses to overlay files beneath GOMODCACHE, where a
		// downloaded toolchain (GOTOOLCHAIN) lives.
		return "", fmt.Sprintf("%s: its Go (%s) lives in the module cache, whose files go build does not overlay: without the marks each benchmark is counted in a process of its own and timed runs pay its setup twice", tr.Name, f[0])
	}
	overlay, err = counter.Overlay(strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), filepath.Join(dir, "marks"))
	if err != nil {
		return "", fmt.Sprintf("%s: %v, so each benchmark is counted in a process of its own and timed runs pay its setup twice", tr.Name, err)
	}
	return overlay, ""
}

// binName is the file name go test -c -o dir/ gives a package's binary:
// the last element of its import path, or the one before it when the
// last is a major version (example.com/hash/v2 -> hash.test), whatever
// the package's name.
func binName(importPath string) string {
	dir, elem := path.Split(importPath)
	if dir != "" && isMajorVersion(elem) {
		elem = path.Base(path.Clean(dir))
	}
	return elem + ".test"
}

// isMajorVersion reports whether a path element is a module major
// version suffix, v2 and up, as the go command sees it.
func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || s == "v1" {
		return false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// goCmd runs the go command in the tree's module root with GOWORK=off: a
// go.work in a parent directory (of the scratch tree, or planted in a
// shared temporary directory) must not change what either side builds.
func goCmd(ctx context.Context, tr *Tree, args ...string) (string, error) {
	cmd := goCommand(ctx, tr, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// goCommand is the go command in the tree's module root with GOWORK=off
// and, when the tree names one, its Go toolchain (GOTOOLCHAIN).
func goCommand(ctx context.Context, tr *Tree, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = tr.Dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if tr.Toolchain != "" {
		cmd.Env = append(cmd.Env, "GOTOOLCHAIN="+tr.Toolchain)
	}
	return cmd
}
