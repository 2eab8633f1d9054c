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

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// The network is off: every request goes to a proxy that is not there.
		chromedp.ProxyServer("http://127.0.0.1:9"), chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1600))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()

	var mu sync.Mutex
	var consoleErrors, requests, dialogs []string
	dialogOpened := make(chan struct{}, 1)
	listen := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == "error" || e.Type == "warning" || e.Type == "assert" {
				consoleErrors = append(consoleErrors, fmt.Sprintf("console %s", e.Type))
			}
		case *runtime.EventExceptionThrown:
			consoleErrors = append(consoleErrors, e.ExceptionDetails.Text)
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *cdppage.EventJavascriptDialogOpening:
			dialogs = append(dialogs, e.Message)
			select {
			case dialogOpened <- struct{}{}:
			default:
			}
		}
	}
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	go func() {
		for range dialogOpened {
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	must(err)
	must(chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#summary")))
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
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(80))
	must(err)
	close(dialogOpened)

	mu.Lock()
	defer mu.Unlock()
	if len(consoleErrors) > 0 {
		t.Errorf("console errors: %q", consoleErrors)
	}
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") {
			t.Errorf("the page fetched %s", u)
		}
	}
	if len(dialogs) > 0 {
		t.Errorf("a benchmark name ran script: dialogs %q", dialogs)
	}
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
	dir := os.Getenv("BENCHGATE_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "benchgate-artifacts")
	}
	os.MkdirAll(dir, 0o755)
	shotPath := filepath.Join(dir, "report.png")
	if len(shot) < 1000 {
		t.Errorf("screenshot of %d bytes", len(shot))
	} else if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
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
