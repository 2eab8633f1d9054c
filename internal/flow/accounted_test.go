package flow_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/testrepo"
	"github.com/benchgate/benchgate/internal/verdict"
)

// crashGo is crash/crash.go: Explode panics as a real bug would, at a
// line the test looks up.
const crashGo = `package crash

import "fmt"

// Explode fails for batches over one message, as a real bug would.
func Explode(n int) int {
	if n > 1 {
		panic(fmt.Sprintf("batch too large for segment: %d", n))
	}
	return n
}
`

// realModule is a module shaped like a real suite (a /v2 module path):
// package chatty's benchmark logs JSON lines before, inside and after its
// loop of loops rounds per op, the last without a newline; package
// crash's BenchmarkMid panics in its timed runs (fixed counts, as the
// rounds run it, not the pilot) between two benchmarks that work, and
// BenchmarkFatal always fails.
func realModule(loops int) map[string]string {
	return map[string]string{
		"go.mod":           "module example.com/real/v2\n\ngo 1.21\n",
		"chatty/chatty.go": "package chatty\n",
		"chatty/chatty_test.go": fmt.Sprintf(`package chatty

import (
	"fmt"
	"testing"
)

var sink uint64

func BenchmarkChatty(b *testing.B) {
	fmt.Println(`+"`"+`{"level":"INFO","msg":"opening the log"}`+"`"+`)
	for i := 0; i < b.N; i++ {
		if i == 0 {
			fmt.Println(`+"`"+`{"level":"INFO","msg":"first message"}`+"`"+`)
		}
		for j := 0; j < %d; j++ {
			sink += uint64(j) * 7
		}
	}
	fmt.Print("closed ")
}
`, loops),
		"crash/crash.go": crashGo,
		"crash/crash_test.go": `package crash

import (
	"flag"
	"strings"
	"testing"
)

var sink uint64

func work(b *testing.B) {
	for i := 0; i < b.N; i++ {
		for j := 0; j < 1000; j++ {
			sink += uint64(j) * 7
		}
	}
}

// fixed reports whether the run has a fixed count, as the rounds do.
func fixed() bool { return strings.HasSuffix(flag.Lookup("test.benchtime").Value.String(), "x") }

func BenchmarkA(b *testing.B) { work(b) }

func BenchmarkMid(b *testing.B) {
	if fixed() && b.N > 1 {
		Explode(b.N)
	}
	work(b)
}

func BenchmarkC(b *testing.B) { work(b) }

func BenchmarkFatal(b *testing.B) { b.Fatal("cannot open the fixture") }
`,
	}
}

// panicLine is the line of crash.go that panics.
func panicLine(t *testing.T) int {
	for i, l := range strings.Split(crashGo, "\n") {
		if strings.Contains(l, "panic(") {
			return i + 1
		}
	}
	t.Fatal("no panic in crash.go")
	return 0
}

// TestEveryBenchmarkAccountedFor: on a module whose benchmarks log to
// stdout, panic and fail on both sides, 5x the work in the logging
// benchmark fails the gate (counted) with its row present; those beside
// the panicking one are measured in every round on both sides; the
// panicking and the failing one are listed as broken before this change
// (the panic with its file:line), not judged and no gap.
func TestEveryBenchmarkAccountedFor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	// Counted: a timed 5x slowdown under two busy loops went undecided
	// (its confirmation did not reproduce), and this test checks what is
	// accounted for, not timing.
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("first", realModule(1000))
	r.Commit("chatty 5x slower", realModule(5000))

	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 1 || !errors.Is(err, exit.ErrRegression) {
		t.Fatalf("exit %d, err %v; want 1, a regression\n%s\n%s", code, err, out, cfg.Stderr)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, cmp, cfg.CountRounds)
	var chatty *verdict.Row
	for i, row := range cmp.Rows {
		if strings.HasPrefix(row.Benchmark, "BenchmarkChatty") && row.Unit == "instructions/op" {
			chatty = &cmp.Rows[i]
		}
	}
	if chatty == nil || chatty.Status != verdict.StatusRegression {
		t.Fatalf("BenchmarkChatty instructions/op: %+v, want a regression\n%s", chatty, out)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	for _, want := range []string{"BenchmarkMid", "broken before this change", fmt.Sprintf("crash/crash.go:%d", panicLine(t))} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}

// TestBrokenOnBothSidesPasses: the same module, unchanged, counted
// (no load disturbs the verdict): exit 0, the logging benchmark's row
// present, the panicking and failing ones listed as broken.
func TestBrokenOnBothSidesPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	flowtest.NeedCounter(t)
	r := testrepo.New(t)
	c1 := r.Commit("first", realModule(1000))
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	if err := flow.Regression(context.Background(), cfg); err != nil {
		t.Fatalf("exit %d, err %v; want 0\n%s\n%s", exit.Code(err), err, out, cfg.Stderr)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	checkAccounted(t, cmp, cfg.CountRounds)
	found := false
	for _, row := range cmp.Rows {
		if strings.HasPrefix(row.Benchmark, "BenchmarkChatty") && row.Unit == "instructions/op" {
			found = row.Status == verdict.StatusOK
		}
	}
	if !found {
		t.Errorf("no ok instructions/op row of BenchmarkChatty\n%s", out)
	}
}

// checkAccounted checks what both tests expect of realModule's crash
// package: A and C measured n times on both sides, Mid and Fatal broken
// on both sides (Mid's panic named with its file:line), no gap.
func checkAccounted(t *testing.T, cmp *verdict.Comparison, n int) {
	t.Helper()
	if len(cmp.Gaps) > 0 {
		t.Errorf("gaps: %q, want none", cmp.Gaps)
	}
	for _, name := range []string{"BenchmarkA", "BenchmarkC"} {
		seen := false
		for _, row := range cmp.Rows {
			if strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark)) != name {
				continue
			}
			seen = true
			if row.Base == nil || row.Current == nil || row.Base.N != n || row.Current.N != n {
				t.Errorf("%s %s: not measured %d times on both sides: %+v %+v", name, row.Unit, n, row.Base, row.Current)
			}
		}
		if !seen {
			t.Errorf("%s has no row", name)
		}
	}
	broken := map[string]verdict.Broken{}
	for _, b := range cmp.Broken {
		broken[b.Benchmark] = b
	}
	mid, fatal := broken["BenchmarkMid"], broken["BenchmarkFatal"]
	if mid.Sides != verdict.SidesBoth || !strings.Contains(mid.Reason, "panic: batch too large for segment") || !strings.Contains(mid.Reason, fmt.Sprintf("at crash/crash.go:%d", panicLine(t))) {
		t.Errorf("BenchmarkMid: %+v, want broken on both sides with the panic and crash/crash.go:%d", mid, panicLine(t))
	}
	if fatal.Sides != verdict.SidesBoth || fatal.Pkg != "example.com/real/v2/crash" {
		t.Errorf("BenchmarkFatal: %+v, want broken on both sides", fatal)
	}
}

// TestUnreadableResultIsAGap: a benchmark that silences the process's
// stdout (as code that closes it to quiet a library does) on the current
// side ran with no result that can be read: a gap naming it, exit 2,
// never a silent pass.
func TestUnreadableResultIsAGap(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	mod := func(mute bool) map[string]string {
		body := ""
		if mute {
			body = "\tos.Stdout.Close()\n"
		}
		return map[string]string{
			"go.mod":      "module example.com/mute\n\ngo 1.21\n",
			"m/m.go":      "package m\n",
			"m/m_test.go": "package m\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nvar sink uint64\nvar _ = os.Stdout\n\nfunc BenchmarkSteady(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += uint64(i)\n\t}\n}\n\nfunc BenchmarkMute(b *testing.B) {\n" + body + "\tfor i := 0; i < b.N; i++ {\n\t\tsink += uint64(i)\n\t}\n}\n",
		}
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", mod(false))
	r.Commit("mute", mod(true))
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 {
		t.Fatalf("exit %d, err %v; want 2\n%s\n%s", code, err, out, cfg.Stderr)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(cmp.Gaps, "\n"); !strings.Contains(g, "current: example.com/mute/m: BenchmarkMute: ran but printed no result") {
		t.Errorf("gaps do not name BenchmarkMute:\n%s", g)
	}
	if cmp.Outcome() != verdict.NoVerdict {
		t.Errorf("outcome %d, want no verdict", cmp.Outcome())
	}
}

// brokenBuildModule has package ok with a benchmark and package handler
// whose tests compile only when good.
func brokenBuildModule(good bool) map[string]string {
	handler := "package handler\n\nimport \"testing\"\n\nfunc BenchmarkHandle(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t}\n}\n"
	if !good {
		handler = "package handler\n\nimport \"testing\"\n\nfunc BenchmarkHandle(b *testing.B) {\n\tundefinedHelper(b)\n}\n"
	}
	return map[string]string{
		"go.mod":                  "module example.com/broken\n\ngo 1.21\n",
		"ok/ok.go":                "package ok\n",
		"ok/ok_test.go":           "package ok\n\nimport \"testing\"\n\nvar sink uint64\n\nfunc BenchmarkOK(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += uint64(i)\n\t}\n}\n",
		"handler/handler.go":      "package handler\n",
		"handler/handler_test.go": handler,
	}
}

// TestPackageThatDoesNotBuild: a package whose tests do not compile on
// both sides is found before anything is measured, skipped and named as
// broken before this change, and the rest decides (exit 0); on the
// current side only, the gate stops with exit 2 before the base is built
// or anything measured.
func TestPackageThatDoesNotBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	t.Run("both sides", func(t *testing.T) {
		r := testrepo.New(t)
		c1 := r.Commit("first", brokenBuildModule(false))
		cfg, out := config(t, r.Dir)
		cfg.Base = c1
		cfg.Measure = flow.MeasureInstructions
		flowtest.NeedCounter(t)
		if err := flow.Regression(context.Background(), cfg); err != nil {
			t.Fatalf("exit %d, err %v; want 0\n%s\n%s", exit.Code(err), err, out, cfg.Stderr)
		}
		cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
		if err != nil {
			t.Fatal(err)
		}
		if len(cmp.Broken) != 1 || cmp.Broken[0].Pkg != "example.com/broken/handler" || cmp.Broken[0].Sides != verdict.SidesBoth || !strings.Contains(cmp.Broken[0].Reason, "undefined: undefinedHelper") {
			t.Errorf("broken: %+v, want handler broken on both sides, naming the compiler's error", cmp.Broken)
		}
		log := fmt.Sprint(cfg.Stderr)
		found, pilot := strings.Index(log, "does not build on either side"), strings.Index(log, "pilot")
		if found < 0 || pilot < 0 || found > pilot {
			t.Errorf("the broken package is not found before measuring:\n%s", log)
		}
	})
	t.Run("current side only", func(t *testing.T) {
		r := testrepo.New(t)
		c1 := r.Commit("first", brokenBuildModule(true))
		r.Commit("break handler", brokenBuildModule(false))
		cfg, out := config(t, r.Dir)
		cfg.Base = c1
		err := flow.Regression(context.Background(), cfg)
		if code := exit.Code(err); code != 2 || !strings.Contains(fmt.Sprint(err), "the change broke it") {
			t.Fatalf("exit %d, err %v; want 2, the change broke it\n%s", code, err, out)
		}
		log := fmt.Sprint(cfg.Stderr)
		if strings.Contains(log, "test binaries of base") || strings.Contains(log, "pilot") {
			t.Errorf("the base was built or something measured before the verdict:\n%s", log)
		}
	})
}

// TestSkipAndQuarantine: BENCH_SKIP and the quarantine file leave
// benchmarks out without editing code: they are not run (no row, no
// failure), every report lists the quarantine, and an expired entry no
// longer holds and is a warning naming it.
func TestSkipAndQuarantine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	flowtest.NeedCounter(t)
	files := realModule(1000)
	files["bench-quarantine.txt"] = "# pattern until reason\n^BenchmarkMid$  2999-01-01  panics on big batches (#1)\n^BenchmarkC$    2000-01-02  expired long ago\n"
	r := testrepo.New(t)
	c1 := r.Commit("first", files)
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Measure = flow.MeasureInstructions
	cfg.Run.Skip = "Fatal"
	if err := flow.Regression(context.Background(), cfg); err != nil {
		t.Fatalf("exit %d, err %v; want 0\n%s\n%s", exit.Code(err), err, out, cfg.Stderr)
	}
	cmp, err := verdict.ReadComparison(filepath.Join(cfg.ResultsDir, flow.ComparisonFile))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, row := range cmp.Rows {
		rows[strings.TrimSuffix(row.Benchmark, suffix(row.Benchmark))] = true
	}
	if rows["BenchmarkMid"] || rows["BenchmarkFatal"] || !rows["BenchmarkC"] || !rows["BenchmarkA"] {
		t.Errorf("rows of %v; want A and C (its quarantine expired), not Mid (quarantined) nor Fatal (skipped)", rows)
	}
	if len(cmp.Broken) > 0 || len(cmp.Gaps) > 0 {
		t.Errorf("broken %+v, gaps %q: a benchmark left out ran", cmp.Broken, cmp.Gaps)
	}
	if len(cmp.Quarantined) != 2 || !strings.Contains(strings.Join(cmp.Warnings, "\n"), "bench-quarantine.txt:3: the quarantine of ^BenchmarkC$ ended on 2000-01-02") {
		t.Errorf("quarantined %+v, warnings %q", cmp.Quarantined, cmp.Warnings)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "Quarantined (not run, not gated):** ^BenchmarkMid$ until 2999-01-01: panics on big batches") {
		t.Errorf("report.md does not list the quarantine:\n%s", md)
	}

	files["bench-quarantine.txt"] = "^BenchmarkMid$ someday because\n"
	r.Write(files)
	err = flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 || !strings.Contains(fmt.Sprint(err), `bench-quarantine.txt:1: "someday" is not a date`) {
		t.Errorf("a bad quarantine file: exit %d, err %v; want 2 naming the line", code, err)
	}
}

// TestFilterThatMatchesNothing: a filter written with the names as
// benchstat prints them (no Benchmark prefix) matches nothing: exit 2,
// saying so, how Go matches the first level, the filter it likely meant
// and the names there are; not a puzzle about results files.
func TestFilterThatMatchesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", map[string]string{
		"go.mod":      "module example.com/hash\n\ngo 1.21\n",
		"h/h.go":      "package h\n",
		"h/h_test.go": "package h\n\nimport \"testing\"\n\nfunc BenchmarkSum64String(b *testing.B) {\n\tb.Run(\"4B\", func(b *testing.B) {})\n}\n\nfunc BenchmarkSum64(b *testing.B) {}\n",
	})
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Run.Bench = "^(Sum64String|Sum64)$/^4B$"
	err := flow.Regression(context.Background(), cfg)
	if code := exit.Code(err); code != 2 {
		t.Fatalf("exit %d, err %v; want 2\n%s", code, err, out)
	}
	for _, want := range []string{`BENCH_FILTER="^(Sum64String|Sum64)$/^4B$": no benchmark matched the filter on either side`, "the first against the whole function name", `did you mean "^Benchmark(Sum64String|Sum64)$/^4B$"?`, "the benchmarks are BenchmarkSum64String, BenchmarkSum64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}

// TestRelativeReplace: a module that replaces a sibling module of the
// same repository by a relative path (../lib) builds each side with that
// side's copy of the sibling: a 4x slowdown in the sibling on the current
// side fails the gate, and the base is not read from the working tree.
func TestRelativeReplace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	files := func(loops int) map[string]string {
		return map[string]string{
			"lib/go.mod":      "module example.com/lib\n\ngo 1.21\n",
			"lib/lib.go":      fmt.Sprintf("package lib\n\n// Work mixes integers.\nfunc Work(x uint64) uint64 {\n\tfor i := 0; i < %d; i++ {\n\t\tx = x*31 + uint64(i)\n\t}\n\treturn x\n}\n", loops),
			"svc/go.mod":      "module example.com/svc\n\ngo 1.21\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
			"svc/svc.go":      "package svc\n",
			"svc/svc_test.go": "package svc\n\nimport (\n\t\"testing\"\n\n\t\"example.com/lib\"\n)\n\nvar sink uint64\n\nfunc BenchmarkWork(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink = lib.Work(sink)\n\t}\n}\n",
		}
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", files(1000))
	r.Commit("lib 4x slower", files(4000))
	cfg, out := config(t, filepath.Join(r.Dir, "svc"))
	cfg.Base = c1
	mustRegress(t, cfg, out)
}

// TestForgedOutputCannotReachTheTerminal: a benchmark that prints a
// forged result line whose name holds escape sequences and a workflow
// command gives no verdict, and nothing it printed reaches stdout,
// stderr or the error as an escape sequence or a workflow command. At
// 20ms its own name is printed before it prints the line, and no numbers
// follow its name; at 1x (as when one op takes the pilot's whole time
// on a loaded machine) it prints the line before Go prints its name, so
// the line reads as a result of BenchmarkX, a benchmark the binary does
// not have. BenchmarkHonest beside it has results: the gap, not an
// empty comparison, is what gives no verdict.
func TestForgedOutputCannotReachTheTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", map[string]string{
		"go.mod":      "module example.com/forge\n\ngo 1.21\n",
		"f/f.go":      "package f\n",
		"f/f_test.go": "package f\n\nimport (\n\t\"fmt\"\n\t\"testing\"\n)\n\nfunc BenchmarkForge(b *testing.B) {\n\tfmt.Print(\"\\nBenchmarkX\\x1b[2J\\x1b]0;owned\\x07::error,file=f.go::forged-2 \\t 10\\t 5 ns/op\\n\")\n\tfor i := 0; i < b.N; i++ {\n\t}\n}\n\nfunc BenchmarkHonest(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t}\n}\n",
	})
	for _, benchtime := range []string{"20ms", "1x"} {
		t.Run(benchtime, func(t *testing.T) {
			cfg, out := config(t, r.Dir)
			cfg.Base = c1
			cfg.Run.Time = benchtime
			err := flow.Regression(context.Background(), cfg)
			if code := exit.Code(err); code != 2 {
				t.Fatalf("exit %d, err %v; want 2\n%s\n%s", code, err, out, cfg.Stderr)
			}
			if !strings.Contains(out.String(), "BenchmarkHonest") || !strings.Contains(out.String(), "BenchmarkForge") {
				t.Errorf("the report lacks BenchmarkHonest's row or BenchmarkForge's gap:\n%s", out)
			}
			for what, text := range map[string]string{"stderr": fmt.Sprint(cfg.Stderr), "the error": exit.Wrap(err).Error(), "stdout": out.String()} {
				if strings.Contains(text, "\x1b") || strings.Contains(text, "\x07") {
					t.Errorf("%s holds an escape sequence:\n%q", what, text)
				}
				for _, l := range strings.Split(text, "\n") {
					if strings.HasPrefix(strings.TrimSpace(l), "::") || strings.Contains(l, "::error") {
						t.Errorf("%s has a line that GitHub Actions reads as a command: %q", what, l)
					}
				}
			}
		})
	}
}

// TestAnnotationsAtTheLine: in GitHub Actions (GITHUB_ACTIONS=true) a 4x
// regression is annotated at its benchmark's declaration and at the
// module function its profile blames (work.Work), each with the change.
func TestAnnotationsAtTheLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and profiles benchmarks")
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", module(1000, false))
	files := module(4000, false)
	r.Commit("slow down Slowed 4x", files)
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	cfg.Annotate = true
	mustRegress(t, cfg, out)
	lineOf := func(text, prefix string) int {
		for i, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, prefix) {
				return i + 1
			}
		}
		t.Fatalf("no %q", prefix)
		return 0
	}
	bench := fmt.Sprintf("::error file=work/work_test.go,line=%d,title=performance regression%%3A BenchmarkSlowed::BenchmarkSlowed ns/op +", lineOf(files["work/work_test.go"], "func BenchmarkSlowed("))
	cause := fmt.Sprintf("::error file=work/work.go,line=%d,title=slower here%%3A example.com/fixture/work.Work::", lineOf(files["work/work.go"], "func Work("))
	for _, want := range []string{bench, cause} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

// TestProfilesNameTheModule: a regression that is an added syscall-heavy
// call spends its time in syscall and runtime frames; the report names
// the module's function that makes the calls, the raw view beside it.
func TestProfilesNameTheModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds, runs and profiles benchmarks")
	}
	mod := func(calls int) map[string]string {
		return map[string]string{
			"go.mod":              "module example.com/sys\n\ngo 1.21\n",
			"store/store.go":      fmt.Sprintf("package store\n\nimport \"syscall\"\n\n// A Log appends records.\ntype Log struct{ n uint64 }\n\n// Append appends one record and asks the kernel %d times.\nfunc (l *Log) Append() {\n\tfor i := 0; i < 200; i++ {\n\t\tl.n = l.n*31 + uint64(i)\n\t}\n\tfor i := 0; i < %d; i++ {\n\t\tsyscall.Getppid()\n\t}\n}\n", calls, calls),
			"store/store_test.go": "package store\n\nimport \"testing\"\n\nfunc BenchmarkAppend(b *testing.B) {\n\tvar l Log\n\tfor i := 0; i < b.N; i++ {\n\t\tl.Append()\n\t}\n}\n",
		}
	}
	r := testrepo.New(t)
	c1 := r.Commit("first", mod(1))
	r.Commit("ask the kernel 20 times", mod(20))
	cfg, out := config(t, r.Dir)
	cfg.Base = c1
	mustRegress(t, cfg, out)
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, flow.MarkdownFile))
	if !strings.Contains(string(md), "- CPU in `example.com/sys/store.(*Log).Append`") {
		t.Errorf("report.md does not name the module's function:\n%s", md)
	}
	if !strings.Contains(string(md), "raw CPU profile") {
		t.Errorf("report.md has no raw view:\n%s", md)
	}
}
