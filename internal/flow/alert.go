package flow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/report"
	"github.com/benchgate/benchgate/internal/verdict"
)

// AlertStrictSetting is how a user makes a failed alert fail the target.
const AlertStrictSetting = "BENCH_ALERT_STRICT=1"

// AlertOptions configure Alert.
type AlertOptions struct {
	alert.Config
	// Policy says what a failed channel does (BENCH_ALERT_STRICT).
	alert.Policy
}

// Alert sends the comparison in comparison.json to every configured
// channel and prints one line per channel.
func Alert(ctx context.Context, cfg Config, opts AlertOptions) error {
	cmp, err := verdict.ReadComparison(cfg.Path(ComparisonFile))
	if err != nil {
		return fmt.Errorf("%w: run bench:regression (or bench:merge) first", err)
	}
	md := func(c *verdict.Comparison, link string) (string, error) {
		var b bytes.Buffer
		o := markdownOptions()
		o.DetailsLink = link
		err := report.Markdown(&b, c, o)
		return b.String(), err
	}
	_, err = alert.Send(ctx, cmp, md, opts.Config, cfg.Stdout)
	AlertHint(cfg.Stdout, opts.Config)
	return opts.Outcome(err, "alerts", "the verdict", AlertStrictSetting, cfg.Stderr)
}

// AlertHint names the settings of the channels that are not configured.
func AlertHint(w io.Writer, c alert.Config) {
	var unset []string
	if !c.Slack.Configured() {
		unset = append(unset, "Slack: SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL")
	}
	if c.GitHub.Token == "" {
		unset = append(unset, "GitHub: GITHUB_TOKEN and GITHUB_REPOSITORY (BENCH_PR outside a pull_request event)")
	}
	if len(unset) > 0 {
		fmt.Fprintf(w, "to configure: %s\n", strings.Join(unset, "; "))
	}
}
