package kiosk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // the decoders CheckPhoto accepts
	_ "image/png"
	"net/http"
	"strings"
	"time"
)

// Photo limits. A desk webcam's JPEG is 50-300 KB and a passport-style
// scan under 2 MB; 5 MB admits a phone's photo while 2,000 of them still
// fit a kiosk's disk. The sides bound what one decode may allocate (a
// small PNG can declare a huge image): 4096×4096 is 64 MB decoded at
// most, and a phone's 4032×3024 fits.
const (
	MaxPhotoBytes = 5 << 20
	MaxPhotoSide  = 4096 // pixels, either side
	MinPhotoSide  = 32
)

// Photo content types.
const (
	PhotoJPEG = "image/jpeg"
	PhotoPNG  = "image/png"
)

// Photo is a delegate's photo: its bytes (nil when only its identity was
// read) named by their SHA-256 in lower-case hex.
type Photo struct {
	DelegateID  string
	SHA256      string
	ContentType string
	Size        int
	Data        []byte
	Updated     time.Time
}

// PhotoImport counts what an import of photos did (or would do).
type PhotoImport struct {
	Added, Changed, Unchanged int
}

// PhotoHash returns the SHA-256 of data in lower-case hex, the name a
// photo's bytes are stored and fetched under.
func PhotoHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ValidPhotoHash reports whether s is a SHA-256 in lower-case hex.
func ValidPhotoHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CheckPhoto checks that data is a JPEG or PNG image a badge and a guard
// can use, and returns its content type. The type is what the bytes are
// (sniffed, then decoded), never what a file name or header claims.
// Returns EINVALID, saying why.
func CheckPhoto(data []byte) (contentType string, err error) {
	if len(data) == 0 {
		return "", Errorf(EINVALID, "photo is empty")
	}
	if len(data) > MaxPhotoBytes {
		return "", Errorf(EINVALID, "photo is %d bytes; at most %d (%d MB)", len(data), MaxPhotoBytes, MaxPhotoBytes>>20)
	}
	switch ct := http.DetectContentType(data); ct {
	case PhotoJPEG, PhotoPNG:
		contentType = ct
	default:
		return "", Errorf(EINVALID, "photo is %s, not JPEG or PNG", ct)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", Errorf(EINVALID, "photo cannot be read as an image: %v", err)
	}
	if "image/"+format != contentType {
		return "", Errorf(EINVALID, "photo looks like %s but decodes as %s", contentType, format)
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
		return "", Errorf(EINVALID, "photo is %d×%d pixels; each side must be %d to %d", cfg.Width, cfg.Height, MinPhotoSide, MaxPhotoSide)
	}
	// The whole image, not only its header: a truncated file is caught
	// here, not on a badge or at the guard's screen.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", Errorf(EINVALID, "photo is damaged: %v", err)
	}
	return contentType, nil
}

// NewPhoto checks data (CheckPhoto) and returns it as a delegate's photo.
func NewPhoto(delegateID string, data []byte) (Photo, error) {
	ct, err := CheckPhoto(data)
	if err != nil {
		return Photo{}, err
	}
	return Photo{DelegateID: delegateID, SHA256: PhotoHash(data), ContentType: ct, Size: len(data), Data: data}, nil
}

// PhotoStore keeps delegates' photos: a delegate's current photo by its
// hash, and the bytes by hash, each stored once however many delegates or
// changes name it.
type PhotoStore interface {
	// Photo returns a delegate's photo with its bytes; ENOTFOUND if the
	// delegate has none (or its bytes have not arrived yet).
	Photo(ctx context.Context, delegateID string) (Photo, error)
	// PhotoHashes returns every delegate on the roster, each with the
	// hash of their photo ("" for none).
	PhotoHashes(ctx context.Context) (map[string]string, error)
	// ImportPhotos sets the photos of several delegates in one
	// transaction: all or none. EINVALID naming the delegates not on the
	// roster.
	ImportPhotos(ctx context.Context, photos []Photo) (PhotoImport, error)
}

// PhotoEvent is a photo set (SHA256) or removed ("") at a desk, queued
// for the registry.
type PhotoEvent struct {
	ID         string
	DelegateID string
	SHA256     string
	At         time.Time
}

// AuditPhoto is the audit entry of a photo set or removed at the desk.
func AuditPhoto(p Photo) AuditEntry {
	if p.SHA256 == "" {
		return AuditEntry{Action: "photo.remove", Detail: p.DelegateID}
	}
	return AuditEntry{Action: "photo.set", Detail: fmt.Sprintf("%s %s %d bytes", p.DelegateID, p.SHA256[:12], p.Size)}
}

// PhotoOutcome is what setting one delegate's photo did.
type PhotoOutcome int

// Photo outcomes.
const (
	PhotoUnchanged PhotoOutcome = iota
	PhotoAdded
	PhotoChanged
	PhotoRemoved
)

// PhotoOutcomeOf says what replacing a photo of hash old ("" for none) by
// one of hash sha ("" to remove it) does.
func PhotoOutcomeOf(old, sha string) PhotoOutcome {
	switch {
	case old == sha:
		return PhotoUnchanged
	case old == "":
		return PhotoAdded
	case sha == "":
		return PhotoRemoved
	}
	return PhotoChanged
}

// Count adds one photo's outcome to the counts.
func (r *PhotoImport) Count(o PhotoOutcome) {
	switch o {
	case PhotoAdded:
		r.Added++
	case PhotoChanged:
		r.Changed++
	case PhotoUnchanged:
		r.Unchanged++
	}
}

// UnknownPhotoDelegates returns EINVALID naming the photos' delegates that
// are not in roster (up to ten, and how many in all); nil if all are.
func UnknownPhotoDelegates(photos []Photo, roster map[string]bool) error {
	var unknown []string
	for _, p := range photos {
		if !roster[p.DelegateID] {
			unknown = append(unknown, p.DelegateID)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	more := ""
	if len(unknown) > 10 {
		more = fmt.Sprintf(" and %d more", len(unknown)-10)
		unknown = unknown[:10]
	}
	return Errorf(EINVALID, "no delegate on the roster with id %s%s", strings.Join(unknown, ", "), more)
}
