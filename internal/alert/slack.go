package alert

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/benchgate/benchgate/internal/verdict"
)

// SlackConfig configures Slack: an incoming webhook, or a bot token and a
// channel.
type SlackConfig struct {
	WebhookURL string // SLACK_WEBHOOK_URL
	Token      string // SLACK_BOT_TOKEN
	Channel    string // SLACK_CHANNEL
	// APIURL is Slack's Web API base. Default: slack-go's (slack.com/api/).
	APIURL string
}

// Configured reports whether s can post: a webhook, or a bot token and a
// channel.
func (s SlackConfig) Configured() bool {
	return s.WebhookURL != "" || s.Token != "" && s.Channel != ""
}

// TopRegressions is how many regressions the Slack message lists.
const TopRegressions = 10

func sendSlack(ctx context.Context, c *verdict.Comparison, cfg Config, hc *http.Client) Result {
	const ch = "slack"
	s := cfg.Slack
	if !s.Configured() {
		return skipped(ch, noSlack)
	}
	if c.Outcome() != verdict.Fail && !cfg.Always {
		return skipped(ch, "no regression")
	}
	blocks, text := SlackMessage(c, cfg.Run)
	return postSlack(ctx, s, hc, text, blocks, "")
}

// postSlack posts a message through the webhook, or else as the bot;
// detail describes it in the result (default: how it was sent).
func postSlack(ctx context.Context, s SlackConfig, hc *http.Client, text string, blocks []slack.Block, detail string) Result {
	const ch = "slack"
	if s.WebhookURL != "" {
		msg := &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}}
		if err := slack.PostWebhookCustomHTTPContext(ctx, s.WebhookURL, hc, msg); err != nil {
			return failed(ch, fmt.Errorf("posting to the webhook: %w", err))
		}
		return Result{Channel: ch, Outcome: "sent", Detail: cmp.Or(detail, "incoming webhook")}
	}
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if s.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(strings.TrimSuffix(s.APIURL, "/")+"/"))
	}
	if _, _, err := slack.New(s.Token, opts...).PostMessageContext(ctx, s.Channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return failed(ch, fmt.Errorf("chat.postMessage to %s: %w", s.Channel, err))
	}
	return Result{Channel: ch, Outcome: "sent", Detail: cmp.Or(detail, "chat.postMessage to "+s.Channel)}
}

// SlackMessage builds the Block Kit message and its plain-text fallback.
// Every string from a benchmark or a ref is escaped and capped within
// Slack's block limits.
func SlackMessage(c *verdict.Comparison, run RunInfo) ([]slack.Block, string) {
	repo := run.Repo
	if repo == "" {
		repo = "this repository"
	}
	s := c.Summary
	var title, text string
	switch {
	case c.Regressed():
		title = "Performance regression detected in " + repo
		text = fmt.Sprintf("⚠️ Performance regression detected in %s: %d of %d benchmarks regressed", repo, s.Regressions, s.Benchmarks)
	case c.Outcome() == verdict.Fail:
		title = "Benchmarks missing in " + repo
		text = fmt.Sprintf("⚠️ Benchmarks missing in %s: %d metrics of the base are gone", repo, s.MissingRows)
	default:
		title = "No performance regression in " + repo
		text = fmt.Sprintf("✅ No performance regression in %s (%d benchmarks)", repo, s.Benchmarks)
	}
	blocks := []slack.Block{slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, truncate(title, slackHeaderMax), true, false))}

	var where strings.Builder
	if ref := c.Current.Ref; ref != "" {
		fmt.Fprintf(&where, "*Ref:* %s", slackCode(truncate(ref, 100)))
	}
	if commit := c.Current.Commit; commit != "" {
		fmt.Fprintf(&where, "  *Commit:* %s", slackCode(verdict.ShortCommit(commit)))
	}
	if base := c.Base.Ref + " " + verdict.ShortCommit(c.Base.Commit); strings.TrimSpace(base) != "" {
		fmt.Fprintf(&where, "  *Base:* %s", slackCode(truncate(strings.TrimSpace(base), 100)))
	}
	fmt.Fprintf(&where, "\n*%d* regressions, *%d* improvements, *%d* unchanged, %d undecided, %d missing, %d new (of %d benchmarks)",
		s.Regressions, s.Improvements, s.Unchanged, s.Undecided, s.Missing, s.New, s.Benchmarks)
	blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, truncate(where.String(), slackSectionMax), false, false), nil, nil))

	var regs []verdict.Row
	for _, r := range c.Rows {
		if r.Status == verdict.StatusRegression {
			regs = append(regs, r)
		}
	}
	slices.SortStableFunc(regs, func(a, b verdict.Row) int {
		return cmpAbs(float64(b.DeltaPct), float64(a.DeltaPct))
	})
	if len(regs) > 0 {
		var list strings.Builder
		list.WriteString("*Top regressions*\n")
		for i, r := range regs {
			if i == TopRegressions {
				fmt.Fprintf(&list, "…and %d more\n", len(regs)-i)
				break
			}
			line := fmt.Sprintf("• %s %s: %s (%s)\n", slackCode(truncate(r.Benchmark, 120)), slackText(r.Unit), deltaText(r.DeltaPct), evidence(r))
			if list.Len()+len(line) > slackSectionMax-40 {
				fmt.Fprintf(&list, "…and %d more\n", len(regs)-i)
				break
			}
			list.WriteString(line)
		}
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, list.String(), false, false), nil, nil))
	}
	if run.URL != "" {
		link := fmt.Sprintf("<%s|View the CI run> · <%s#artifacts|Report artifact>", slackText(run.URL), slackText(run.URL))
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, link, false, false), nil, nil))
		text += " " + run.URL
	}
	if len(blocks) > slackBlocksMax {
		blocks = blocks[:slackBlocksMax]
	}
	return blocks, text
}

func deltaText(d verdict.Number) string {
	if !d.Finite() {
		return "from zero"
	}
	return fmt.Sprintf("%+.1f%%", float64(d))
}

func evidence(r verdict.Row) string {
	n := 0
	if r.Current != nil {
		n = r.Current.N
	}
	if r.Unverified || !r.P.Finite() {
		return fmt.Sprintf("unverified, n=%d", n)
	}
	return fmt.Sprintf("p=%.3f, n=%d", float64(r.P), n)
}

func cmpAbs(a, b float64) int {
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	switch {
	case a < b || (a != a):
		return -1
	case a > b:
		return 1
	}
	return 0
}
