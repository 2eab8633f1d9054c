package alert

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
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
	// Sleep waits between tries, or returns early when ctx ends. Default:
	// a real wait (tests record the waits instead).
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultRetryPolicy is the default of RetryPolicy.
var DefaultRetryPolicy = RetryPolicy{Attempts: 3, Backoff: time.Second, MaxWait: 30 * time.Second}

// retryTransport retries a request when a retry cannot duplicate what it
// did (every request body must be replayable through GetBody): an
// idempotent request (GET, PATCH of our own comment, ...) on network
// errors, 5xx and 429; a POST only when it provably did not reach the
// server (the connection was refused) or on 429 with Retry-After, so that
// a timeout or a 5xx never posts a message, comment or issue twice. It
// honors Retry-After. The request's context bounds everything.
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
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return &retryTransport{base: http.DefaultTransport, policy: p}
}

// The most of a response body anyone reads: go-github reads an error's
// body whole, and a server (or a proxy in between) may send gigabytes.
const (
	MaxErrorBody    = 1 << 20
	MaxResponseBody = 32 << 20
)

// limitBody cuts the response's body at MaxErrorBody for an error status,
// MaxResponseBody otherwise.
func limitBody(resp *http.Response) *http.Response {
	if resp == nil || resp.Body == nil {
		return resp
	}
	n := int64(MaxResponseBody)
	if resp.StatusCode >= 400 {
		n = MaxErrorBody
	}
	resp.Body = limitedBody{io.LimitReader(resp.Body, n), resp.Body}
	return resp
}

type limitedBody struct {
	io.Reader
	io.Closer
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
		if err != nil && req.Context().Err() != nil {
			return nil, err
		}
		retry, delay := shouldRetry(req.Method, resp, err), wait
		if retry && resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			if secs, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil {
				delay = time.Duration(secs) * time.Second
			}
		}
		if !retry || attempt >= t.policy.Attempts {
			if err == nil && retry {
				// Out of attempts: hand back the last response as it is.
				return limitBody(resp), nil
			}
			return limitBody(resp), err
		}
		if delay > t.policy.MaxWait {
			if resp != nil {
				return limitBody(resp), nil
			}
			return nil, fmt.Errorf("retry wait %s exceeds %s: %w", delay, t.policy.MaxWait, err)
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if serr := t.policy.Sleep(req.Context(), delay); serr != nil {
			if err == nil {
				err = serr
			}
			return nil, err
		}
		wait *= 2
	}
}

// shouldRetry decides whether a request that got resp or err may be sent
// again without risk of doing twice what it did once.
func shouldRetry(method string, resp *http.Response, err error) bool {
	idempotent := method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions ||
		method == http.MethodPut || method == http.MethodDelete || method == http.MethodPatch
	switch {
	case err != nil:
		return idempotent || notSent(err)
	case resp.StatusCode == http.StatusTooManyRequests:
		return idempotent || resp.Header.Get("Retry-After") != ""
	case resp.StatusCode >= 500:
		return idempotent
	}
	return false
}

// notSent reports whether err proves that the request never reached the
// server: the connection was refused, or could not be made at all.
func notSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
