package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/benchgate/benchgate/internal/verdict"
)

// chromium finds a Chromium binary. Without one the browser test skips,
// except under CI=true, where .ci/run installs Debian's chromium and a
// missing browser is a failure.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium on this CI machine: .ci/run must install the Debian package chromium")
	}
	t.Skip("no Chromium: install the Debian package chromium (apt-get install chromium) to run the browser test")
	return ""
}

// TestHTMLInBrowser loads the report from disk in headless Chromium with
// the network off and checks what a reader sees and does.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	exe := chromium(t)
	c := fixture(t, 40, "BenchmarkX/<script>alert(1)</script>")
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, c, DefaultHTMLOptions); err != nil {
		t.Fatal(err)
	}
	f.Close()

	pg := browse(t, exe, path, "#summary")
	ctx, must := pg.ctx, pg.must
	counts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map(e => [e.dataset.count, e.querySelector('b').textContent]))`))
	must(err)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.rows tbody tr').length`))
	must(err)
	scriptText, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('td')).map(td => td.textContent).find(t => t.includes('alert(1)')) || ''`))
	must(err)
	readChange := chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('table.rows')[0].tBodies[0].rows).map(r => r.cells[4].dataset.sort)`)
	click := chromedp.Evaluate[chromedp.Void](`document.querySelector('table.rows th:nth-child(5) button').click()`)
	before, err := chromedp.Run(ctx, readChange)
	must(err)
	must(chromedp.Do(ctx, click))
	afterAsc, err := chromedp.Run(ctx, readChange)
	must(err)
	must(chromedp.Do(ctx, click))
	afterDesc, err := chromedp.Run(ctx, readChange)
	must(err)
	pg.finish("report.png")
	if scriptText == "" || !strings.Contains(scriptText, "<script>alert(1)</script>") {
		t.Errorf("the <script> benchmark name is not shown as text: %q", scriptText)
	}
	s := c.Summary
	for label, want := range map[string]int{"regressions": s.Regressions, "improvements": s.Improvements, "unchanged": s.Unchanged, "undecided": s.Undecided, "missing": s.Missing, "new": s.New} {
		if counts[label] != strconv.Itoa(want) {
			t.Errorf("summary shows %s %s, the comparison has %d", counts[label], label, want)
		}
	}
	if rows != len(c.Rows) {
		t.Errorf("tables have %d rows, the comparison %d", rows, len(c.Rows))
	}
	if !isSorted(afterAsc, false) || !isSorted(afterDesc, true) || isSorted(before, false) {
		t.Errorf("sorting by Change did not reorder the rows:\nbefore %v\nasc    %v\ndesc   %v", before, afterAsc, afterDesc)
	}
}

// A browserPage is a file loaded in headless Chromium with the network off.
type browserPage struct {
	t      *testing.T
	ctx    context.Context
	cancel []context.CancelFunc

	mu                               sync.Mutex
	consoleErrors, requests, dialogs []string
	dialogOpened                     chan struct{}
}

// browse opens path in Chromium and waits until wait is visible.
func browse(t *testing.T, exe, path, wait string) *browserPage {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// The network is off: every request goes to a proxy that is not there.
		chromedp.ProxyServer("http://127.0.0.1:9"), chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1600))
	pg := &browserPage{t: t, dialogOpened: make(chan struct{}, 1)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	pg.cancel = append(pg.cancel, cancel)
	listen := func(ev any) {
		pg.mu.Lock()
		defer pg.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" || e.Type == "assert" {
				pg.consoleErrors = append(pg.consoleErrors, fmt.Sprintf("console %s", e.Type))
			}
		case *runtime.EventExceptionThrown:
			pg.consoleErrors = append(pg.consoleErrors, e.ExceptionDetails.Text)
		case *network.EventRequestWillBeSent:
			pg.requests = append(pg.requests, e.Request.URL)
		case *cdppage.EventJavascriptDialogOpening:
			pg.dialogs = append(pg.dialogs, e.Message)
			select {
			case pg.dialogOpened <- struct{}{}:
			default:
			}
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	pg.cancel = append(pg.cancel, cancel)
	pg.ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	pg.cancel = append(pg.cancel, cancel)
	go func() {
		for range pg.dialogOpened {
			chromedp.Call(pg.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	_, err := chromedp.Call(pg.ctx, network.Enable, network.EnableParams{})
	pg.must(err)
	pg.must(chromedp.Do(pg.ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(wait)))
	return pg
}

func (pg *browserPage) must(err error) {
	pg.t.Helper()
	if err != nil {
		pg.t.Fatal(err)
	}
}

// finish saves a screenshot as shot in $BENCHGATE_ARTIFACTS, closes the
// browser and checks that the page raised no error, fetched nothing and
// opened no dialog.
func (pg *browserPage) finish(shot string) {
	t := pg.t
	t.Helper()
	png, err := chromedp.Run(pg.ctx, chromedp.FullScreenshot(80))
	pg.must(err)
	close(pg.dialogOpened)
	for i := len(pg.cancel) - 1; i >= 0; i-- {
		defer pg.cancel[i]()
	}
	pg.mu.Lock()
	defer pg.mu.Unlock()
	if len(pg.consoleErrors) > 0 {
		t.Errorf("console errors: %q", pg.consoleErrors)
	}
	for _, u := range pg.requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the page fetched %s", u)
		}
	}
	if len(pg.dialogs) > 0 {
		t.Errorf("data ran script: dialogs %q", pg.dialogs)
	}
	dir := os.Getenv("BENCHGATE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "benchgate-artifacts")
	}
	os.MkdirAll(dir, 0o755)
	shotPath := filepath.Join(dir, shot)
	if len(png) < 1000 {
		t.Errorf("screenshot of %d bytes", len(png))
	} else if err := os.WriteFile(shotPath, png, 0o644); err != nil {
		t.Error(err)
	} else {
		t.Logf("screenshot: %s", shotPath)
	}
}

func isSorted(vals []string, desc bool) bool {
	fs := make([]float64, len(vals))
	for i, v := range vals {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		fs[i] = f
	}
	if desc {
		return sort.SliceIsSorted(fs, func(i, j int) bool { return fs[i] > fs[j] })
	}
	return sort.Float64sAreSorted(fs)
}

// TestLongNamesReadable: in a report of 300 rows, the longest benchmark
// name is whole in its table cell, wrapped inside it rather than cut,
// and the chart's shortened label of a long name holds the whole name
// on hover.
func TestLongNamesReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	exe := chromium(t)
	long := "BenchmarkTopicManagerConcurrentConsumers/" + strings.Repeat("consumers=16/partitions=16/msgSize=1024B/", 4) + "theEnd"
	c := fixture(t, 300)
	for i := range c.Rows { // the long name regressed: in the table and the chart
		if c.Rows[i].Status == verdict.StatusRegression && strings.HasSuffix(c.Rows[i].Benchmark, "case=0007-8") {
			c.Rows[i].Benchmark = long + "-8"
		}
	}
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, c, DefaultHTMLOptions); err != nil {
		t.Fatal(err)
	}
	f.Close()
	pg := browse(t, exe, path, "#summary")
	cell, err := chromedp.Run(pg.ctx, chromedp.Evaluate[map[string]any](`(() => {
		const td = Array.from(document.querySelectorAll('table.rows td:first-child')).find(td => td.textContent.includes('theEnd'));
		if (!td) return {found: false};
		td.closest('details') && (td.closest('details').open = true);
		return {found: true, text: td.textContent, cut: td.scrollWidth > td.clientWidth + 1, right: td.getBoundingClientRect().right, page: document.documentElement.clientWidth};
	})()`))
	pg.must(err)
	labels, err := chromedp.Run(pg.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('svg.chart text.label')).filter(t => t.textContent.includes('…')).map(t => [t.querySelector('title') ? t.querySelector('title').textContent : '', t.textContent.replace(t.querySelector('title') ? t.querySelector('title').textContent : '', '')].join('|'))`))
	pg.must(err)
	pg.finish("long-names.png")
	if cell["found"] != true || !strings.Contains(fmt.Sprint(cell["text"]), long) || cell["cut"] == true {
		t.Errorf("the longest name's cell: %v; want it whole and not cut", cell)
	}
	if len(labels) == 0 {
		t.Error("no shortened label in the chart")
	}
	for _, l := range labels {
		full, shown, _ := strings.Cut(l, "|")
		if !strings.HasSuffix(full, strings.TrimPrefix(shown, "…")) || len(full) <= len(shown) {
			t.Errorf("a shortened chart label %q has no whole name on hover (%q)", shown, full)
		}
	}
}
