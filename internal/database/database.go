// Package database keeps benchgate's history in PostgreSQL, beside the
// history branch: repositories, runs with their samples and A/B changes,
// and bench:trend's change points and drift, for a Grafana dashboard (or
// any SQL) to read. It creates and migrates its own schema; many
// repositories share one database, keyed by name. Each run is written in
// one transaction (its metrics by COPY), so a failure never leaves half a
// run, and a run already there is never written twice.
package database

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// A DB is an open connection with benchgate's schema in place.
type DB struct {
	conn *pgx.Conn
}

// ErrNewerSchema is returned by Open when the database was migrated by
// a newer benchgate.
var ErrNewerSchema = errors.New("the database's schema is newer than this benchgate's")

// Open connects to url (postgres://user:password@host:port/db) and
// creates or migrates the schema. Its errors name what failed and the
// fix; the URL's password never appears in them.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// The driver's message quotes pieces of the URL, cut where it
		// went wrong: with an unencoded password those are pieces of
		// the password. Only the URL with its whole userinfo hidden is
		// said.
		return nil, fmt.Errorf("not a PostgreSQL URL (%s): use postgres://user:password@host:5432/database, with special characters of the password percent-encoded (@ %%40, : %%3A, / %%2F, ? %%3F, # %%23, %% %%25, & %%26, $ %%24)", hideUserinfo(url))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, explain(redact(fmt.Sprintf("connecting to %s:%d", cfg.Host, cfg.Port), url), err, url, cfg.User)
	}
	db := &DB{conn: conn}
	if err := db.migrate(ctx); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return db, nil
}

// Close closes the connection.
func (db *DB) Close() error { return db.conn.Close(context.Background()) }

// explain turns a connection error into what to do about it.
func explain(what string, err error, url, user string) error {
	msg := redact(err.Error(), url)
	var pgErr *pgconn.PgError
	var netErr net.Error
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "28P01":
		return fmt.Errorf("%s: wrong password for user %q: check the URL: %w", what, user, opaque(msg))
	case errors.As(err, &pgErr) && pgErr.Code == "3D000":
		return fmt.Errorf("%s: the database does not exist: create it (createdb) or name another in the URL: %w", what, opaque(msg))
	case errors.As(err, &netErr), strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"):
		return fmt.Errorf("%s: the server cannot be reached: check the host and port in the URL and that PostgreSQL runs there: %w", what, opaque(msg))
	}
	return fmt.Errorf("%s: %w", what, opaque(msg))
}

// opaque is an error with msg as its text only: the driver's own error
// may carry the URL.
func opaque(msg string) error { return errors.New(msg) }

// redact removes the URL's password from s: the whole of it, and each
// piece of it between the characters a parser cuts a URL at (@:/?#&%$),
// since a password written without percent-encoding is cut into pieces
// that land in the host, the path or the query of the driver's message.
func redact(s, url string) string {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return s
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	_, pw, ok := strings.Cut(rest[:at], ":")
	if !ok || pw == "" {
		return s
	}
	s = strings.ReplaceAll(s, pw, "xxxxx")
	for _, piece := range strings.FieldsFunc(pw, func(r rune) bool { return strings.ContainsRune("@:/?#&%$", r) }) {
		s = strings.ReplaceAll(s, piece, "xxxxx")
	}
	return s
}

// hideUserinfo is url with everything between "://" and its last "@"
// (the user and password, however they are written) replaced.
func hideUserinfo(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return "a string that is not a URL"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "xxxxx" + rest[at:]
	}
	return scheme + "://" + rest
}
