package kiosk

import "github.com/google/uuid"

// NewID returns a new UUIDv7, the id of a tap or a desk event. The kiosk
// that makes the event chooses its id, so that delivery can be retried
// freely and stored once; UUIDv7s are time-ordered, so ids sort by
// creation.
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil { // only if the system's random source fails
		return uuid.NewString()
	}
	return id.String()
}
