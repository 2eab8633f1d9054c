package database

import (
	"context"
	"fmt"
)

// Schema is the version of the tables this benchgate writes; migrations
// take an older database to it. docs/database.md documents it.
const Schema = 1

// migrations[i] takes a database from version i to i+1.
var migrations = []string{
	`CREATE TABLE repositories (
		id   bigserial PRIMARY KEY,
		name text NOT NULL UNIQUE
	);
	CREATE TABLE runs (
		id            bigserial PRIMARY KEY,
		repository_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
		commit        text NOT NULL,
		parent        text NOT NULL DEFAULT '',
		run_key       text NOT NULL,
		date          timestamptz NOT NULL,
		recorded      timestamptz NOT NULL,
		machine       text NOT NULL,
		goos          text NOT NULL DEFAULT '',
		goarch        text NOT NULL DEFAULT '',
		cpu           text NOT NULL DEFAULT '',
		go            text NOT NULL DEFAULT '',
		benchtime     text NOT NULL DEFAULT '',
		count         integer NOT NULL DEFAULT 0,
		UNIQUE (repository_id, commit, run_key)
	);
	CREATE INDEX runs_by_date ON runs (repository_id, date);
	CREATE TABLE metrics (
		run_id    bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
		position  integer NOT NULL,
		pkg       text NOT NULL,
		benchmark text NOT NULL,
		unit      text NOT NULL,
		samples   double precision[] NOT NULL,
		median    double precision NOT NULL,
		base      text,
		delta_pct double precision,
		lo_pct    double precision,
		hi_pct    double precision,
		PRIMARY KEY (run_id, pkg, benchmark, unit)
	);
	CREATE INDEX metrics_by_benchmark ON metrics (benchmark, unit);
	CREATE TABLE findings (
		repository_id bigint NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
		kind          text NOT NULL,
		pkg           text NOT NULL,
		benchmark     text NOT NULL,
		unit          text NOT NULL,
		epoch         text NOT NULL,
		last_good     text NOT NULL,
		first_bad     text NOT NULL,
		before        double precision NOT NULL,
		after         double precision NOT NULL,
		change_pct    double precision NOT NULL,
		p             double precision,
		worse         boolean NOT NULL,
		acknowledged  boolean NOT NULL,
		found         timestamptz NOT NULL,
		PRIMARY KEY (repository_id, kind, pkg, benchmark, unit, first_bad)
	);`,
}

// migrate creates benchgate's tables or brings them to Schema, in one
// transaction, under an advisory lock so that two benchgates do not
// migrate at once.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrating the schema: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7716135820)`); err != nil {
		return fmt.Errorf("migrating the schema: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS benchgate_schema (version integer NOT NULL)`); err != nil {
		return fmt.Errorf("creating benchgate_schema: %w: the user needs CREATE on the database", err)
	}
	var version int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM benchgate_schema`).Scan(&version); err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	if version > Schema {
		return fmt.Errorf("%w: it is version %d, this benchgate writes version %d: update benchgate (nothing was written)", ErrNewerSchema, version, Schema)
	}
	for v := version; v < Schema; v++ {
		if _, err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrating the schema from version %d to %d: %w", v, v+1, err)
		}
	}
	if version < Schema {
		if _, err := tx.Exec(ctx, `DELETE FROM benchgate_schema; INSERT INTO benchgate_schema VALUES (`+fmt.Sprint(Schema)+`)`); err != nil {
			return fmt.Errorf("recording the schema version: %w", err)
		}
	}
	return tx.Commit(ctx)
}
