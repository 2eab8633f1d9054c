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
		return nil, fmt.Errorf("not a PostgreSQL URL (%s): use postgres://user:password@host:5432/database", redact(err.Error(), url))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, explain(fmt.Sprintf("connecting to %s:%d", cfg.Host, cfg.Port), err, url, cfg.User)
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

// redact removes the URL's password from s.
func redact(s, url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		rest := url[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok && pw != "" {
				s = strings.ReplaceAll(s, pw, "xxxxx")
			}
		}
	}
	return s
}
