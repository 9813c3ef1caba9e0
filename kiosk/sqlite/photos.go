package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

var _ kiosk.PhotoStore = (*Venue)(nil)

// Photo returns a delegate's photo with its bytes; ENOTFOUND if the
// delegate has none, or its bytes have not arrived from the registry yet.
func (db *Venue) Photo(ctx context.Context, delegateID string) (kiosk.Photo, error) {
	p := kiosk.Photo{DelegateID: delegateID}
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT p.sha256, b.content_type, b.size, b.data, p.updated_us
		FROM delegate_photos p JOIN photo_blobs b ON b.sha256 = p.sha256 WHERE p.delegate_id = ?`, delegateID).
		Scan(&p.SHA256, &p.ContentType, &p.Size, &p.Data, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return kiosk.Photo{}, kiosk.Errorf(kiosk.ENOTFOUND, "no photo of %q on file", delegateID)
	} else if err != nil {
		return kiosk.Photo{}, fmt.Errorf("photo of %s: %w", delegateID, err)
	}
	p.Updated = fromMicros(updated)
	return p, nil
}

// PhotoBlob returns the photo stored under a hash, with its bytes;
// ENOTFOUND if there is none.
func (db *Venue) PhotoBlob(ctx context.Context, sha256 string) (kiosk.Photo, error) {
	p := kiosk.Photo{SHA256: sha256}
	err := db.read.QueryRowContext(ctx, `SELECT content_type, size, data FROM photo_blobs WHERE sha256 = ?`, sha256).
		Scan(&p.ContentType, &p.Size, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return kiosk.Photo{}, kiosk.Errorf(kiosk.ENOTFOUND, "no photo %s", sha256)
	} else if err != nil {
		return kiosk.Photo{}, fmt.Errorf("photo %s: %w", sha256, err)
	}
	return p, nil
}

// PhotoHashes returns every delegate with the hash of their photo ("" for
// none).
func (db *Venue) PhotoHashes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := sqlitedb.Each(ctx, db.read, func(r *sql.Rows) error {
		var id, sha string
		if err := r.Scan(&id, &sha); err != nil {
			return err
		}
		out[id] = sha
		return nil
	}, `SELECT d.id, coalesce(p.sha256, '') FROM delegates d LEFT JOIN delegate_photos p ON p.delegate_id = d.id`)
	if err != nil {
		return nil, fmt.Errorf("photo hashes: %w", err)
	}
	return out, nil
}

// ImportPhotos sets several delegates' photos in one transaction. EINVALID
// naming every delegate not on the roster, and then nothing is written.
func (db *Venue) ImportPhotos(ctx context.Context, photos []kiosk.Photo) (kiosk.PhotoImport, error) {
	var res kiosk.PhotoImport
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("import photos: %w", err)
	}
	defer tx.Rollback()
	ids, err := stringSet(ctx, tx, `SELECT id FROM delegates`)
	if err != nil {
		return res, fmt.Errorf("import photos: %w", err)
	}
	if err := kiosk.UnknownPhotoDelegates(photos, ids); err != nil {
		return res, err
	}
	now := db.Now()
	for _, p := range photos {
		outcome, err := setPhoto(ctx, tx, p, now)
		if err != nil {
			return res, fmt.Errorf("import photos: %w", err)
		}
		res.Count(outcome)
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("import photos: commit: %w", err)
	}
	return res, nil
}

// SetPhoto sets a delegate's photo, or removes it when p.SHA256 is "", in
// one transaction. ENOTFOUND for a delegate not on the roster.
func (db *Venue) SetPhoto(ctx context.Context, p kiosk.Photo) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("set photo: %w", err)
	}
	defer tx.Rollback()
	if err := requireDelegate(ctx, tx, p.DelegateID); err != nil {
		return err
	}
	if _, err := setPhoto(ctx, tx, p, db.Now()); err != nil {
		return fmt.Errorf("set photo of %s: %w", p.DelegateID, err)
	}
	return tx.Commit()
}

// setPhoto stores p's bytes (once per hash) and makes it the delegate's
// photo, or removes the delegate's photo when p.SHA256 is "". The mapping
// is rewritten only when the hash changes, so that the same photo again
// feeds nothing. Bytes no photo names any more go with the trigger of
// 0013_photos.sql.
func setPhoto(ctx context.Context, tx *sql.Tx, p kiosk.Photo, now time.Time) (kiosk.PhotoOutcome, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT sha256 FROM delegate_photos WHERE delegate_id = ?`, p.DelegateID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if p.SHA256 == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM delegate_photos WHERE delegate_id = ?`, p.DelegateID)
		return kiosk.PhotoOutcomeOf(old, ""), err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO photo_blobs (sha256, content_type, size, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, p.SHA256, p.ContentType, len(p.Data), p.Data); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO delegate_photos (delegate_id, sha256, content_type, size, updated_us)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (delegate_id) DO UPDATE SET sha256 = excluded.sha256,
		content_type = excluded.content_type, size = excluded.size, updated_us = excluded.updated_us
		WHERE delegate_photos.sha256 <> excluded.sha256`, p.DelegateID, p.SHA256, p.ContentType, len(p.Data), micros(now)); err != nil {
		return 0, err
	}
	return kiosk.PhotoOutcomeOf(old, p.SHA256), nil
}

// DeskPhoto sets a delegate's photo taken at the desk (or removes it, for
// p.SHA256 ""), with its audit entry and its event for the registry, in
// one transaction. ENOTFOUND for an unknown delegate.
func (db *DB) DeskPhoto(ctx context.Context, actor string, p kiosk.Photo) error {
	return db.update(ctx, "desk photo", func(tx *sql.Tx, now time.Time) error {
		if err := requireDelegate(ctx, tx, p.DelegateID); err != nil {
			return err
		}
		if _, err := setPhoto(ctx, tx, p, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO photo_events (id, delegate_id, sha256, at_us) VALUES (?, ?, ?, ?)`,
			db.NewID(), p.DelegateID, p.SHA256, micros(now)); err != nil {
			return fmt.Errorf("queue photo of %s: %w", p.DelegateID, err)
		}
		return insertAudit(ctx, tx, now, actor, kiosk.AuditPhoto(p))
	})
}

// PendingPhotoEvents returns up to limit undelivered desk photo events.
func (db *DB) PendingPhotoEvents(ctx context.Context, limit int) ([]kiosk.PhotoEvent, error) {
	return pending(ctx, db, "photo events", func(rows *sql.Rows) (kiosk.PhotoEvent, error) {
		var e kiosk.PhotoEvent
		var at int64
		err := rows.Scan(&e.ID, &e.DelegateID, &e.SHA256, &at)
		e.At = fromMicros(at)
		return e, err
	}, `SELECT id, delegate_id, sha256, at_us FROM photo_events WHERE synced = 0 ORDER BY at_us, id LIMIT ?`, limit)
}

// MarkPhotoEventsDelivered marks desk photo events as taken by the registry.
func (db *DB) MarkPhotoEventsDelivered(ctx context.Context, ids []string) error {
	return db.markDelivered(ctx, photoEventsOutbox, ids)
}

// MarkPhotoEventRefused parks a refused desk photo event.
func (db *DB) MarkPhotoEventRefused(ctx context.Context, id, why string) error {
	return db.markRefused(ctx, photoEventsOutbox, id, why)
}

// MissingPhotos returns up to limit hashes that delegates' photos name
// but whose bytes are not here yet.
func (db *DB) MissingPhotos(ctx context.Context, limit int) ([]string, error) {
	out, err := sqlitedb.Collect(ctx, db.read, func(r *sql.Rows) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	}, `SELECT DISTINCT p.sha256 FROM delegate_photos p WHERE NOT EXISTS (SELECT 1 FROM photo_blobs b WHERE b.sha256 = p.sha256)
		ORDER BY p.sha256 LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("missing photos: %w", err)
	}
	return out, nil
}

// PutPhotoBlobs stores fetched photos' bytes in one transaction, each only
// while a delegate's photo still names its hash (the feed may have moved
// on while it was fetched).
func (db *DB) PutPhotoBlobs(ctx context.Context, blobs []kiosk.Photo) error {
	if len(blobs) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store photos: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO photo_blobs (sha256, content_type, size, data)
		SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM delegate_photos WHERE sha256 = ?1) ON CONFLICT (sha256) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("store photos: %w", err)
	}
	defer st.Close()
	for _, b := range blobs {
		if _, err := st.ExecContext(ctx, b.SHA256, b.ContentType, len(b.Data), b.Data); err != nil {
			return fmt.Errorf("store photo %s: %w", b.SHA256, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store photos: commit: %w", err)
	}
	return nil
}

// photoHashOf returns the hash of a delegate's photo, "" for none or
// while its bytes are still on their way.
func photoHashOf(ctx context.Context, tx *sql.Tx, delegateID string) (string, error) {
	var sha string
	err := tx.QueryRowContext(ctx, `SELECT p.sha256 FROM delegate_photos p JOIN photo_blobs b ON b.sha256 = p.sha256
		WHERE p.delegate_id = ?`, delegateID).Scan(&sha)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return sha, err
}
