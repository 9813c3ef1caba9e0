package sqlite

import (
	"sync"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// DefaultProbeEvery is how often, while taps cannot be written and none
// comes to try, the tap writer tries a small write of its own: the
// kiosk's health comes back by itself when there is room again.
const DefaultProbeEvery = 5 * time.Second

// logEvery bounds the log while taps cannot be written: one line when it
// starts, then at most one a minute, then one when it ends; never one per
// tap (a full disk under a flood of taps once made 27,847 lines in 10 s).
const logEvery = time.Minute

// writeHealth is the tap writer's view of whether taps can be written.
type writeHealth struct {
	mu     sync.Mutex
	h      kiosk.StoreHealth
	failed int       // taps failed since the last log line
	total  int       // taps failed in this spell
	logged time.Time // the last log line of this spell
}

// WriteHealth says whether taps can be written now: not since a write
// failed, until one goes through (a tap, or the writer's own probe).
func (db *DB) WriteHealth() kiosk.StoreHealth {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	return db.health.h
}

// wrote records that a write went through. Called by the tap writer only.
func (db *DB) wrote() {
	w := &db.health
	w.mu.Lock()
	if w.h.OK {
		w.mu.Unlock()
		return
	}
	since, total := w.h.Since, w.total
	w.h, w.failed, w.total = kiosk.StoreHealth{OK: true}, 0, 0
	h := w.h
	w.mu.Unlock()
	db.Logger.Warn("taps are written again", "failed_taps", total, "down_for", db.Now().Sub(since).Round(time.Second))
	if db.OnWriteHealth != nil {
		db.OnWriteHealth(h)
	}
}

// writeFailed records a write that failed, taking taps taps with it (0
// for the probe), and logs it at most once a minute. It returns why, for
// the callers. Called by the tap writer only.
func (db *DB) writeFailed(err error, taps int) (reason string) {
	reason, _ = sqlitedb.StorageFailure(err)
	now := db.Now()
	w := &db.health
	w.mu.Lock()
	started, changed := w.h.OK, w.h.Reason != reason
	if started {
		w.h = kiosk.StoreHealth{Since: now}
		w.logged = now
	}
	w.h.Reason = reason
	w.failed += taps
	w.total += taps
	remind := !started && now.Sub(w.logged) >= logEvery
	failed, since := w.failed, w.h.Since
	if started || remind {
		w.failed, w.logged = 0, now
	}
	h := w.h
	w.mu.Unlock()
	switch {
	case started:
		db.Logger.Error("taps cannot be written: the kiosk is out of order", "reason", reason, "err", err)
	case remind:
		db.Logger.Error("taps still cannot be written", "reason", reason, "since", since, "failed_taps", failed, "err", err)
	}
	if changed && db.OnWriteHealth != nil {
		db.OnWriteHealth(h)
	}
	return reason
}

// failing reports whether the last write failed.
func (db *DB) failing() bool { return !db.WriteHealth().OK }

// sqlProbe is a write that, like a tap, needs new pages: a value larger
// than a page, removed again in the same transaction.
const sqlProbe = `INSERT INTO settings (key, value) VALUES ('kiosk.write_probe', hex(zeroblob(4096)))`

// probe tries a write while taps are failing and none comes.
func (db *DB) probe() {
	tx, err := db.write.Begin()
	if err == nil {
		defer tx.Rollback()
		if _, err = tx.Exec(sqlProbe); err == nil {
			if _, err = tx.Exec(`DELETE FROM settings WHERE key = 'kiosk.write_probe'`); err == nil {
				err = tx.Commit()
			}
		}
	}
	if err != nil {
		db.writeFailed(err, 0)
		return
	}
	db.wrote()
}

// unavailable is the error a tap gets when it cannot be written.
func unavailable(reason string) error {
	return kiosk.Errorf(kiosk.EUNAVAILABLE, "taps cannot be recorded now (%s): this kiosk is out of order", reason)
}
