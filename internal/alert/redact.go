package alert

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// secretPatterns match credentials whatever their value: Slack webhook
// paths and tokens (xoxb-, xoxp-, ...), GitHub tokens (ghp_, ghs_, gho_,
// ghu_, ghr_, github_pat_).
var secretPatterns = regexp.MustCompile(`hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9/_\-]+|xox[abposre]-[A-Za-z0-9\-]{6,}|gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{20,}`)

// A redactor removes secrets (tokens, webhook URLs and their paths) from
// text: every error and line the alerts print passes through it, including
// errors wrapped by the Slack and GitHub libraries, which quote URLs. It
// removes each secret as given and trimmed, quoted as Go quotes it and
// URL-escaped, and anything that looks like a credential.
type redactor struct{ secrets []string }

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	add := func(s string) {
		if len(s) >= 4 && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	for _, raw := range secrets {
		for _, s := range []string{raw, strings.TrimSpace(raw)} {
			if len(s) < 4 {
				continue
			}
			add(s)
			add(strings.Trim(strconv.Quote(s), `"`))
			add(url.QueryEscape(s))
			add(url.PathEscape(s))
			if u, err := url.Parse(strings.TrimSpace(s)); err == nil && u.Path != "" && u.Path != "/" {
				add(u.Path)
				add(strings.TrimPrefix(u.Path, "/"))
				add(url.PathEscape(u.Path))
			}
		}
	}
	// Longest first: a URL goes before its path.
	slices.SortStableFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	return r
}

func (r *redactor) String(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return secretPatterns.ReplaceAllString(s, "[redacted]")
}

// redactedError keeps the chain for errors.Is and errors.As but prints
// without secrets.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func (r *redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.String(err.Error()), err: err}
}
