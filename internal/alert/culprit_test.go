package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestCulpritEditsIssuesInPlace: the bisection's answer goes into the
// open regression issue and the change point's issue of its bad end,
// edited in place (a second bisection replaces the section), never into
// another commit's issue or one benchgate did not write; Slack hears the
// culprit.
func TestCulpritEditsIssuesInPlace(t *testing.T) {
	gh := newGitHubFake(t, 0)
	bad := "2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	bot := map[string]any{"login": "github-actions[bot]"}
	cp := ChangePoint{Kind: "change point", Benchmark: "example.com/m/log.BenchmarkAppend", Unit: "sec/op", FirstBad: bad}
	other := ChangePoint{Kind: "change point", Benchmark: "example.com/m/log.BenchmarkAppend", Unit: "sec/op", FirstBad: "3333333cccc"}
	gh.issues = []map[string]any{
		{"number": 90, "state": "open", "body": IssueMarker + "\nregressed", "user": bot},
		{"number": 91, "state": "open", "body": cp.Marker() + "\nchange point", "user": bot},
		{"number": 92, "state": "open", "body": other.Marker() + "\nanother commit's", "user": bot},
		{"number": 93, "state": "open", "body": IssueMarker + "\nforged", "user": map[string]any{"login": "mallory"}},
	}
	slackSrv := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { io.WriteString(w, "ok") })
	cfg := baseConfig()
	cfg.Slack.WebhookURL = slackSrv.URL + "/hook"
	cfg.GitHub = GitHubConfig{Token: "ghs_secrettoken", APIURL: gh.URL + "/api/v3"}
	c := Culprit{Good: "1111111aaaa", Bad: bad, Headline: `culprit 4444444 "add a cache": BenchmarkAppend +15.0% sec/op`, Markdown: "## 🔎 Performance bisection\n\n**Culprit `4444444`** add a cache\n"}
	var out bytes.Buffer
	if err := SendCulprit(context.Background(), c, cfg, &out); err != nil {
		t.Fatal(err)
	}
	c.Markdown = "## 🔎 Performance bisection\n\n**Culprit `5555555`** the second answer\n"
	if err := SendCulprit(context.Background(), c, cfg, &out); err != nil {
		t.Fatal(err)
	}
	want := "GET /api/v3/repos/acme/streamer/issues?per_page=100&state=open\n" +
		"PATCH /api/v3/repos/acme/streamer/issues/90\n" +
		"PATCH /api/v3/repos/acme/streamer/issues/91\n" +
		"GET /api/v3/repos/acme/streamer/issues?per_page=100&state=open\n" +
		"PATCH /api/v3/repos/acme/streamer/issues/90\n" +
		"PATCH /api/v3/repos/acme/streamer/issues/91"
	if got := summarize(gh.requests()); got != want {
		t.Fatalf("GitHub requests:\n%s\nwant:\n%s", got, want)
	}
	var edit map[string]string
	json.Unmarshal([]byte(gh.requests()[5].Body), &edit)
	body := edit["body"]
	if !strings.HasPrefix(body, cp.Marker()+"\nchange point\n\n"+BisectStart+"\n") || strings.Count(body, BisectStart) != 1 || !strings.Contains(body, "the second answer") || strings.Contains(body, "add a cache") {
		t.Errorf("issue 91 after two bisections:\n%s", body)
	}
	if n := len(slackSrv.requests()); n != 2 || !strings.Contains(slackSrv.requests()[0].Body, "culprit 4444444") {
		t.Errorf("%d Slack posts, want 2 naming the culprit: %v", n, slackSrv.requests())
	}
	if !strings.Contains(out.String(), "issue: updated (issue #90 names the culprit)") {
		t.Errorf("output:\n%s", out.String())
	}
}
