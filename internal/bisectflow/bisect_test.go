package bisectflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/bisect"
	"github.com/benchgate/benchgate/internal/bisectflow"
	"github.com/benchgate/benchgate/internal/exit"
	"github.com/benchgate/benchgate/internal/fixture"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/flowtest"
	"github.com/benchgate/benchgate/internal/testrepo"
)

// line commits the fixture n+1 times (commit 0 is the good end): commit
// i's BenchmarkSlowed does slowed(i) rounds of work, extra(i) adds or
// removes files (a value of "" removes). It returns the commit hashes.
func line(t *testing.T, n int, slowed func(i int) int, extra func(i int) map[string]string) (*testrepo.Repo, []string) {
	r := testrepo.New(t)
	var hashes []string
	for i := 0; i <= n; i++ {
		spec := fixture.Spec{Benches: []fixture.Bench{{Name: "Steady", Work: 1000}, {Name: "Slowed", Work: slowed(i)}}, Comment: fmt.Sprintf("commit %d", i)}
		files := spec.Files()
		var gone []string
		if extra != nil {
			for name, content := range extra(i) {
				if content == "" {
					gone = append(gone, name)
					continue
				}
				files[name] = content
			}
		}
		for _, name := range gone {
			os.Remove(filepath.Join(r.Dir, name))
		}
		hashes = append(hashes, r.Commit(fmt.Sprintf("change %d", i), files))
	}
	return r, hashes
}

// step is a slowdown from before to after at commit at.
func step(at, before, after int) func(int) int {
	return func(i int) int {
		if i >= at {
			return after
		}
		return before
	}
}

// bisectConfig is config with BENCH_GOOD and BENCH_BAD.
func bisectConfig(t *testing.T, dir, good, bad string) (flow.Config, bisectflow.Options) {
	cfg, _ := flowtest.Config(t, dir)
	o := bisectflow.DefaultOptions
	o.Good, o.Bad = good, bad
	return cfg, o
}

// readBisect reads bisect.json.
func readBisect(t *testing.T, cfg flow.Config) *bisect.Result {
	t.Helper()
	res, err := bisect.ReadFile(filepath.Join(cfg.ResultsDir, bisectflow.BisectFile))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// culprits are the culprits' commits, a range as "first..last".
func culprits(res *bisect.Result) []string {
	var out []string
	for _, c := range res.Culprits {
		if c.Commit != "" {
			out = append(out, c.Commit)
		} else {
			out = append(out, c.Range[0]+".."+c.Range[len(c.Range)-1])
		}
	}
	return out
}

// TestBisectOneStep: a 3x slowdown at one commit of 16, bisected from the
// last regression's comparison.json (no BENCH_GOOD, BENCH_BAD or
// BENCH_FILTER): the culprit is named within ceil(log2 16)+3 steps; the
// run is cut short by Ctrl-C and resumed, reusing the finished steps;
// the checkout is untouched throughout.
func TestBisectOneStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r, c := line(t, 16, step(11, 1000, 3000), nil)
	before := r.State()
	cfg, out := flowtest.Config(t, r.Dir)
	cfg.Base = c[0]
	// Counted: what is checked is the culprit, the reuse and the
	// checkout; a timed bisection on a loaded machine named commit 13
	// beside 11.
	flowtest.NeedCounter(t)
	cfg.Measure = flow.MeasureInstructions
	flowtest.MustRegress(t, cfg, out)

	// Ctrl-C once two steps are finished.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if m, _ := filepath.Glob(filepath.Join(cfg.ResultsDir, bisectflow.BisectDir, "*", "step.json")); len(m) >= 2 {
				cancel()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	err := bisectflow.Bisect(ctx, cfg, bisectflow.DefaultOptions)
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) || exit.Code(err) != 2 {
		t.Fatalf("interrupted bisection: err = %v (exit %d), want context.Canceled, exit 2", err, exit.Code(err))
	}
	if _, err := os.Stat(filepath.Join(cfg.ResultsDir, bisectflow.BisectFile)); !os.IsNotExist(err) {
		t.Errorf("an interrupted bisection wrote %s", bisectflow.BisectFile)
	}

	out.Reset()
	if err := bisectflow.Bisect(context.Background(), cfg, bisectflow.DefaultOptions); err != nil {
		t.Fatalf("resumed bisection: %v\n%s", err, cfg.Stderr)
	}
	res := readBisect(t, cfg)
	if got := culprits(res); len(got) != 1 || got[0] != c[11] {
		t.Fatalf("culprits %v, want commit 11 %s\n%s", got, c[11], out)
	}
	t.Logf("%d steps, %d measurements in the resumed run, %d reused", len(res.Steps), res.Measured, res.Reused)
	if limit := int(math.Ceil(math.Log2(16))) + 3; len(res.Steps) > limit {
		t.Errorf("%d steps, want at most %d", len(res.Steps), limit)
	}
	if res.Reused < 2 {
		t.Errorf("the resumed run reused %d steps, want the 2 finished before Ctrl-C", res.Reused)
	}
	if res.Good.Hash != c[0] || res.Bad.Hash != c[16] || len(res.Followed) == 0 || res.Followed[0].Benchmark != "BenchmarkSlowed" {
		t.Errorf("ends %s..%s following %+v, want the comparison's base and current and BenchmarkSlowed", res.Good.Short(), res.Bad.Short(), res.Followed)
	}
	ch := res.Culprits[0]
	if ch.Subject != "change 11" || ch.Author != "benchgate test" || ch.Date.IsZero() || ch.Changes[0].DeltaPct < 100 {
		t.Errorf("culprit %+v: want its subject, author, date and a change over +100%%", ch)
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, bisectflow.BisectMarkdownFile))
	for _, want := range []string{"**Culprit `" + c[11][:7] + "`** change 11 — benchgate test", "| Step | Commit |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("bisect.md lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(out.String(), "bisect: culprit "+c[11][:7]) {
		t.Errorf("summary lacks the culprit:\n%s", out)
	}
	if log := fmt.Sprint(cfg.Stderr); !strings.Contains(log, "ETA") || !strings.Contains(log, "reusing the earlier measurement") {
		t.Errorf("progress lacks the ETA or the reuse:\n%s", log)
	}

	// A third run measures nothing.
	if err := bisectflow.Bisect(context.Background(), cfg, bisectflow.DefaultOptions); err != nil {
		t.Fatal(err)
	}
	if res := readBisect(t, cfg); res.Measured != 0 || culprits(res)[0] != c[11] {
		t.Errorf("third run measured %d steps, named %v; want 0 and the same culprit", res.Measured, culprits(res))
	}

	// Stored steps whose change was edited are not believed: they are
	// measured again, and the culprit stays.
	steps, _ := filepath.Glob(filepath.Join(cfg.ResultsDir, bisectflow.BisectDir, "*", "step.json"))
	edited := 0
	for _, p := range steps {
		b, _ := os.ReadFile(p)
		e := regexp.MustCompile(`"delta_pct":[-0-9.e+]+`).ReplaceAll(b, []byte(`"delta_pct":0`))
		e = bytes.ReplaceAll(e, []byte(`"regressed":true,`), nil)
		if !bytes.Equal(e, b) && edited < 2 {
			os.WriteFile(p, e, 0o644)
			edited++
		}
	}
	if edited < 2 {
		t.Fatalf("edited %d step.json files, want 2", edited)
	}
	cfg.Stderr = &flowtest.LockedBuffer{}
	if err := bisectflow.Bisect(context.Background(), cfg, bisectflow.DefaultOptions); err != nil {
		t.Fatal(err)
	}
	if res := readBisect(t, cfg); res.Measured < 2 || culprits(res)[0] != c[11] {
		t.Errorf("with 2 steps edited: measured %d steps, named %v; want them measured again and commit 11", res.Measured, culprits(res))
	}
	if log := fmt.Sprint(cfg.Stderr); !strings.Contains(log, "does not agree with its samples") {
		t.Errorf("the edited steps were not named:\n%s", log)
	}
	if after := r.State(); after != before {
		t.Errorf("the repository changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestBisectTwoSteps: a 2x slowdown at commit 5 and another at 12: both
// named, each with about half of the change (in log terms).
func TestBisectTwoSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r, c := line(t, 16, func(i int) int { return step(5, 1000, 2000)(i) * step(12, 1, 2)(i) }, nil)
	cfg, o := bisectConfig(t, r.Dir, c[0], c[16])
	cfg.Run.Bench = "Slowed"
	// Counted, so that exactly the two steps are found on a loaded
	// machine too.
	flowtest.NeedCounter(t)
	cfg.Measure = flow.MeasureInstructions
	// The open regression issue, on a GitHub that records the edit.
	var mu sync.Mutex
	var edited []string
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case req.Method == "GET" && req.URL.Path == "/repos/acme/app/issues":
			fmt.Fprintf(w, `[{"number": 90, "state": "open", "body": %q, "user": {"login": "github-actions[bot]"}}]`, alert.IssueMarker+"\nregressed")
		case req.Method == "PATCH" && req.URL.Path == "/repos/acme/app/issues/90":
			var in struct{ Body string }
			json.NewDecoder(req.Body).Decode(&in)
			edited = append(edited, in.Body)
			fmt.Fprint(w, `{"number": 90}`)
		default:
			t.Errorf("unexpected request %s %s", req.Method, req.URL)
			w.WriteHeader(404)
		}
	}))
	defer gh.Close()
	o.Alert = &flow.AlertOptions{Config: alert.Config{Run: alert.RunInfo{Repo: "acme/app"}, GitHub: alert.GitHubConfig{Token: "ghs_x", APIURL: gh.URL, BotLogin: "github-actions[bot]"}}}
	if err := bisectflow.Bisect(context.Background(), cfg, o); err != nil {
		t.Fatalf("%v\n%s", err, cfg.Stderr)
	}
	res := readBisect(t, cfg)
	t.Logf("%d steps, %d measurements", len(res.Steps), res.Measured)
	if got, want := culprits(res), []string{c[5], c[12]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("culprits %v, want commits 5 and 12 %v\n%s", got, want, cfg.Stderr)
	}
	if len(edited) != 1 || !strings.Contains(edited[0], alert.BisectStart) || !strings.Contains(edited[0], "**Culprit `"+c[5][:7]+"`**") || !strings.Contains(edited[0], "**Culprit `"+c[12][:7]+"`**") {
		t.Errorf("the regression issue was edited %d times, want once naming both culprits: %q", len(edited), edited)
	}
	shares := 0
	for _, cu := range res.Culprits {
		for _, ch := range cu.Changes {
			if ch.Unit != "instructions/op" {
				continue
			}
			shares++
			if ch.SharePct < 30 || ch.SharePct > 70 {
				t.Errorf("%s: %s share %.0f%%, want about half", cu.Commit[:7], ch.Benchmark, ch.SharePct)
			}
		}
	}
	if shares != 2 {
		t.Errorf("%d culprits' instructions/op changes, want 2: %+v", shares, res.Culprits)
	}
}

// TestBisectSkipsUnbuildable: the commit before the culprit does not
// build; it is skipped, and the answer is the two-commit range. It stays
// timed, the bisection's default; a 3x step guarantees that range is
// named, not that a loaded machine adds no other.
func TestBisectSkipsUnbuildable(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r, c := line(t, 16, step(9, 1000, 3000), func(i int) map[string]string {
		switch i {
		case 8:
			return map[string]string{"work/broken.go": "package work\n\nfunc broken( {\n"}
		case 9:
			return map[string]string{"work/broken.go": ""}
		}
		return nil
	})
	cfg, o := bisectConfig(t, r.Dir, c[0], c[16])
	if err := bisectflow.Bisect(context.Background(), cfg, o); err != nil {
		t.Fatalf("%v\n%s", err, cfg.Stderr)
	}
	res := readBisect(t, cfg)
	var found *bisect.Culprit
	for i, cu := range res.Culprits {
		if len(cu.Range) > 0 && cu.Range[0] == c[8] && cu.Range[len(cu.Range)-1] == c[9] {
			found = &res.Culprits[i]
		}
	}
	if found == nil {
		t.Fatalf("culprits %v, want the range 8..9 among them %v\n%s", culprits(res), c[8]+".."+c[9], cfg.Stderr)
	}
	if found.Why != "skipped" {
		t.Errorf("range why %q, want skipped", found.Why)
	}
	skipped := false
	for _, st := range res.Steps {
		skipped = skipped || (st.Commit.Hash == c[8] && st.Skip != "")
	}
	if !skipped {
		t.Errorf("no step says commit 8 was skipped: %+v", res.Steps)
	}
}

// TestBisectBenchmarkAddedHalfway: a benchmark that exists only from
// commit 6 on does not disturb the search for the one that regressed,
// and one that exists only at some commits makes them skipped.
func TestBisectBenchmarkAddedHalfway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r, c := line(t, 16, step(11, 1000, 3000), func(i int) map[string]string {
		if i >= 6 {
			return map[string]string{"work/extra_test.go": "package work\n\nimport \"testing\"\n\nfunc BenchmarkExtra(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\tsink += Work(500)\n\t}\n}\n"}
		}
		return nil
	})
	cfg, o := bisectConfig(t, r.Dir, c[0], c[16])
	// Counted: what is checked is which benchmarks are followed, and a
	// timed bisection on a loaded machine named commits 13 and 14 too.
	flowtest.NeedCounter(t)
	cfg.Measure = flow.MeasureInstructions
	if err := bisectflow.Bisect(context.Background(), cfg, o); err != nil {
		t.Fatalf("%v\n%s", err, cfg.Stderr)
	}
	res := readBisect(t, cfg)
	if got := culprits(res); len(got) != 1 || got[0] != c[11] {
		t.Fatalf("culprits %v, want commit 11 %s\n%s", got, c[11], cfg.Stderr)
	}
	for _, f := range res.Followed {
		if f.Benchmark == "BenchmarkExtra" {
			t.Errorf("followed BenchmarkExtra, which the good end lacks")
		}
	}
}

// TestBisectFlat: nothing changed between good and bad: no regression,
// never a culprit, and the answer is an exit 0.
func TestBisectFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs benchmarks")
	}
	r, c := line(t, 8, step(0, 1000, 1000), nil)
	cfg, o := bisectConfig(t, r.Dir, c[0], c[8])
	// Counted: "no regression" is not what timing on a loaded machine
	// can promise.
	flowtest.NeedCounter(t)
	cfg.Measure = flow.MeasureInstructions
	if err := bisectflow.Bisect(context.Background(), cfg, o); err != nil {
		t.Fatalf("%v\n%s", err, cfg.Stderr)
	}
	res := readBisect(t, cfg)
	if res.Regressed || len(res.Culprits) != 0 || len(res.Steps) != 1 {
		t.Errorf("regressed %v, culprits %v, %d steps; want no regression, none, one step", res.Regressed, culprits(res), len(res.Steps))
	}
	md, _ := os.ReadFile(filepath.Join(cfg.ResultsDir, bisectflow.BisectMarkdownFile))
	if !strings.Contains(string(md), "No regression between good and bad") {
		t.Errorf("bisect.md:\n%s", md)
	}
}

// TestBisectBadInput: ends that cannot be bisected are exit 2 before
// anything is measured.
func TestBisectBadInput(t *testing.T) {
	r, c := line(t, 2, step(0, 1000, 1000), nil)
	tests := []struct{ name, good, bad, want string }{
		{"reversed", c[2], c[0], "is not on the first-parent line"},
		{"same", c[1], c[1], "the same commit"},
		{"unknown", "nosuchref", c[1], "BENCH_GOOD: resolving"},
		{"nothing", "", "", "set BENCH_GOOD and BENCH_BAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, o := bisectConfig(t, r.Dir, tt.good, tt.bad)
			err := bisectflow.Bisect(context.Background(), cfg, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) || exit.Code(err) != 2 {
				t.Errorf("err = %v (exit %d), want exit 2 with %q", err, exit.Code(err), tt.want)
			}
			if m, _ := filepath.Glob(filepath.Join(cfg.ResultsDir, bisectflow.BisectDir, "*")); len(m) > 0 {
				t.Errorf("measured %v", m)
			}
		})
	}
}
