package historyflow

import (
	"context"
	"io"
	"testing"

	"github.com/benchgate/benchgate/internal/alert"
	"github.com/benchgate/benchgate/internal/changepoint"
	"github.com/benchgate/benchgate/internal/flow"
	"github.com/benchgate/benchgate/internal/history"
)

// TestChangePointAlertsFollowThePolicy: a Slack bot token without its
// channel configures nothing here either, as for the gate's alerts and
// the culprit's (it used to try to send, and fail under
// BENCH_ALERT_STRICT=1).
func TestChangePointAlertsFollowThePolicy(t *testing.T) {
	cfg := flow.DefaultConfig()
	cfg.Stdout, cfg.Stderr = io.Discard, io.Discard
	opts := &flow.AlertOptions{Config: alert.Config{Slack: alert.SlackConfig{Token: "xoxb-no-channel", APIURL: "http://127.0.0.1:1/"}}, Policy: alert.Policy{Strict: true}}
	findings := []history.Finding{{Kind: changepoint.Step, Benchmark: "BenchmarkX", Unit: "sec/op", Worse: true, ChangePct: 30}}
	if err := alertFindings(context.Background(), &cfg, findings, opts); err != nil {
		t.Errorf("a bot token without a channel was sent to: %v", err)
	}
}
