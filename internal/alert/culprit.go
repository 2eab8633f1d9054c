package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/benchgate/benchgate/internal/verdict"
	"github.com/google/go-github/v75/github"
	"github.com/slack-go/slack"
)

// A Culprit is a bisection's answer, as the alerts tell it.
type Culprit struct {
	// Good and Bad are the ends' full commit ids.
	Good, Bad string
	// Headline is the answer in one line ("culprit abc1234 ...").
	Headline string
	// Markdown is bisect.md, the section the issues get.
	Markdown string
}

// The markers around the bisection's section of an issue body: a second
// bisection replaces the section, never adds another.
const (
	BisectStart = "<!-- benchgate:bisect -->"
	BisectEnd   = "<!-- /benchgate:bisect -->"
)

// SendCulprit names the culprit where the regression was alerted: it
// edits in place benchgate's open regression issue and its open
// change-point issues whose first bad commit is the bisection's bad end,
// and posts the answer to Slack. It prints one line per channel.
func SendCulprit(ctx context.Context, c Culprit, cfg Config, out io.Writer) error {
	ctx, cancel, hc, red := cfg.session(ctx)
	defer cancel()
	var errs []error
	for _, r := range append(editIssues(ctx, c, cfg, hc), slackCulprit(ctx, c, cfg, hc)) {
		if r = red.report(out, r); r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}

// editIssues puts the bisection's section into every issue it answers.
func editIssues(ctx context.Context, c Culprit, cfg Config, hc *http.Client) []Result {
	const ch = "issue"
	g := cfg.GitHub
	if g.Token == "" {
		return []Result{skipped(ch, noToken)}
	}
	client, owner, repo, err := g.client(hc, cfg.Run.Repo)
	if err != nil {
		return []Result{failed(ch, err)}
	}
	var out []Result
	opts := &github.IssueListByRepoOptions{State: "open", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		issues, resp, err := client.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return append(out, failed(ch, fmt.Errorf("listing open issues: %w", err)))
		}
		for _, is := range issues {
			body := is.GetBody()
			marker, _, _ := strings.Cut(body, "\n")
			if is.IsPullRequest() || !answers(marker, c.Bad) || !g.ours(is.GetUser().GetLogin(), body, marker) {
				continue
			}
			edited := withSection(body, c.Markdown)
			if _, _, err := client.Issues.Edit(ctx, owner, repo, is.GetNumber(), &github.IssueRequest{Body: &edited}); err != nil {
				out = append(out, failed(ch, fmt.Errorf("editing issue #%d: %w", is.GetNumber(), err)))
				continue
			}
			out = append(out, Result{Channel: ch, Outcome: "updated", Detail: fmt.Sprintf("issue #%d names the culprit", is.GetNumber())})
		}
		if resp.NextPage == 0 {
			break
		}
		opts.ListOptions.Page = resp.NextPage
	}
	if len(out) == 0 {
		out = append(out, skipped(ch, "no open regression or change-point issue of benchgate's for "+verdict.ShortCommit(c.Bad)))
	}
	return out
}

// answers reports whether an issue whose first line is marker is one a
// bisection ending at bad answers: the regression issue, or the change
// point whose first bad commit is bad.
func answers(marker, bad string) bool {
	if marker == IssueMarker {
		return true
	}
	rest, ok := strings.CutPrefix(marker, changePointMarker)
	if !ok {
		return false
	}
	commit, _, _ := strings.Cut(rest, " ")
	return len(commit) >= 7 && strings.HasPrefix(bad, commit)
}

// withSection returns body with the bisection's section in place of an
// earlier one, or appended.
func withSection(body, md string) string {
	section := BisectStart + "\n" + md + "\n" + BisectEnd
	if i := strings.Index(body, BisectStart); i >= 0 {
		if j := strings.Index(body[i:], BisectEnd); j >= 0 {
			return body[:i] + section + body[i+j+len(BisectEnd):]
		}
	}
	return strings.TrimRight(body, "\n") + "\n\n" + section + "\n"
}

// slackCulprit posts the answer to Slack.
func slackCulprit(ctx context.Context, c Culprit, cfg Config, hc *http.Client) Result {
	s := cfg.Slack
	if !s.Configured() {
		return skipped("slack", noSlack)
	}
	repo := cfg.Run.Repo
	if repo == "" {
		repo = "this repository"
	}
	text := slackText(fmt.Sprintf("🔎 Performance bisection in %s (%s..%s): %s", repo, verdict.ShortCommit(c.Good), verdict.ShortCommit(c.Bad), c.Headline))
	section := fmt.Sprintf("*Performance bisection* in %s, %s..%s\n%s", slackText(repo), slackCode(verdict.ShortCommit(c.Good)), slackCode(verdict.ShortCommit(c.Bad)), slackText(truncate(c.Headline, 2500)))
	if cfg.Run.URL != "" {
		section += fmt.Sprintf("\n<%s|the run>: bisect.md in its artifacts", cfg.Run.URL)
	}
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncate(section, 2900), false, false), nil, nil)}
	return postSlack(ctx, s, hc, truncate(text, 3000), blocks, "bisection "+verdict.ShortCommit(c.Bad))
}
