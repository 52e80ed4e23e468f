package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"outreach/internal/outreach"
)

// EvidenceInfo describes an evidence file without its content.
type EvidenceInfo struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	CreatedAt   string `json:"created_at"`
	CreatedBy   string `json:"created_by"`
}

func (s *Store) evidenceOf(ctx context.Context, ownerType string, ownerID int64) ([]EvidenceInfo, error) {
	var es []EvidenceInfo
	err := each(ctx, s.reads(), `SELECT id, name, content_type, size, sha256, created_at, created_by FROM evidence
		WHERE owner_type = $1 AND owner_id = $2 ORDER BY id`, []any{ownerType, ownerID}, func(r *sql.Rows) error {
		var e EvidenceInfo
		err := r.Scan(&e.ID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.CreatedAt, &e.CreatedBy)
		es = append(es, e)
		return err
	})
	return es, err
}

// cleanFileName keeps a file name printable and short, without any path.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut]
	}
	name = strings.ToValidUTF8(name, "")
	if name == "" || name == "." {
		name = "tep-dinh-kem"
	}
	return name
}

// checkOwnerWrite says whether the actor may attach to or detach from the
// owner record.
func (s *Store) checkOwnerWrite(ctx context.Context, q querier, actor outreach.Actor, ownerType string, ownerID int64) error {
	switch ownerType {
	case "activity":
		a, err := s.loadActivity(ctx, q, ownerID)
		if err != nil {
			return err
		}
		if _, err := s.checkActivityWrite(ctx, q, actor, a); err != nil {
			return err
		}
		if a.Deleted() {
			return fmt.Errorf("activity %d is deleted; restore it first: %w", ownerID, outreach.ErrConflict)
		}
		return nil
	case "model":
		return s.checkModelWrite(ctx, q, actor, ownerID)
	}
	return fmt.Errorf("evidence owner %q: %w", ownerType, outreach.ErrInvalid)
}

// CheckEvidenceWrite says whether the actor may attach a file to the
// record, so that an upload is refused before its body is read.
func (s *Store) CheckEvidenceWrite(ctx context.Context, actor outreach.Actor, ownerType string, ownerID int64) (err error) {
	defer wrap(&err, "CheckEvidenceWrite(%s %d)", ownerType, ownerID)
	return s.checkOwnerWrite(ctx, s.db, actor, ownerType, ownerID)
}

// AddEvidence attaches a file to a record after checking its size and
// that its content is an accepted type.
func (s *Store) AddEvidence(ctx context.Context, actor outreach.Actor, ownerType string, ownerID int64, name string, data []byte) (_ EvidenceInfo, err error) {
	defer wrap(&err, "AddEvidence(%s %d)", ownerType, ownerID)
	ct, err := outreach.SniffEvidence(name, data)
	if err != nil {
		return EvidenceInfo{}, err
	}
	sum := sha256.Sum256(data)
	e := EvidenceInfo{Name: cleanFileName(name), ContentType: ct, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.stamp(), CreatedBy: actor.Name()}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkOwnerWrite(ctx, tx, actor, ownerType, ownerID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO evidence (owner_type, owner_id, name, content_type, size, sha256, data, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, ownerType, ownerID, e.Name, e.ContentType, e.Size, e.SHA256, data, e.CreatedAt, e.CreatedBy).Scan(&e.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "attach", ownerType, fmt.Sprint(ownerID), nil, e)
	})
	return e, err
}

// Evidence returns a file for download if the actor may read its owner.
func (s *Store) Evidence(ctx context.Context, actor outreach.Actor, id int64) (_ EvidenceInfo, data []byte, err error) {
	defer wrap(&err, "Evidence(%d)", id)
	var e EvidenceInfo
	var ownerType string
	var ownerID int64
	err = s.db.QueryRowContext(ctx, `SELECT id, name, content_type, size, sha256, created_at, created_by, owner_type, owner_id, data FROM evidence WHERE id = $1`, id).
		Scan(&e.ID, &e.Name, &e.ContentType, &e.Size, &e.SHA256, &e.CreatedAt, &e.CreatedBy, &ownerType, &ownerID, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil, fmt.Errorf("evidence %d: %w", id, outreach.ErrNotFound)
	} else if err != nil {
		return e, nil, err
	}
	switch ownerType {
	case "activity":
		_, err = s.Activity(ctx, actor, ownerID)
	case "model":
		_, err = s.Model(ctx, actor, ownerID)
	}
	return e, data, err
}

// DeleteEvidence removes an attached file.
func (s *Store) DeleteEvidence(ctx context.Context, actor outreach.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteEvidence(%d)", id)
	return s.tx(ctx, func(tx *sql.Tx) error {
		var e EvidenceInfo
		var ownerType string
		var ownerID int64
		err := tx.QueryRowContext(ctx, `SELECT id, name, size, owner_type, owner_id FROM evidence WHERE id = $1`, id).Scan(&e.ID, &e.Name, &e.Size, &ownerType, &ownerID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("evidence %d: %w", id, outreach.ErrNotFound)
		} else if err != nil {
			return err
		}
		if err := s.checkOwnerWrite(ctx, tx, actor, ownerType, ownerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence WHERE id = $1`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "detach", ownerType, fmt.Sprint(ownerID), e, nil)
	})
}
