// Package annotate writes GitHub Actions workflow commands that put a
// comparison's findings where the code is: an error annotation at each
// confirmed regression's benchmark function and at the top function of
// its profile diff that is in the measured module, warnings for
// undecided rows and gaps. GitHub shows them inline in a pull request's
// changed files and on the check, with no app or token.
package annotate

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/benchgate/benchgate/internal/profile"
	"github.com/benchgate/benchgate/internal/verdict"
)

// Options say where the measured module is. Start from the zero value
// plus ModuleDir.
type Options struct {
	// ModuleDir is the measured module's root (BENCH_DIR).
	ModuleDir string
	// RepoRoot is the repository's top directory: annotation paths are
	// relative to it. Default ModuleDir.
	RepoRoot string
	// Errors and Warnings cap the annotations of each kind, as GitHub
	// shows 10 of each per step; the rest are counted in one notice.
	// Default 10 each.
	Errors, Warnings int
}

// An annotation is one workflow command.
type annotation struct {
	level, file string
	line        int
	title, msg  string
}

// Write writes the annotations of c to w, one workflow command a line.
func Write(w io.Writer, c *verdict.Comparison, opts Options) error {
	if opts.RepoRoot == "" {
		opts.RepoRoot = opts.ModuleDir
	}
	if opts.Errors <= 0 {
		opts.Errors = 10
	}
	if opts.Warnings <= 0 {
		opts.Warnings = 10
	}
	m := newModule(opts)
	var errs, warns []annotation
	seen := map[string]bool{}
	for _, r := range c.Rows {
		name, _ := verdict.SplitProcs([]byte(r.Benchmark))
		switch r.Status {
		case verdict.StatusRegression:
			file, line := m.benchmark(r.Pkg, name)
			errs = append(errs, annotation{"error", file, line, "performance regression: " + name,
				fmt.Sprintf("%s %s %+.1f%% (threshold %+g%%)%s", name, r.Unit, float64(r.DeltaPct), r.ThresholdPct, confirmed(r))})
			if !seen[r.Pkg+" "+name] {
				seen[r.Pkg+" "+name] = true
				if a, ok := m.cause(c.Profiles, r.Pkg, name); ok {
					errs = append(errs, a)
				}
			}
		case verdict.StatusUndecided:
			file, line := m.benchmark(r.Pkg, name)
			why := r.Reason
			if why == "" {
				why = "beyond the threshold but not significant"
			}
			warns = append(warns, annotation{"warning", file, line, "undecided: " + name, fmt.Sprintf("%s %s %+.1f%%: %s", name, r.Unit, float64(r.DeltaPct), why)})
		}
	}
	for _, g := range c.Gaps {
		warns = append(warns, annotation{level: "warning", title: "no evidence", msg: g})
	}
	bw := bufio.NewWriter(w)
	more := 0
	for _, list := range []struct {
		as  []annotation
		max int
	}{{errs, opts.Errors}, {warns, opts.Warnings}} {
		for i, a := range list.as {
			if i >= list.max {
				more += len(list.as) - list.max
				break
			}
			fmt.Fprintln(bw, a.command())
		}
	}
	if more > 0 {
		fmt.Fprintln(bw, annotation{level: "notice", title: "benchgate", msg: fmt.Sprintf("%d more findings are not annotated (GitHub shows 10 of each kind per step): see report.md", more)}.command())
	}
	return bw.Flush()
}

func confirmed(r verdict.Row) string {
	if r.Confirmed != nil && *r.Confirmed {
		return ", confirmed in fresh rounds"
	}
	return ""
}

// command is the workflow command, with every value escaped as GitHub's
// runner unescapes it: nothing in a name or message can end the command
// or start another.
func (a annotation) command() string {
	var props []string
	if a.file != "" {
		props = append(props, "file="+escapeProperty(a.file))
		if a.line > 0 {
			props = append(props, fmt.Sprintf("line=%d", a.line))
		}
	}
	if a.title != "" {
		props = append(props, "title="+escapeProperty(a.title))
	}
	return "::" + a.level + " " + strings.Join(props, ",") + "::" + escapeData(a.msg)
}

// escapeData escapes a command's message: %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value: as data, and : and , too.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// A module finds files of the measured module.
type module struct {
	path  string                 // module path, from go.mod
	dir   string                 // module root
	rel   string                 // module root relative to the repository root, slash separated
	found map[string]declaration // package and top-level benchmark -> where declared
}

// A declaration is where a benchmark function is declared.
type declaration struct {
	file string
	line int
}

// moduleLine is go.mod's module line.
var moduleLine = regexp.MustCompile(`(?m)^module\s+"?([^\s"]+)"?`)

func newModule(opts Options) *module {
	m := &module{dir: opts.ModuleDir, found: map[string]declaration{}}
	if b, err := os.ReadFile(filepath.Join(opts.ModuleDir, "go.mod")); err == nil {
		if mm := moduleLine.FindSubmatch(b); mm != nil {
			m.path = string(mm[1])
		}
	}
	if rel, err := filepath.Rel(opts.RepoRoot, opts.ModuleDir); err == nil && rel != "." {
		m.rel = filepath.ToSlash(rel)
	}
	return m
}

// repoPath is a module-relative slash path as the repository names it.
func (m *module) repoPath(rel string) string {
	if m.rel == "" {
		return rel
	}
	return path.Join(m.rel, rel)
}

// benchmark finds the declaration of a benchmark's top-level function in
// its package's test files: the repository path and line, or "" and 0.
// Each is looked up once (a benchmark has a row per metric).
func (m *module) benchmark(pkg, name string) (string, int) {
	top, _, _ := strings.Cut(name, "/")
	k := pkg + "\x00" + top
	d, ok := m.found[k]
	if !ok {
		d.file, d.line = m.find(pkg, top)
		m.found[k] = d
	}
	return d.file, d.line
}

// find reads the package's test files for func top's declaration.
func (m *module) find(pkg, top string) (string, int) {
	if m.path == "" || (pkg != m.path && !strings.HasPrefix(pkg, m.path+"/")) {
		return "", 0
	}
	pkgRel := strings.TrimPrefix(strings.TrimPrefix(pkg, m.path), "/")
	files, _ := filepath.Glob(filepath.Join(m.dir, filepath.FromSlash(pkgRel), "*_test.go"))
	decl := regexp.MustCompile(`^func\s+` + regexp.QuoteMeta(top) + `\s*\(`)
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			if decl.MatchString(sc.Text()) {
				fh.Close()
				return m.repoPath(path.Join(pkgRel, filepath.Base(f))), n
			}
		}
		fh.Close()
	}
	return "", 0
}

// cause is the annotation at the function of the measured module that
// grew most in the benchmark's CPU profile diff (the module view, else flat, else cumulative):
// where the time went, when that is the module's own code.
func (m *module) cause(diffs []profile.Diff, pkg, name string) (annotation, bool) {
	if m.path == "" {
		return annotation{}, false
	}
	for _, d := range diffs {
		if d.Pkg != pkg || trimProcs(d.Benchmark) != name {
			continue
		}
		for _, list := range [][]profile.Delta{d.CPUModule, d.CPUFlat, d.CPUCum} {
			for _, x := range list {
				rel, ok := strings.CutPrefix(x.File, m.path+"/")
				if !ok || x.Delta <= 0 || strings.HasSuffix(rel, "_test.go") {
					continue
				}
				return annotation{"error", m.repoPath(rel), int(x.Line), "slower here: " + x.Function,
					fmt.Sprintf("%s: %+.0f ns/op (%+.1f%% of the base) in %s", x.Function, x.Delta, x.DeltaPct, name)}, true
			}
		}
	}
	return annotation{}, false
}

// trimProcs removes a -N suffix from a benchmark name.
func trimProcs(name string) string {
	n, _ := verdict.SplitProcs([]byte(name))
	return n
}
