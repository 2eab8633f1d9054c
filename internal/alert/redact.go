package alert

import (
	"net/url"
	"strings"
)

// A redactor removes secrets (tokens, webhook URLs and their paths) from
// text: every error and line the alerts print passes through it, including
// errors wrapped by the Slack and GitHub libraries, which quote URLs.
type redactor struct{ secrets []string }

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		r.secrets = append(r.secrets, s)
		if u, err := url.Parse(s); err == nil && u.Path != "" && u.Path != "/" {
			r.secrets = append(r.secrets, u.Path, strings.TrimPrefix(u.Path, "/"), url.PathEscape(u.Path))
		}
		r.secrets = append(r.secrets, url.QueryEscape(s))
	}
	return r
}

func (r *redactor) String(s string) string {
	for _, sec := range r.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
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
