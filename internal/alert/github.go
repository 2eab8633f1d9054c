package alert

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v75/github"

	"github.com/benchgate/benchgate/internal/verdict"
)

// GitHubConfig configures the pull-request comment and the regression
// issue.
type GitHubConfig struct {
	Token string // GITHUB_TOKEN
	// APIURL is the REST API base (GITHUB_API_URL). Default
	// https://api.github.com; GitHub Enterprise's is https://HOST/api/v3.
	APIURL string
	// PR is the pull request to comment on; 0 skips the comment.
	PR int
	// OpenIssue opens (or comments on) a regression issue: scheduled and
	// main-branch runs.
	OpenIssue bool
	// Labels of the issue. Default performance, regression, P1.
	Labels []string
	// Assignees of the issue (BENCH_ISSUE_ASSIGNEES).
	Assignees []string
	// BotLogin is the login of the token's identity: only a comment or
	// issue it wrote, starting with benchgate's marker, is benchgate's
	// (BENCH_BOT_LOGIN). Default DefaultBotLogin, GITHUB_TOKEN's identity
	// in Actions.
	BotLogin string
}

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com"

// DefaultBotLogin is the identity of GitHub Actions' GITHUB_TOKEN.
const DefaultBotLogin = "github-actions[bot]"

// ours reports whether a comment or issue body by login is benchgate's
// own: written by the configured identity and starting with marker.
// Anyone can paste the marker; nobody else can write as the bot.
func (g GitHubConfig) ours(login, body, marker string) bool {
	bot := g.BotLogin
	if bot == "" {
		bot = DefaultBotLogin
	}
	return strings.EqualFold(login, bot) && strings.HasPrefix(body, marker)
}

// DefaultLabels are the labels of a regression issue.
var DefaultLabels = []string{"performance", "regression", "P1"}

// The hidden markers that find benchgate's own comment and issue again.
const (
	CommentMarker = "<!-- benchgate:pr-comment -->"
	IssueMarker   = "<!-- benchgate:regression-issue -->"
)

// client returns an API client and the owner and name of repo ("owner/name").
func (g GitHubConfig) client(hc *http.Client, repo string) (c *github.Client, owner, name string, err error) {
	if owner, name, err = splitRepo(repo); err != nil {
		return nil, "", "", err
	}
	c = github.NewClient(hc).WithAuthToken(g.Token)
	if g.APIURL != "" && g.APIURL != DefaultAPIURL {
		u, err := url.Parse(strings.TrimSuffix(g.APIURL, "/") + "/")
		if err != nil {
			return nil, "", "", fmt.Errorf("GitHub API URL %q: %w", g.APIURL, err)
		}
		c.BaseURL = u
	}
	return c, owner, name, nil
}

func splitRepo(repo string) (string, string, error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("repository %q is not owner/name", repo)
	}
	return owner, name, nil
}

// sendPRComment creates the sticky comment, or edits it in place when a
// comment with the marker exists. Without a regression it only updates an
// existing comment (so it never shows a stale regression), unless Always.
func sendPRComment(ctx context.Context, c *verdict.Comparison, md Markdown, cfg Config, hc *http.Client) Result {
	const ch = "pr-comment"
	g := cfg.GitHub
	switch {
	case g.PR == 0:
		return skipped(ch, "not a pull request")
	case g.Token == "":
		return skipped(ch, noToken)
	}
	client, owner, repo, err := g.client(hc, cfg.Run.Repo)
	if err != nil {
		return failed(ch, err)
	}
	existing, err := findComment(ctx, client, owner, repo, g)
	if err != nil {
		return failed(ch, fmt.Errorf("listing comments of #%d: %w", g.PR, err))
	}
	if existing == nil && c.Outcome() == verdict.Pass && !cfg.Always {
		return skipped(ch, "no regression")
	}
	body, err := md(c, cfg.Run.URL)
	if err != nil {
		return failed(ch, err)
	}
	body = CommentMarker + "\n" + body
	if existing != nil {
		if _, _, err := client.Issues.EditComment(ctx, owner, repo, existing.GetID(), &github.IssueComment{Body: &body}); err != nil {
			return failed(ch, fmt.Errorf("editing comment %d on #%d: %w", existing.GetID(), g.PR, err))
		}
		return Result{Channel: ch, Outcome: "updated", Detail: fmt.Sprintf("comment %d on #%d", existing.GetID(), g.PR)}
	}
	created, _, err := client.Issues.CreateComment(ctx, owner, repo, g.PR, &github.IssueComment{Body: &body})
	if err != nil {
		return failed(ch, fmt.Errorf("commenting on #%d: %w", g.PR, err))
	}
	return Result{Channel: ch, Outcome: "sent", Detail: fmt.Sprintf("comment %d on #%d", created.GetID(), g.PR)}
}

func findComment(ctx context.Context, client *github.Client, owner, repo string, g GitHubConfig) (*github.IssueComment, error) {
	opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		comments, resp, err := client.Issues.ListComments(ctx, owner, repo, g.PR, opts)
		if err != nil {
			return nil, err
		}
		for _, cm := range comments {
			if g.ours(cm.GetUser().GetLogin(), cm.GetBody(), CommentMarker) {
				return cm, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
}

// sendIssue opens a regression issue for scheduled and main-branch runs,
// or comments on the open one benchgate opened before.
func sendIssue(ctx context.Context, c *verdict.Comparison, md Markdown, cfg Config, hc *http.Client) Result {
	const ch = "issue"
	g := cfg.GitHub
	switch {
	case !g.OpenIssue:
		return skipped(ch, "not a scheduled or main-branch run")
	case g.Token == "":
		return skipped(ch, noToken)
	case c.Outcome() != verdict.Fail:
		return skipped(ch, "no regression")
	}
	client, owner, repo, err := g.client(hc, cfg.Run.Repo)
	if err != nil {
		return failed(ch, err)
	}
	labels := g.Labels
	if len(labels) == 0 {
		labels = DefaultLabels
	}
	body, err := md(c, cfg.Run.URL)
	if err != nil {
		return failed(ch, err)
	}
	if cfg.Run.URL != "" {
		body = fmt.Sprintf("Found by [this run](%s).\n\n%s", cfg.Run.URL, body)
	}
	open, err := findIssue(ctx, client, owner, repo, labels, g)
	if err != nil {
		return failed(ch, fmt.Errorf("listing open issues: %w", err))
	}
	if open != nil {
		cm, _, err := client.Issues.CreateComment(ctx, owner, repo, open.GetNumber(), &github.IssueComment{Body: &body})
		if err != nil {
			return failed(ch, fmt.Errorf("commenting on issue #%d: %w", open.GetNumber(), err))
		}
		return Result{Channel: ch, Outcome: "updated", Detail: fmt.Sprintf("comment %d on open issue #%d", cm.GetID(), open.GetNumber())}
	}
	title := "⚠️ Performance Regression Detected - " + cfg.Now().UTC().Format("2006-01-02")
	issueBody := IssueMarker + "\n" + body
	req := &github.IssueRequest{Title: &title, Body: &issueBody, Labels: &labels}
	if len(g.Assignees) > 0 {
		req.Assignees = &g.Assignees
	}
	created, _, err := client.Issues.Create(ctx, owner, repo, req)
	if err != nil {
		return failed(ch, fmt.Errorf("opening an issue: %w", err))
	}
	return Result{Channel: ch, Outcome: "sent", Detail: fmt.Sprintf("issue #%d", created.GetNumber())}
}

// findIssue returns benchgate's open regression issue, if any.
func findIssue(ctx context.Context, client *github.Client, owner, repo string, labels []string, g GitHubConfig) (*github.Issue, error) {
	opts := &github.IssueListByRepoOptions{State: "open", Labels: labels, ListOptions: github.ListOptions{PerPage: 100}}
	for {
		issues, resp, err := client.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return nil, err
		}
		for _, is := range issues {
			if !is.IsPullRequest() && g.ours(is.GetUser().GetLogin(), is.GetBody(), IssueMarker) {
				return is, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.ListOptions.Page = resp.NextPage
	}
}
