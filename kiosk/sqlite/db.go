// Package sqlite implements the kiosk's stores on a local SQLite database
// (modernc.org/sqlite, pure Go, on the shared base kiosk/sqlitedb): the
// venue's data both roles keep (Venue), and the kiosk's own taps,
// committed in groups, desk records and outbox.
package sqlite

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"checkin/kiosk"
	"checkin/kiosk/sqlitedb"
)

// Interface checks.
var (
	_ kiosk.TapStore      = (*DB)(nil)
	_ kiosk.RosterStore   = (*DB)(nil)
	_ kiosk.ScheduleStore = (*DB)(nil)
	_ kiosk.MeetingStore  = (*DB)(nil)
)

// kioskSchema is what only a kiosk keeps: the outbox of taps and desk
// events still to deliver to the registry.
//
//go:embed schema/kiosk/*.sql
var kioskSchema embed.FS

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("database closed")

// DB is the kiosk's SQLite database: the venue's data (Venue) plus taps,
// committed in groups by one writer goroutine, the desk's records and the
// outbox.
type DB struct {
	*Venue
	NewID func() string // ids of queued desk events; time-ordered

	// MaxBatch bounds how many taps one commit carries.
	MaxBatch int
	// ProbeEvery is how often the tap writer tries a write of its own while
	// taps cannot be written (DefaultProbeEvery).
	ProbeEvery time.Duration
	// OnWriteHealth, if set (before the first tap), is told each change of
	// WriteHealth, from the tap writer: it must not block.
	OnWriteHealth func(kiosk.StoreHealth)
	// OnOccupancy, if set (before Open), is told the rooms whose count of
	// people inside changed, once committed: it must not block.
	OnOccupancy func(rooms []string)

	health writeHealth

	writeStmts, readStmts *tapStmts

	taps    chan tapRequest
	closing chan struct{}
	done    chan struct{}
	once    sync.Once

	scheduleChanged sqlitedb.Broadcast
	scheduleDone    chan struct{}

	roomsMu sync.Mutex
	rooms   cachedRooms
	occ     kiosk.Occupancy // today's people inside each room
	occLoad sync.Mutex      // one load of occ at a time
}

// NewDB returns a DB for the file at path; call Open before use.
func NewDB(path string) *DB {
	base := sqlitedb.New(path, VenueSchema(), sub(kioskSchema, "schema/kiosk"))
	// The one writer gets a larger page cache (32 MB, filled only as used):
	// inserts into big tap tables touch several B-trees each.
	base.CacheKiB = 32 << 10
	return &DB{
		Venue:      NewVenue(base),
		NewID:      kiosk.NewID,
		MaxBatch:   256,
		ProbeEvery: DefaultProbeEvery,
		health:     writeHealth{h: kiosk.StoreHealth{OK: true}},
	}
}

// Open opens the database, applies migrations and starts the tap writer
// and the schedule follower.
func (db *DB) Open() error {
	if err := db.Venue.Open(); err != nil {
		return err
	}
	ctx := context.Background()
	var err error
	if db.writeStmts, err = prepareTapStmts(ctx, db.write, true); err == nil {
		db.readStmts, err = prepareTapStmts(ctx, db.read, false)
	}
	if err != nil {
		db.Venue.Close()
		return fmt.Errorf("prepare statements: %w", err)
	}
	db.taps = make(chan tapRequest)
	db.closing = make(chan struct{})
	db.done = make(chan struct{})
	go db.runTapWriter()
	changed := db.Notify()
	version, err := db.ScheduleVersion(ctx)
	if err != nil {
		close(db.closing)
		<-db.done
		db.Venue.Close()
		return err
	}
	db.scheduleDone = make(chan struct{})
	go db.followSchedule(changed, version)
	return nil
}

// Close stops the tap writer after the taps already handed to it are
// committed, then closes the database.
func (db *DB) Close() error {
	if db.write == nil {
		return nil
	}
	db.once.Do(func() { close(db.closing) })
	<-db.done
	<-db.scheduleDone
	return db.Venue.Close()
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
