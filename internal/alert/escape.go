package alert

import "strings"

// Slack limits: a header's text, a section's text, the blocks of a
// message.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackBlocksMax  = 50
)

// slackText escapes what Slack treats as markup in mrkdwn: &, < and >
// become entities, so no <!channel> or <url|label> can be injected.
func slackText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackCode shows s as inline code: inside backticks, *, _ and ~ do not
// format; a backtick in s would end the span, so it becomes a quote.
func slackCode(s string) string {
	return "`" + slackText(strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "\n", " ")) + "`"
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
