package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/benchgate/benchgate/internal/golden"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// comparison reads a small comparison with two regressions, one of them
// named to try to break out of Slack's and Markdown's structure.
func comparison(t *testing.T, regress bool) *verdict.Comparison {
	t.Helper()
	factor := 1.0
	if regress {
		factor = 2
	}
	var base, cur strings.Builder
	for _, w := range []*strings.Builder{&base, &cur} {
		w.WriteString("goos: linux\ngoarch: amd64\npkg: example.com/svc\nsuite: storage\n")
	}
	names := []string{"BenchmarkAppend", "BenchmarkEvil/<!channel>*bold*_x_`code`|<https://evil.example|click>", "BenchmarkSteady"}
	for i, name := range names {
		f := factor
		if i == 2 {
			f = 1
		}
		for s := 0; s < 6; s++ {
			v := 1000 * (1 + 0.001*float64(s))
			fmt.Fprintf(&base, "%s-8\t100\t%g ns/op\n", name, v)
			fmt.Fprintf(&cur, "%s-8\t100\t%g ns/op\n", name, v*f)
		}
	}
	bs, _ := verdict.Read(strings.NewReader(base.String()), "base.txt")
	cs, _ := verdict.Read(strings.NewReader(cur.String()), "current.txt")
	bs.Config["commit"], bs.Config["ref"] = "1111111111111111111111111111111111111111", "main"
	cs.Config["commit"], cs.Config["ref"] = "2222222222222222222222222222222222222222", "feature/x"
	c, err := verdict.Compare(bs, cs, verdict.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func renderMarkdown(c *verdict.Comparison, link string) (string, error) {
	var b bytes.Buffer
	err := report.Markdown(&b, c, report.MarkdownOptions{Limit: report.DefaultMarkdownOptions.Limit, DetailsLink: link})
	return b.String(), err
}

// recorded is one request a fake server received.
type recorded struct {
	Method, Path, Query, Auth, ContentType string
	Body                                   string
}

// fake is an httptest server that records requests and answers with the
// handler's response.
type fake struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)})
		n := len(f.reqs)
		f.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func baseConfig() Config {
	return Config{
		Run:   RunInfo{Repo: "acme/streamer", URL: "https://github.example/acme/streamer/actions/runs/42", Event: "pull_request"},
		Retry: RetryPolicy{Attempts: 3, Backoff: 10 * time.Millisecond, MaxWait: 5 * time.Second},
		Now:   func() time.Time { return time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) },
	}
}

func indentJSON(t *testing.T, s string) []byte {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return b
}

func TestSlackWebhookPayload(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { io.WriteString(w, "ok") })
	cfg := baseConfig()
	cfg.Slack.WebhookURL = srv.URL + "/services/T000/B000/XXXX"
	var out bytes.Buffer
	res, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/services/T000/B000/XXXX" || !strings.HasPrefix(reqs[0].ContentType, "application/json") {
		t.Fatalf("requests: %+v", reqs)
	}
	golden.Check(t, "slack_webhook.json", indentJSON(t, reqs[0].Body))
	body := strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(reqs[0].Body) // as Slack decodes it
	for _, bad := range []string{"<!channel>", "<https://evil"} {
		if strings.Contains(body, bad) {
			t.Errorf("payload carries %q unescaped", bad)
		}
	}
	// Inside a code span, * _ ~ do not format; < > & are entities.
	if want := "`BenchmarkEvil/&lt;!channel&gt;*bold*_x_'code'|&lt;https://evil.example|click&gt;-8`"; !strings.Contains(body, want) {
		t.Errorf("payload lacks the escaped name %s", want)
	}
	if res[0].Outcome != "sent" || !strings.Contains(out.String(), "slack: sent (incoming webhook)") {
		t.Errorf("output:\n%s", out.String())
	}
	for _, want := range []string{"pr-comment: skipped", "issue: skipped (not a scheduled or main-branch run)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSlackBotPostMessage(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		io.WriteString(w, `{"ok":true,"channel":"C123","ts":"1700000000.000100"}`)
	})
	cfg := baseConfig()
	cfg.Slack = SlackConfig{Token: "xoxb-test-token", Channel: "#perf", APIURL: srv.URL + "/api"}
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Path != "/api/chat.postMessage" || reqs[0].ContentType != "application/x-www-form-urlencoded" {
		t.Fatalf("requests: %+v", reqs)
	}
	form := parseForm(t, reqs[0].Body)
	if form["channel"] != "#perf" {
		t.Errorf("channel %q", form["channel"])
	}
	if form["token"] != "xoxb-test-token" && reqs[0].Auth != "Bearer xoxb-test-token" {
		t.Errorf("token neither in the form nor the Authorization header: %q %q", form["token"], reqs[0].Auth)
	}
	if !strings.HasPrefix(form["text"], "⚠️ Performance regression detected in acme/streamer: 2 of 3 benchmarks regressed") {
		t.Errorf("text %q", form["text"])
	}
	golden.Check(t, "slack_bot_blocks.json", indentJSON(t, form["blocks"]))
}

func parseForm(t *testing.T, body string) map[string]string {
	r, _ := http.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for k := range r.PostForm {
		m[k] = r.PostForm.Get(k)
	}
	return m
}

// githubFake acts as the GitHub REST API for comments and issues, keeping
// state across runs.
type githubFake struct {
	*fake
	mu       sync.Mutex
	comments []map[string]any // on PR 7
	issues   []map[string]any
}

func newGitHubFake(t *testing.T, others int) *githubFake {
	g := &githubFake{}
	for i := 0; i < others; i++ {
		g.comments = append(g.comments, map[string]any{"id": 1000 + i, "body": fmt.Sprintf("looks good %d", i), "user": map[string]any{"login": "alice"}})
	}
	g.fake = newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		g.mu.Lock()
		defer g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		var in map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &in)
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/v3/repos/acme/streamer/issues/7/comments":
			page := r.URL.Query().Get("page")
			lo, hi := 0, min(100, len(g.comments))
			if page == "2" {
				lo, hi = min(100, len(g.comments)), len(g.comments)
			} else if len(g.comments) > 100 {
				w.Header().Set("Link", fmt.Sprintf(`<%s/api/v3/repos/acme/streamer/issues/7/comments?per_page=100&page=2>; rel="next"`, g.URL))
			}
			json.NewEncoder(w).Encode(g.comments[lo:hi])
		case r.Method == "POST" && r.URL.Path == "/api/v3/repos/acme/streamer/issues/7/comments":
			c := map[string]any{"id": 5000 + len(g.comments), "body": in["body"], "user": map[string]any{"login": "github-actions[bot]"}}
			g.comments = append(g.comments, c)
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(c)
		case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/api/v3/repos/acme/streamer/issues/comments/"):
			json.NewEncoder(w).Encode(map[string]any{"id": 1, "body": in["body"]})
		case r.Method == "PATCH" && strings.HasPrefix(r.URL.Path, "/api/v3/repos/acme/streamer/issues/"):
			num := strings.TrimPrefix(r.URL.Path, "/api/v3/repos/acme/streamer/issues/")
			for _, is := range g.issues {
				if fmt.Sprint(is["number"]) == num {
					is["body"] = in["body"]
					json.NewEncoder(w).Encode(is)
					return
				}
			}
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Not Found"}`)
		case r.Method == "GET" && r.URL.Path == "/api/v3/repos/acme/streamer/issues":
			json.NewEncoder(w).Encode(g.issues)
		case r.Method == "POST" && r.URL.Path == "/api/v3/repos/acme/streamer/issues":
			is := map[string]any{"number": 90 + len(g.issues), "title": in["title"], "body": in["body"], "state": "open", "user": map[string]any{"login": "github-actions[bot]"}}
			g.issues = append(g.issues, is)
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(is)
		case r.Method == "POST" && strings.HasPrefix(r.URL.Path, "/api/v3/repos/acme/streamer/issues/9"):
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(map[string]any{"id": 777, "body": in["body"]})
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"message":"Not Found"}`)
		}
	})
	return g
}

func summarize(reqs []recorded) string {
	var lines []string
	for _, r := range reqs {
		line := r.Method + " " + r.Path
		if r.Query != "" {
			line += "?" + r.Query
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func TestStickyPRComment(t *testing.T) {
	gh := newGitHubFake(t, 130) // two pages of other comments
	cfg := baseConfig()
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3", PR: 7}
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	first := gh.requests()
	want := "GET /api/v3/repos/acme/streamer/issues/7/comments?per_page=100\n" +
		"GET /api/v3/repos/acme/streamer/issues/7/comments?page=2&per_page=100\n" +
		"POST /api/v3/repos/acme/streamer/issues/7/comments"
	if got := summarize(first); got != want {
		t.Fatalf("first run:\n%s\nwant:\n%s", got, want)
	}
	if first[0].Auth != "Bearer ghs_secrettoken" {
		t.Errorf("Authorization %q", first[0].Auth)
	}
	var posted map[string]string
	json.Unmarshal([]byte(first[2].Body), &posted)
	if !strings.HasPrefix(posted["body"], CommentMarker+"\n## 📊 Performance Regression Test Results") || strings.Contains(posted["body"], "<!channel>") {
		t.Errorf("comment body:\n%s", posted["body"])
	}
	// The next push has no regression: the sticky comment is edited in
	// place to the all-clear, not posted again.
	out.Reset()
	if _, err := Send(context.Background(), comparison(t, false), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	second := gh.requests()[3:]
	want = "GET /api/v3/repos/acme/streamer/issues/7/comments?per_page=100\n" +
		"GET /api/v3/repos/acme/streamer/issues/7/comments?page=2&per_page=100\n" +
		"PATCH /api/v3/repos/acme/streamer/issues/comments/5130"
	if got := summarize(second); got != want {
		t.Fatalf("second run:\n%s\nwant:\n%s", got, want)
	}
	json.Unmarshal([]byte(second[2].Body), &posted)
	if !strings.Contains(posted["body"], "No performance regressions detected") {
		t.Errorf("edited body:\n%s", posted["body"])
	}
	if !strings.Contains(out.String(), "pr-comment: updated (comment 5130 on #7)") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestRegressionIssue(t *testing.T) {
	gh := newGitHubFake(t, 0)
	cfg := baseConfig()
	cfg.Run.Event = "schedule"
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3", OpenIssue: true, Assignees: []string{"perf-lead", "oncall"}}
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	reqs := gh.requests()
	want := "GET /api/v3/repos/acme/streamer/issues?labels=performance%2Cregression%2CP1&per_page=100&state=open\n" +
		"POST /api/v3/repos/acme/streamer/issues"
	if got := summarize(reqs); got != want {
		t.Fatalf("first run:\n%s\nwant:\n%s", got, want)
	}
	var created struct {
		Title     string   `json:"title"`
		Body      string   `json:"body"`
		Labels    []string `json:"labels"`
		Assignees []string `json:"assignees"`
	}
	json.Unmarshal([]byte(reqs[1].Body), &created)
	if created.Title != "⚠️ Performance Regression Detected - 2026-11-25" ||
		strings.Join(created.Labels, ",") != "performance,regression,P1" ||
		strings.Join(created.Assignees, ",") != "perf-lead,oncall" ||
		!strings.Contains(created.Body, IssueMarker) || !strings.Contains(created.Body, "[this run](https://github.example/acme/streamer/actions/runs/42)") {
		t.Errorf("issue request: %+v", created)
	}
	// A week later, still regressed: a comment on the open issue.
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	want = "GET /api/v3/repos/acme/streamer/issues?labels=performance%2Cregression%2CP1&per_page=100&state=open\n" +
		"POST /api/v3/repos/acme/streamer/issues/90/comments"
	if got := summarize(gh.requests()[2:]); got != want {
		t.Fatalf("second run:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(out.String(), "issue: updated (comment 777 on open issue #90)") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestRetryAfterThenSuccess(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, "ok")
	})
	cfg := baseConfig()
	cfg.Slack.WebhookURL = srv.URL + "/hook"
	var waits []time.Duration
	cfg.Retry.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("waits %v, want one of Retry-After: 1 second", waits)
	}
	if srv.requests()[0].Body != srv.requests()[1].Body {
		t.Errorf("the retry sent a different body")
	}
}

// TestServerErrorsGiveUpCleanly: a 5xx is retried only where a retry
// cannot duplicate anything (the GET that lists comments, three tries);
// the webhook's POST is sent once. Either way the error is a one-liner.
func TestServerErrorsGiveUpCleanly(t *testing.T) {
	const secretPath = "/services/T0SECRET/B0SECRET/verysecretwebhookpath"
	for _, tt := range []struct {
		name     string
		config   func(cfg *Config, url string)
		attempts int
		channel  string
	}{
		{"webhook POST", func(cfg *Config, url string) { cfg.Slack.WebhookURL = url + secretPath }, 1, "slack: failed"},
		{"comments GET", func(cfg *Config, url string) {
			cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: url + "/api/v3", PR: 7}
		}, 3, "pr-comment: failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
				w.WriteHeader(500)
				io.WriteString(w, "internal error")
			})
			cfg := baseConfig()
			tt.config(&cfg, srv.URL)
			var out bytes.Buffer
			_, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out)
			if err == nil {
				t.Fatal("no error after 500s")
			}
			if n := len(srv.requests()); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
			if !strings.Contains(err.Error(), "500") || strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error is not a clean one-liner naming the status: %q", err)
			}
			if !strings.Contains(out.String(), tt.channel) {
				t.Errorf("output:\n%s", out.String())
			}
		})
	}
}

// TestShouldRetry: a request is sent again only when that cannot do
// twice what it did once.
func TestShouldRetry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("x"))
	if refused == nil {
		t.Fatal("a closed port accepted a connection")
	}
	status := func(code int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	tests := []struct {
		name   string
		method string
		resp   *http.Response
		err    error
		want   bool
	}{
		{"GET 502", "GET", status(502, ""), nil, true},
		{"PATCH 503", "PATCH", status(503, ""), nil, true},
		{"POST 500", "POST", status(500, ""), nil, false},
		{"POST timeout", "POST", nil, context.DeadlineExceeded, false},
		{"POST reset", "POST", nil, errors.New("read: connection reset by peer"), false},
		{"POST connection refused", "POST", nil, refused, true},
		{"POST 429 with Retry-After", "POST", status(429, "2"), nil, true},
		{"POST 429 without Retry-After", "POST", status(429, ""), nil, false},
		{"GET 404", "GET", status(404, ""), nil, false},
		{"POST 201", "POST", status(201, ""), nil, false},
	}
	for _, tt := range tests {
		if got := shouldRetry(tt.method, tt.resp, tt.err); got != tt.want {
			t.Errorf("%s: shouldRetry = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestForgedMarkerIsNotOurs: a comment or issue that another user starts
// with benchgate's marker is never edited or commented on; benchgate
// writes its own.
func TestForgedMarkerIsNotOurs(t *testing.T) {
	gh := newGitHubFake(t, 0)
	gh.comments = append(gh.comments, map[string]any{"id": 666, "body": CommentMarker + "\nplease edit me", "user": map[string]any{"login": "mallory"}})
	gh.issues = append(gh.issues, map[string]any{"number": 13, "body": IssueMarker + "\nforged", "state": "open", "user": map[string]any{"login": "mallory"}})
	cfg := baseConfig()
	cfg.Run.Event = "schedule"
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3", PR: 7, OpenIssue: true}
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	for _, r := range gh.requests() {
		if strings.Contains(r.Path, "/comments/666") || strings.Contains(r.Path, "/issues/13") {
			t.Errorf("touched the forged one: %s %s", r.Method, r.Path)
		}
	}
	if !strings.Contains(out.String(), "pr-comment: sent") || !strings.Contains(out.String(), "issue: sent (issue #") {
		t.Errorf("benchgate did not write its own comment and issue:\n%s", out.String())
	}
}

// TestSecretsNeverPrinted sends through every channel against servers
// that fail, and searches everything printed and returned for the
// secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	const webhookSecret = "T0SECRET/B0SECRET/webhook-secret-XYZ"
	const botToken = "xoxb-bot-secret-token-123"
	const ghToken = "ghp_github-secret-token-456"
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(502)
		io.WriteString(w, r.URL.String()+" "+r.Header.Get("Authorization")) // a server that echoes secrets back
	})
	for _, slackCfg := range []SlackConfig{
		{WebhookURL: srv.URL + "/services/" + webhookSecret},
		{Token: botToken, Channel: "#perf", APIURL: srv.URL + "/api"},
	} {
		cfg := baseConfig()
		cfg.Retry.Attempts = 2
		cfg.Slack = slackCfg
		cfg.GitHub = GitHubConfig{Token: ghToken, APIURL: srv.URL, PR: 7, OpenIssue: true}
		var out bytes.Buffer
		_, err := Send(context.Background(), comparison(t, true), renderMarkdown, cfg, &out)
		all := out.String() + "\n" + fmt.Sprint(err) + fmt.Sprintf("%+v", err)
		for _, secret := range []string{webhookSecret, "webhook-secret-XYZ", botToken, ghToken} {
			if strings.Contains(all, secret) {
				t.Errorf("secret %q printed:\n%s", secret, all)
			}
		}
	}
}

func TestNothingSentWithoutRegression(t *testing.T) {
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { io.WriteString(w, "ok") })
	cfg := baseConfig()
	cfg.Slack.WebhookURL = srv.URL + "/hook"
	var out bytes.Buffer
	if _, err := Send(context.Background(), comparison(t, false), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.requests()); n != 0 || !strings.Contains(out.String(), "slack: skipped (no regression)") {
		t.Errorf("%d requests; output:\n%s", n, out.String())
	}
	cfg.Always = true
	out.Reset()
	if _, err := Send(context.Background(), comparison(t, false), renderMarkdown, cfg, &out); err != nil {
		t.Fatal(err)
	}
	if reqs := srv.requests(); len(reqs) != 1 || !strings.Contains(reqs[0].Body, "No performance regression in acme/streamer") {
		t.Errorf("all-clear: %+v", reqs)
	}
}

func TestRedactor(t *testing.T) {
	hook := "https://hooks.slack.com/services/T000/B000/SECRETPATH"
	r := newRedactor(hook, "xoxb-123456", "")
	err := r.Error(fmt.Errorf("posting: %w", &url.Error{Op: "Post", URL: hook, Err: errors.New("connection refused")}))
	for _, secret := range []string{"SECRETPATH", "xoxb-123456", "T000/B000"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q in %q", secret, err)
		}
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("redaction broke the error chain")
	}
	if got := r.String("token=xoxb-123456&x=1"); got != "token=[redacted]&x=1" {
		t.Errorf("got %q", got)
	}
}

// TestRedactorForms: a secret with a trailing newline (as pasted into a
// CI secret), quoted by Go's URL parse error, escaped in a URL, or a
// credential benchgate was never told about, is redacted.
func TestRedactorForms(t *testing.T) {
	hook := "https://hooks.slack.com/services/T111/B222/NEWLINESECRET\n"
	r := newRedactor(hook, "ghp_abcdefghijklmnop1234")
	_, perr := url.Parse(hook)
	for _, text := range []string{
		fmt.Sprint(perr),
		"url " + url.QueryEscape(hook),
		"other token ghs_0123456789abcdefXYZ and xoxp-9999-8888 and github_pat_11AAAAAAAAAAAAAAAAAAAAAA",
		"hooks.slack.com/workflows/T9/A9/123/zzz",
	} {
		got := r.String(text)
		for _, secret := range []string{"NEWLINESECRET", "ghs_0123456789", "xoxp-9999", "github_pat_11", "T9/A9"} {
			if strings.Contains(got, secret) {
				t.Errorf("%q left in %q", secret, got)
			}
		}
	}
}

// TestChangePointsAlertOnce: a change point whose issue benchgate opened
// before is not alerted again; one whose only issue was forged by another
// user is, and so is a drift whose issue was closed. Each new one opens an
// issue and posts to Slack.
func TestChangePointsAlertOnce(t *testing.T) {
	gh := newGitHubFake(t, 0)
	cps := []ChangePoint{
		{Kind: "change point", Benchmark: "example.com/m/log.BenchmarkAppend-2", Unit: "ns/op", LastGood: "1111111aaaa", FirstBad: "2222222bbbb", Before: 100, After: 150, ChangePct: 50},
		{Kind: "change point", Benchmark: "example.com/m/log.BenchmarkRead-2", Unit: "B/op", LastGood: "3333333", FirstBad: "4444444", Before: 64, After: 128, ChangePct: 100},
		{Kind: "drift", Benchmark: "example.com/m/log.BenchmarkScan-2", Unit: "ns/op", LastGood: "5555555", FirstBad: "6666666", Before: 10, After: 11, ChangePct: 10},
	}
	bot := map[string]any{"login": "github-actions[bot]"}
	gh.issues = []map[string]any{
		{"number": 11, "state": "closed", "body": cps[0].Marker() + "\nold", "user": bot},
		{"number": 12, "state": "open", "body": cps[1].Marker() + "\nforged", "user": map[string]any{"login": "mallory"}},
		{"number": 13, "state": "closed", "body": cps[2].Marker() + "\nfixed once", "user": bot},
	}
	slackSrv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { io.WriteString(w, "ok") })
	cfg := baseConfig()
	cfg.Slack.WebhookURL = slackSrv.URL + "/hook"
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3"}
	var out bytes.Buffer
	if err := SendChangePoints(context.Background(), cps, cfg, &out); err != nil {
		t.Fatal(err)
	}
	want := "GET /api/v3/repos/acme/streamer/issues?per_page=100&state=all\n" +
		"POST /api/v3/repos/acme/streamer/issues\n" +
		"POST /api/v3/repos/acme/streamer/issues"
	if got := summarize(gh.requests()); got != want {
		t.Fatalf("GitHub requests:\n%s\nwant:\n%s", got, want)
	}
	var created map[string]any
	json.Unmarshal([]byte(gh.requests()[1].Body), &created)
	if body := fmt.Sprint(created["body"]); !strings.HasPrefix(body, cps[1].Marker()+"\n") || !strings.Contains(body, "4444444 example.com/m/log.BenchmarkRead-2 B/op") {
		t.Errorf("issue body:\n%s", body)
	}
	if n := len(slackSrv.requests()); n != 2 || !strings.Contains(slackSrv.requests()[0].Body, "BenchmarkRead") {
		t.Errorf("%d Slack posts, want 2 (the new ones)", n)
	}
	if !strings.Contains(out.String(), "issue: skipped (already alerted: example.com/m/log.BenchmarkAppend-2 ns/op +50.0%") {
		t.Errorf("output:\n%s", out.String())
	}
}

// TestHostileChangePointName: a benchmark name carrying "-->", a Markdown
// link and <!channel> keeps the issue's hidden marker closed (the name is
// encoded in it, so the rest never renders), and neither the Slack
// blocks nor the fallback text carry a live mention.
func TestHostileChangePointName(t *testing.T) {
	gh := newGitHubFake(t, 0)
	cp := ChangePoint{Kind: "change point", Benchmark: "example.com/m.BenchmarkX/a-->[pwn](https://evil.example) <!channel>", Unit: "ns/op", LastGood: "1111111", FirstBad: "2222222", Before: 1, After: 2, ChangePct: 100}
	slackSrv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { io.WriteString(w, "ok") })
	cfg := baseConfig()
	cfg.Slack.WebhookURL = slackSrv.URL + "/hook"
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3"}
	var out bytes.Buffer
	if err := SendChangePoints(context.Background(), []ChangePoint{cp}, cfg, &out); err != nil {
		t.Fatal(err)
	}
	reqs := gh.requests()
	if len(reqs) != 2 {
		t.Fatalf("GitHub requests: %s", summarize(reqs))
	}
	var created map[string]any
	json.Unmarshal([]byte(reqs[1].Body), &created)
	body := fmt.Sprint(created["body"])
	marker, _, _ := strings.Cut(body, "\n")
	if !strings.HasPrefix(marker, "<!-- benchgate:changepoint ") || strings.Count(marker, "-->") != 1 || !strings.HasSuffix(marker, " -->") {
		t.Errorf("the marker does not hold the name: %q", marker)
	}
	if strings.Contains(strings.ReplaceAll(body, "`", ""), "](https://evil.example)") && !strings.Contains(body, "`example.com/m.BenchmarkX/a-->[pwn](https://evil.example) <!channel>`") {
		t.Errorf("the name renders outside a code span:\n%s", body)
	}
	posts := slackSrv.requests()
	if len(posts) != 1 {
		t.Fatalf("%d Slack posts, want 1", len(posts))
	}
	var msg map[string]any
	json.Unmarshal([]byte(posts[0].Body), &msg)
	if text := fmt.Sprint(msg["text"]); strings.Contains(text, "<!channel>") || !strings.Contains(text, "&lt;!channel&gt;") {
		t.Errorf("Slack fallback text carries a live mention: %q", text)
	}
}

// TestHugeErrorBodyIsCut: a 400 MB body on a 500 response is read only up
// to MaxErrorBody per attempt; the server sees the client hang up long
// before it is sent.
func TestHugeErrorBodyIsCut(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 400 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	cfg := baseConfig()
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: srv.URL + "/api/v3"}
	cps := []ChangePoint{{Kind: "change point", Benchmark: "p.BenchmarkA", Unit: "ns/op", FirstBad: "2222222"}}
	var out bytes.Buffer
	SendChangePoints(context.Background(), cps, cfg, &out)
	if n := sent.Load(); n > 100<<20 {
		t.Errorf("the server sent %d MB before the client stopped reading, want a few", n>>20)
	}
}
