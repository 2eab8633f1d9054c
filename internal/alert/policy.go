package alert

import (
	"fmt"
	"io"
)

// The alert policy, one for every flow that alerts (a regression, a
// change point, a bisection's culprit): which channels are configured,
// and what a failed send means for the target.

// Configured reports whether any channel is configured: Slack (a webhook,
// or a bot token with its channel) or GitHub (a token).
func (c Config) Configured() bool { return c.Slack.Configured() || c.GitHub.Token != "" }

// A Policy says what a failed send does to a target.
type Policy struct {
	// Strict makes a failed channel fail the target
	// (BENCH_ALERT_STRICT=1). Default false: the failure is printed and
	// the target's verdict stands.
	Strict bool
}

// Outcome is the target's error for a send that returned err: with
// Strict, err (naming what was sent: "culprit alerts", and how strict
// mode was asked for: its setting); else nil, after saying on stderr
// that what stands (the verdict, the answer) stands and how to be
// strict.
func (p Policy) Outcome(err error, what, stands, setting string, stderr io.Writer) error {
	if err == nil {
		return nil
	}
	if p.Strict {
		return fmt.Errorf("%s failed (%s): %w", what, setting, err)
	}
	fmt.Fprintf(stderr, "%s failed; %s stands (set %s to fail on this)\n", what, stands, setting)
	return nil
}
