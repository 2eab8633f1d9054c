package alert

import (
	"context"
	"errors"
	"fmt"
	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/markdown"
	"github.com/benchgate/benchgate/internal/verdict"
	"io"
	"net/http"
	"strings"

	"github.com/google/go-github/v75/github"
	"github.com/slack-go/slack"
)

// A ChangePoint is a worsening in the history that no one acknowledged:
// a change point (or a drift) of one benchmark metric.
type ChangePoint struct {
	// Kind is "change point" or "drift".
	Kind changepoint.Kind
	// Benchmark is pkg.Name; Unit its metric.
	Benchmark, Unit    string
	LastGood, FirstBad string
	Before, After      float64
	ChangePct          float64
}

// The starts of the change-point and drift issues' markers.
const (
	changePointMarker = "<!-- benchgate:changepoint "
	driftMarker       = "<!-- benchgate:drift "
)

// Marker identifies the issue of a change point: its commit and metric
// (a drift: its metric alone, while its issue is open).
func (cp ChangePoint) Marker() string {
	if cp.Kind == changepoint.Slide {
		return fmt.Sprintf(driftMarker+"%s %s -->", markdown.CommentSafe(cp.Benchmark), markdown.CommentSafe(cp.Unit))
	}
	return fmt.Sprintf(changePointMarker+"%s %s %s -->", markdown.CommentSafe(cp.FirstBad), markdown.CommentSafe(cp.Benchmark), markdown.CommentSafe(cp.Unit))
}

func (cp ChangePoint) summary() string {
	return fmt.Sprintf("%s %s %+.1f%% (%s → %s) at %s", cp.Benchmark, cp.Unit, cp.ChangePct, verdict.ShortCommit(cp.LastGood), verdict.ShortCommit(cp.FirstBad), cp.Kind)
}

// SendChangePoints alerts once per change point: for each one without a
// GitHub issue of benchgate's (found by its marker, written by the bot,
// open or closed; a drift's only while open), it opens one and, when
// Slack is configured, posts it there. Without GitHub there is no record
// of what was said, so Slack hears every run's change points. It prints
// one line per channel and change point.
func SendChangePoints(ctx context.Context, cps []ChangePoint, cfg Config, out io.Writer) error {
	ctx, cancel, hc, red := cfg.session(ctx)
	defer cancel()
	g := cfg.GitHub
	var client *github.Client
	var owner, repo string
	if g.Token != "" {
		var err error
		if client, owner, repo, err = g.client(hc, cfg.Run.Repo); err != nil {
			return red.Error(err)
		}
	} else {
		fmt.Fprintln(out, "issue: skipped ("+noToken+": each run's change points go to Slack again)")
	}
	var errs []error
	report := func(r Result) {
		if r = red.report(out, r); r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	var existing map[string]bool
	if client != nil {
		var err error
		if existing, err = markedIssues(ctx, client, owner, repo, g); err != nil {
			return red.Error(fmt.Errorf("listing issues: %w", err))
		}
	}
	for _, cp := range cps {
		if existing[cp.Marker()] {
			report(skipped("issue", "already alerted: "+cp.summary()))
			continue
		}
		if client != nil {
			title := fmt.Sprintf("⚠️ Performance %s: %s %s %+.1f%% at %s", cp.Kind, cp.Benchmark, cp.Unit, cp.ChangePct, verdict.ShortCommit(cp.FirstBad))
			body := cp.Marker() + "\n" + changePointBody(cp, cfg.Run.URL)
			labels := g.Labels
			if len(labels) == 0 {
				labels = DefaultLabels
			}
			req := &github.IssueRequest{Title: &title, Body: &body, Labels: &labels}
			if len(g.Assignees) > 0 {
				req.Assignees = &g.Assignees
			}
			is, _, err := client.Issues.Create(ctx, owner, repo, req)
			if err != nil {
				report(failed("issue", fmt.Errorf("opening the issue of %s: %w", cp.summary(), err)))
				continue
			}
			report(Result{Channel: "issue", Outcome: "sent", Detail: fmt.Sprintf("issue #%d: %s", is.GetNumber(), cp.summary())})
		}
		report(slackChangePoint(ctx, cp, cfg, hc))
	}
	return errors.Join(errs...)
}

// markedIssues returns the markers of benchgate's change-point issues:
// change points open or closed, drifts open.
func markedIssues(ctx context.Context, client *github.Client, owner, repo string, g GitHubConfig) (map[string]bool, error) {
	found := map[string]bool{}
	opts := &github.IssueListByRepoOptions{State: "all", ListOptions: github.ListOptions{PerPage: 100}}
	for {
		issues, resp, err := client.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return nil, err
		}
		for _, is := range issues {
			body := is.GetBody()
			line, _, _ := strings.Cut(body, "\n")
			drift := strings.HasPrefix(line, driftMarker)
			if is.IsPullRequest() || !(strings.HasPrefix(line, changePointMarker) || drift) || !g.ours(is.GetUser().GetLogin(), body, line) {
				continue
			}
			if drift && is.GetState() != "open" {
				continue
			}
			found[line] = true
		}
		if resp.NextPage == 0 {
			return found, nil
		}
		opts.ListOptions.Page = resp.NextPage
	}
}

func changePointBody(cp ChangePoint, runURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## 📈 Performance %s\n\n", cp.Kind)
	fmt.Fprintf(&b, "`%s` `%s` went from %g to %g (%+.1f%%): last good commit `%s`, first bad `%s`.\n\n",
		markdown.Code(cp.Benchmark), markdown.Code(cp.Unit), cp.Before, cp.After, cp.ChangePct, markdown.Code(cp.LastGood), markdown.Code(cp.FirstBad))
	if runURL != "" {
		fmt.Fprintf(&b, "Found by [this run](%s); its `performance-trend` artifact has trend.html.\n\n", runURL)
	}
	b.WriteString("If the change is intended, accept it in `.benchgate-ack`:\n\n")
	if cp.Kind == changepoint.Slide {
		fmt.Fprintf(&b, "    drift %s %s\n", markdown.Code(cp.Benchmark), markdown.Code(cp.Unit))
	} else {
		fmt.Fprintf(&b, "    %s %s %s\n", markdown.Code(verdict.ShortCommit(cp.FirstBad)), markdown.Code(cp.Benchmark), markdown.Code(cp.Unit))
	}
	return b.String()
}

// slackChangePoint posts one change point to Slack.
func slackChangePoint(ctx context.Context, cp ChangePoint, cfg Config, hc *http.Client) Result {
	const ch = "slack"
	s := cfg.Slack
	if !s.Configured() {
		return skipped(ch, noSlack)
	}
	repo := cfg.Run.Repo
	if repo == "" {
		repo = "this repository"
	}
	text := slackText(fmt.Sprintf("📈 Performance %s in %s: %s %s %+.1f%% at %s", cp.Kind, repo, cp.Benchmark, cp.Unit, cp.ChangePct, verdict.ShortCommit(cp.FirstBad)))
	section := fmt.Sprintf("*Performance %s* in %s\n%s %s: %s%% (%s → %s), last good %s, first bad %s",
		cp.Kind, slackText(repo), slackCode(truncate(cp.Benchmark, 200)), slackCode(cp.Unit), fmt.Sprintf("%+.1f", cp.ChangePct),
		fmt.Sprintf("%g", cp.Before), fmt.Sprintf("%g", cp.After), slackCode(verdict.ShortCommit(cp.LastGood)), slackCode(verdict.ShortCommit(cp.FirstBad)))
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncate(section, 2900), false, false), nil, nil)}
	return postSlack(ctx, s, hc, text, blocks, cp.summary())
}
