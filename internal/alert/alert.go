// Package alert tells people about a comparison: a Slack message (incoming
// webhook or bot token), a sticky pull-request comment and, for scheduled
// or main-branch runs, a GitHub issue. It reads the comparison only; a
// missing or failing channel never changes the verdict.
package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/benchgate/benchgate/internal/verdict"
)

// Config says which channels are configured and where to send. A channel
// whose settings are empty is skipped.
type Config struct {
	Slack  SlackConfig
	GitHub GitHubConfig
	// Run describes the CI run, for links and titles.
	Run RunInfo
	// Always sends a short all-clear when nothing regressed (BENCH_ALERT_ALWAYS).
	// Default false: a regression-free comparison sends nothing, except
	// that an existing sticky PR comment is updated so it is never stale.
	Always bool
	// Timeout bounds all sending. Default 2 minutes.
	Timeout time.Duration
	// Retry is the retry policy of every request. Default DefaultRetryPolicy.
	Retry RetryPolicy
	// Now gives the date of issue titles. Default time.Now.
	Now func() time.Time
}

// RunInfo describes where the comparison comes from.
type RunInfo struct {
	// Repo is "owner/name".
	Repo string
	// URL is the CI run's page (its artifacts are listed there); "" when
	// not in CI.
	URL string
	// Event is the GitHub event name (pull_request, push, schedule, ...).
	Event string
	// Ref is the git ref of the run (refs/heads/main).
	Ref string
}

// Markdown renders the PR comment and issue bodies; the caller passes the
// report package's Markdown so this package does not render reports.
type Markdown func(c *verdict.Comparison, detailsLink string) (string, error)

// A Result says what one channel did.
type Result struct {
	Channel string
	// Outcome is "sent", "updated", "skipped" or "failed".
	Outcome string
	Detail  string
	Err     error
}

func (r Result) String() string {
	s := fmt.Sprintf("%s: %s", r.Channel, r.Outcome)
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	if r.Err != nil {
		s += ": " + r.Err.Error()
	}
	return s
}

// Send sends to every configured channel, prints one line per channel to
// out, and returns the channels' errors joined (secrets redacted).
func Send(ctx context.Context, c *verdict.Comparison, md Markdown, cfg Config, out io.Writer) ([]Result, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel, hc, red := cfg.session(ctx)
	defer cancel()
	results := []Result{
		sendSlack(ctx, c, cfg, hc),
		sendPRComment(ctx, c, md, cfg, hc),
		sendIssue(ctx, c, md, cfg, hc),
	}
	var errs []error
	for i := range results {
		results[i] = red.report(out, results[i])
		if results[i].Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", results[i].Channel, results[i].Err))
		}
	}
	return results, errors.Join(errs...)
}

// session is what every send shares: the deadline (Timeout, default 2
// minutes), an HTTP client that retries, and the redactor of cfg's
// secrets.
func (cfg Config) session(ctx context.Context) (context.Context, context.CancelFunc, *http.Client, *redactor) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	return ctx, cancel, &http.Client{Transport: newRetryTransport(cfg.Retry)}, newRedactor(cfg.Slack.WebhookURL, cfg.Slack.Token, cfg.GitHub.Token)
}

// report prints a channel's result, its secrets redacted, and returns it
// redacted.
func (r *redactor) report(out io.Writer, res Result) Result {
	res.Err, res.Detail = r.Error(res.Err), r.String(res.Detail)
	fmt.Fprintln(out, res.String())
	return res
}

// The reasons a channel is not configured; the caller names its settings.
const (
	noSlack = "no Slack webhook URL, nor bot token and channel"
	noToken = "no GitHub token"
)

func skipped(channel, why string) Result {
	return Result{Channel: channel, Outcome: "skipped", Detail: why}
}

func failed(channel string, err error) Result {
	return Result{Channel: channel, Outcome: "failed", Err: err}
}
