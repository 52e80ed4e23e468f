package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"outreach/internal/outreach"
)

// Engine names a database engine.
type Engine string

// Engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the database.
type Store struct {
	db     *sql.DB
	engine Engine
	// Now is the clock; tests replace it.
	Now func() time.Time
	// writer queues this process's write transactions on SQLite (see tx);
	// nil on PostgreSQL.
	writer chan struct{}
	// dash caches dashboards by data generation (SQLite only).
	dash dashCache
	// trees keeps unit trees per date, plans keeps the engine's plans
	// (treecache.go).
	trees treeCache
	plans planCache
	// wconn is the connection SQLite write transactions use while they
	// hold the writer slot.
	wconn *sql.Conn
	// stopCheckpoints ends checkpointLoop (SQLite).
	stopCheckpoints context.CancelFunc
	checkpoints     sync.WaitGroup
	// afterResolve, set by tests only, runs between an activity's
	// resolution and its transaction.
	afterResolve func()
	// stmts holds prepared statements by query text (SQLite only; see
	// exec).
	stmts  sync.Map
	nStmts atomic.Int64
}

// SQLiteFile is the database file's name inside the data directory.
const SQLiteFile = "outreach.db"

// Open opens the database: PostgreSQL when databaseURL is set, otherwise
// the SQLite file in dataDir (created when missing). It does not migrate.
func Open(ctx context.Context, dataDir, databaseURL string) (*Store, error) {
	if databaseURL != "" {
		return OpenPostgres(ctx, databaseURL)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	return OpenSQLite(ctx, filepath.Join(dataDir, SQLiteFile))
}

// OpenSQLite opens (creating) the SQLite database at path, with a busy
// timeout, WAL, foreign keys and transactions that take the write lock at
// BEGIN, so that two writers queue instead of failing half-way.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(NORMAL)", "cache_size(-65536)", "temp_store(MEMORY)",
		"wal_autocheckpoint(0)", "journal_size_limit(67108864)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// Opening a connection (its pragmas, then re-preparing the cached
	// statements on it) costs more than a write: with database/sql's
	// default of two idle connections, 50 concurrent requests opened a
	// new one for most requests. Idle connections are kept for a while.
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(10 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, engine: SQLite, Now: time.Now, writer: make(chan struct{}, 1)}
	var err2 error
	if s.wconn, err2 = db.Conn(ctx); err2 != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err2)
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stopCheckpoints = cancel
	s.checkpoints.Add(1)
	go s.checkpointLoop(cctx)
	return s, nil
}

// OpenPostgres connects to PostgreSQL.
func OpenPostgres(ctx context.Context, databaseURL string) (*Store, error) {
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	// Idle connections are kept (database/sql keeps 2): a new one is a
	// new server process, whose first queries cost tens of milliseconds
	// more, and a whole plan's facts are read on four at once.
	db.SetMaxIdleConns(20)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &Store{db: db, engine: Postgres, Now: time.Now}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stopCheckpoints != nil {
		s.stopCheckpoints()
		s.checkpoints.Wait()
	}
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	if s.wconn != nil {
		s.wconn.Close()
	}
	return s.db.Close()
}

// ExecWriter runs a statement on the connection SQLite write transactions
// use, for per-connection settings (a test limits its pages with
// max_page_count to stand in for a full disk). On PostgreSQL it runs on
// the pool.
func (s *Store) ExecWriter(ctx context.Context, query string) error {
	if s.wconn == nil {
		_, err := s.db.ExecContext(ctx, query)
		return err
	}
	s.writer <- struct{}{}
	defer func() { <-s.writer }()
	_, err := s.wconn.ExecContext(ctx, query)
	return err
}

// checkpointEvery is how often a SQLite store copies the write-ahead log
// back into the database file.
const checkpointEvery = time.Second

// checkpointLoop checkpoints the WAL in the background. SQLite would
// otherwise do it inside the commit that crosses 1,000 pages, holding the
// write lock (a third of the commit time under load). A PASSIVE
// checkpoint waits for no one; the last connection to close checkpoints
// whatever is left.
func (s *Store) checkpointLoop(ctx context.Context) {
	defer s.checkpoints.Done()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil && ctx.Err() == nil {
				slog.Warn("wal checkpoint", "err", err)
			}
		}
	}
}

// Engine reports which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// DB exposes the handle for tests and diagnostics.
func (s *Store) DB() *sql.DB { return s.db }

func (s *Store) now() time.Time { return s.Now().UTC() }

// stampLayout is fixed-width, so stored timestamps sort and compare as text.
const stampLayout = "2006-01-02T15:04:05.000000Z07:00"

func (s *Store) stamp() string { return s.now().Format(stampLayout) }

// writerWait is how long a transaction queues for the process's SQLite
// writer slot before it goes ahead and lets SQLite's busy timeout decide.
const writerWait = 10 * time.Second

// tx runs fn in a transaction, committing when it returns nil.
//
// On SQLite every transaction takes the database's single write lock at
// BEGIN. Left to SQLite, concurrent writers poll for it with sleeps of up
// to 100 ms, so under load the lock sits idle between polls and an
// unlucky writer can wait past the busy timeout. So the process's
// transactions first queue for s.writer, in arrival order; after
// writerWait they go ahead anyway (as before, the busy timeout then
// applies), so a transaction begun inside another cannot hang.
func (s *Store) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	held := false
	if s.writer != nil {
		wait := time.NewTimer(writerWait)
		select {
		case s.writer <- struct{}{}:
			held = true
			defer func() { <-s.writer }()
		case <-wait.C:
		case <-ctx.Done():
			wait.Stop()
			return ctx.Err()
		}
		wait.Stop()
	}
	var tx *sql.Tx
	var err error
	if s.wconn != nil && held {
		// The writer slot's own connection: its page cache is never
		// made stale by another connection's write, and the cached
		// statements are prepared on it once.
		tx, err = s.wconn.BeginTx(ctx, nil)
	} else {
		tx, err = s.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// cachedQuerier runs statements through the store's statement cache,
// inside tx or, when tx is nil, on the pool. On SQLite a statement is
// prepared once per connection and kept: parsing and planning a small
// statement costs about as much as running it, and the write path runs
// the same few dozen statements for every record (pgx caches prepared
// statements per connection by itself). Only statements with a fixed
// text belong here, never text built from user input.
type cachedQuerier struct {
	s  *Store
	tx *sql.Tx
}

// cached runs tx's statements through the cache; reads runs reads on the
// pool through it, for the requests that come by the hundred per second
// (a token's user, the record just written).
func (s *Store) cached(tx *sql.Tx) cachedQuerier { return cachedQuerier{s, tx} }
func (s *Store) reads() cachedQuerier            { return cachedQuerier{s: s} }

// stmt returns q prepared for the querier, or nil where the store does
// not cache statements. database/sql reuses a statement already prepared
// on the transaction's connection and closes only the transaction's
// handle at its end.
func (c cachedQuerier) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	st, err := c.s.dbStmt(ctx, q)
	if st == nil || err != nil || c.tx == nil {
		return st, err
	}
	return c.tx.StmtContext(ctx, st), nil
}

// plain is the querier statements run on unprepared.
func (c cachedQuerier) plain() querier {
	if c.tx != nil {
		return c.tx
	}
	return c.s.db
}

func (c cachedQuerier) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.plain().QueryContext(ctx, q, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c cachedQuerier) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st, err := c.stmt(ctx, q); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.plain().QueryRowContext(ctx, q, args...)
}

func (c cachedQuerier) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.plain().ExecContext(ctx, q, args...)
	}
	return st.ExecContext(ctx, args...)
}

// dbStmt returns q prepared on the pool (database/sql prepares it again
// on each connection that runs it, once), or nil where the store does
// not cache statements or the cache is full.
func (s *Store) dbStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if s.engine != SQLite {
		return nil, nil
	}
	v, ok := s.stmts.Load(q)
	if !ok {
		if s.nStmts.Load() >= maxStmts {
			return nil, nil
		}
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		if v, ok = s.stmts.LoadOrStore(q, st); ok {
			st.Close()
		} else {
			s.nStmts.Add(1)
		}
	}
	return v.(*sql.Stmt), nil
}

// maxStmts bounds the statement cache, in case a statement's text varies
// more than it should: past it, statements run unprepared.
const maxStmts = 1000

// audit writes one audit row inside tx. before and after are marshalled to
// JSON; nil leaves the column empty.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, actor outreach.Actor, action, entity, key string, before, after any) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	var actorID any
	if actor.UserID != 0 {
		actorID = actor.UserID
	}
	_, err = s.cached(tx).ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_key, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.stamp(), actorID, actor.Name(), action, entity, key, b, a)
	return err
}

// translate maps engine errors to the domain's error kinds, leaving others
// as they are.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w", outreach.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: a record with the same key exists", outreach.ErrConflict)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: records still refer to it", outreach.ErrConflict)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("the database is locked by another process; try again: %w", err)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("the disk is full; nothing was written: %w", err)
		case sqlite3.SQLITE_IOERR_WRITE: // a quota or file size limit (EDQUOT, EFBIG), or a failing disk
			return fmt.Errorf("the database file could not be written (disk full, quota or file size limit reached, or a disk fault); nothing was written: %w", err)
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return fmt.Errorf("%w: a record with the same key exists (%s)", outreach.ErrConflict, pe.ConstraintName)
		case "23503":
			return fmt.Errorf("%w: records still refer to it (%s)", outreach.ErrConflict, pe.ConstraintName)
		}
	}
	return err
}

// nullable turns "" into NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// joinList and splitList store short lists of codes in one text column.
func joinList(xs []string) string { return strings.Join(xs, ",") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// parseStamp reads a timestamp the store wrote.
func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
