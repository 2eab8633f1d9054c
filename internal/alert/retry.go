package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy bounds retries of a request that failed on the network or
// with a 5xx or 429 status.
type RetryPolicy struct {
	// Attempts is the most tries per request, the first included. Default 3.
	Attempts int
	// Backoff is the wait before the second try; it doubles after each
	// try. Default 1s.
	Backoff time.Duration
	// MaxWait caps any single wait, Retry-After included: a longer
	// Retry-After gives up instead. Default 30s.
	MaxWait time.Duration
}

// DefaultRetryPolicy is the default of RetryPolicy.
var DefaultRetryPolicy = RetryPolicy{Attempts: 3, Backoff: time.Second, MaxWait: 30 * time.Second}

// retryTransport retries idempotent-enough requests (every request body
// must be replayable through GetBody) on network errors, 5xx and 429,
// honoring Retry-After. The request's context bounds everything.
type retryTransport struct {
	base   http.RoundTripper
	policy RetryPolicy
}

func newRetryTransport(p RetryPolicy) *retryTransport {
	if p.Attempts <= 0 {
		p.Attempts = DefaultRetryPolicy.Attempts
	}
	if p.Backoff <= 0 {
		p.Backoff = DefaultRetryPolicy.Backoff
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultRetryPolicy.MaxWait
	}
	return &retryTransport{base: http.DefaultTransport, policy: p}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return errors.New("gave up waiting to retry: deadline or cancel")
	case <-t.C:
		return nil
	}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	wait := t.policy.Backoff
	for attempt := 1; ; attempt++ {
		if attempt > 1 && req.Body != nil {
			if req.GetBody == nil {
				return nil, errors.New("cannot retry a request whose body cannot be replayed")
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, err := t.base.RoundTrip(req)
		retry, delay := false, wait
		switch {
		case err != nil:
			if req.Context().Err() != nil {
				return nil, err
			}
			retry = true
		case resp.StatusCode == http.StatusTooManyRequests:
			retry = true
			if s := resp.Header.Get("Retry-After"); s != "" {
				if secs, perr := strconv.Atoi(s); perr == nil {
					delay = time.Duration(secs) * time.Second
				}
			}
		case resp.StatusCode >= 500:
			retry = true
		}
		if !retry || attempt >= t.policy.Attempts {
			if err == nil && retry {
				// Out of attempts: hand back the last response as it is.
				return resp, nil
			}
			return resp, err
		}
		if delay > t.policy.MaxWait {
			if resp != nil {
				return resp, nil
			}
			return nil, fmt.Errorf("retry wait %s exceeds %s: %w", delay, t.policy.MaxWait, err)
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if serr := sleepCtx(req.Context(), delay); serr != nil {
			if err == nil {
				err = serr
			}
			return nil, err
		}
		wait *= 2
	}
}
