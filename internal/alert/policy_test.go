package alert

import (
	"errors"
	"strings"
	"testing"
)

func TestPolicy(t *testing.T) {
	for _, tt := range []struct {
		c    Config
		want bool
	}{
		{Config{}, false},
		{Config{Slack: SlackConfig{Token: "xoxb"}}, false}, // a bot token without its channel sends nowhere
		{Config{Slack: SlackConfig{Token: "xoxb", Channel: "#perf"}}, true},
		{Config{Slack: SlackConfig{WebhookURL: "https://hooks.example/x"}}, true},
		{Config{GitHub: GitHubConfig{Token: "ghs"}}, true},
	} {
		if got := tt.c.Configured(); got != tt.want {
			t.Errorf("%+v: Configured = %v, want %v", tt.c.Slack, got, tt.want)
		}
	}
	var b strings.Builder
	sendErr := errors.New("slack: 500")
	if err := (Policy{}).Outcome(sendErr, "culprit alerts", "the answer", "STRICT=1", &b); err != nil || b.String() != "culprit alerts failed; the answer stands (set STRICT=1 to fail on this)\n" {
		t.Errorf("lenient: %v, %q", err, b.String())
	}
	if err := (Policy{Strict: true}).Outcome(sendErr, "alerts", "the verdict", "STRICT=1", &b); !errors.Is(err, sendErr) || !strings.Contains(err.Error(), "STRICT=1") {
		t.Errorf("strict: %v", err)
	}
	if err := (Policy{Strict: true}).Outcome(nil, "alerts", "the verdict", "STRICT=1", &b); err != nil {
		t.Errorf("no failure: %v", err)
	}
}
