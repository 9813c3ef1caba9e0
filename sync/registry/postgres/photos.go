package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"checkin/kiosk"
)

// Photo returns a delegate's photo with its bytes; ENOTFOUND if none.
func (s *Store) Photo(ctx context.Context, delegateID string) (kiosk.Photo, error) {
	p := kiosk.Photo{DelegateID: delegateID}
	var updated int64
	err := s.pool.QueryRow(ctx, `SELECT p.sha256, b.content_type, b.size, b.data, p.updated_us
		FROM delegate_photos p JOIN photo_blobs b ON b.sha256 = p.sha256 WHERE p.delegate_id = $1`, delegateID).
		Scan(&p.SHA256, &p.ContentType, &p.Size, &p.Data, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return kiosk.Photo{}, kiosk.Errorf(kiosk.ENOTFOUND, "no photo of %q on file", delegateID)
	} else if err != nil {
		return kiosk.Photo{}, wrap("photo of "+delegateID, err)
	}
	p.Updated = timeOf(updated)
	return p, nil
}

// PhotoBlob returns the photo stored under a hash, with its bytes;
// ENOTFOUND if there is none.
func (s *Store) PhotoBlob(ctx context.Context, sha256 string) (kiosk.Photo, error) {
	p := kiosk.Photo{SHA256: sha256}
	err := s.pool.QueryRow(ctx, `SELECT content_type, size, data FROM photo_blobs WHERE sha256 = $1`, sha256).
		Scan(&p.ContentType, &p.Size, &p.Data)
	if errors.Is(err, pgx.ErrNoRows) {
		return kiosk.Photo{}, kiosk.Errorf(kiosk.ENOTFOUND, "no photo %s", sha256)
	} else if err != nil {
		return kiosk.Photo{}, wrap("photo "+sha256, err)
	}
	return p, nil
}

// PhotoHashes returns every delegate with the hash of their photo ("" for
// none).
func (s *Store) PhotoHashes(ctx context.Context) (map[string]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT d.id, coalesce(p.sha256, '') FROM delegates d LEFT JOIN delegate_photos p ON p.delegate_id = d.id`)
	out := map[string]string{}
	var id, sha string
	_, err := pgx.ForEachRow(rows, []any{&id, &sha}, func() error {
		out[id] = sha
		return nil
	})
	if err != nil {
		return nil, wrap("photo hashes", err)
	}
	return out, nil
}

// ImportPhotos sets several delegates' photos in one transaction. EINVALID
// naming every delegate not on the roster, and then nothing is written.
func (s *Store) ImportPhotos(ctx context.Context, photos []kiosk.Photo) (kiosk.PhotoImport, error) {
	var res kiosk.PhotoImport
	err := s.update(ctx, "import photos", func(tx pgx.Tx, now time.Time) error {
		res = kiosk.PhotoImport{}
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		roster, err := rosterIDs(ctx, tx)
		if err != nil {
			return err
		}
		if err := kiosk.UnknownPhotoDelegates(photos, roster); err != nil {
			return err
		}
		for _, p := range photos {
			o, err := setPhoto(ctx, tx, p, now)
			if err != nil {
				return err
			}
			res.Count(o)
		}
		return nil
	})
	return res, err
}

// SetPhoto sets a delegate's photo, or removes it when p.SHA256 is "".
// ENOTFOUND for a delegate not on the roster.
func (s *Store) SetPhoto(ctx context.Context, p kiosk.Photo) error {
	return s.update(ctx, "set photo", func(tx pgx.Tx, now time.Time) error {
		if err := lockChangeLog(ctx, tx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM delegates WHERE id = $1`, p.DelegateID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return kiosk.Errorf(kiosk.ENOTFOUND, "no delegate with id %q", p.DelegateID)
		}
		_, err := setPhoto(ctx, tx, p, now)
		return err
	})
}

// setPhoto is the SQLite store's: the bytes once per hash, the mapping
// rewritten only when the hash changes.
func setPhoto(ctx context.Context, tx pgx.Tx, p kiosk.Photo, now time.Time) (kiosk.PhotoOutcome, error) {
	var old string
	err := tx.QueryRow(ctx, `SELECT sha256 FROM delegate_photos WHERE delegate_id = $1`, p.DelegateID).Scan(&old)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, err
	}
	if p.SHA256 == "" {
		_, err := tx.Exec(ctx, `DELETE FROM delegate_photos WHERE delegate_id = $1`, p.DelegateID)
		return kiosk.PhotoOutcomeOf(old, ""), err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO photo_blobs (sha256, content_type, size, data) VALUES ($1, $2, $3, $4)
		ON CONFLICT (sha256) DO NOTHING`, p.SHA256, p.ContentType, len(p.Data), p.Data); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO delegate_photos (delegate_id, sha256, content_type, size, updated_us)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delegate_id) DO UPDATE SET sha256 = excluded.sha256,
		content_type = excluded.content_type, size = excluded.size, updated_us = excluded.updated_us
		WHERE delegate_photos.sha256 <> excluded.sha256`, p.DelegateID, p.SHA256, p.ContentType, len(p.Data), now.UnixMicro()); err != nil {
		return 0, err
	}
	return kiosk.PhotoOutcomeOf(old, p.SHA256), nil
}
