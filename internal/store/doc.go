// Package store holds every SQL statement of outreach. One Store serves
// both engines: the embedded SQLite (modernc.org/sqlite, the default) and
// PostgreSQL (pgx), with the same portable SQL ($n placeholders, CTEs,
// ON CONFLICT, RETURNING) and per-engine migrations of identical names.
//
// Every method that changes data takes the acting outreach.Actor, checks
// the permission rules of the domain itself and writes its audit row in the
// same transaction as the change.
package store
