// Package passbook issues and verifies a kiosk's QR passes.
//
// Every node signs with its own Ed25519 key, created at first start and
// kept in its database: a standalone kiosk, a kiosk under a registry (whose
// desk keeps issuing passes while the network is down) and the registry.
// The public keys travel the other way: a kiosk announces its key to the
// registry, which hands every trusted key to every kiosk through the change
// feed (kind "key"), so any entrance verifies any desk's pass offline; a
// key the registry withdraws (its kiosk's token was revoked) is no longer
// trusted, and a kiosk whose own key was withdrawn makes a new one
// (Rotate).
//
// A pass is known by a UID derived from its signature (PassUID). The desk
// (kiosk.DeskService) records it as its delegate's newest pass, and the
// registry announces it to every kiosk (kind "pass"), where it supersedes
// the delegate's older passes (revoked_badge).
package passbook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"checkin/badge/pass"
	"checkin/kiosk"
)

// Store keeps the kiosk's key and the trusted public keys.
type Store interface {
	kiosk.MeetingStore
	InitOwnPassKey(ctx context.Context, secret, id, public string) (string, error)
	ReplaceOwnPassKey(ctx context.Context, secret, id, public string) error
	PassKeys(ctx context.Context) ([]kiosk.PassKey, error)
}

var _ kiosk.PassSigner = (*Book)(nil)

// Book issues passes with the kiosk's key and verifies passes against the
// keys it trusts. It is safe for concurrent use.
type Book struct {
	store Store
	ring  *pass.Keyring
	now   func() time.Time

	// changing is held by Reload and Rotate for their whole run, so that
	// a reload that read the keys before a rotation cannot trust the
	// replaced key again.
	changing sync.Mutex

	mu      sync.RWMutex
	key     pass.Key
	meeting string
}

// Open loads (or, at first start, creates) the kiosk's signing key and the
// trusted keys.
func Open(ctx context.Context, store Store, now func() time.Time) (*Book, error) {
	if now == nil {
		now = time.Now
	}
	fresh, err := newKey()
	if err != nil {
		return nil, err
	}
	secret, err := store.InitOwnPassKey(ctx, fresh.Secret(), fresh.ID, fresh.Public().String())
	if err != nil {
		return nil, err
	}
	key, err := pass.ParseKey(secret)
	if err != nil {
		return nil, fmt.Errorf("passbook: stored key: %w", err)
	}
	b := &Book{store: store, key: key, ring: &pass.Keyring{Now: now}, now: now}
	if err := b.ring.Add(key.Public()); err != nil {
		return nil, err
	}
	if err := b.Reload(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

// newKey makes a signing key named "k" plus 9 random base64url
// characters: unique among the kiosks of a meeting without coordination.
func newKey() (pass.Key, error) {
	raw := make([]byte, 7)
	rand.Read(raw) // never fails (crypto/rand)
	return pass.NewKey("k" + base64.RawURLEncoding.EncodeToString(raw)[:9])
}

// PublicKey is this kiosk's verification key, to announce to the registry.
func (b *Book) PublicKey() pass.PublicKey {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.key.Public()
}

// ProveKey proves that the kiosk named holder holds this kiosk's key, for
// the registry to trust it (pass.Key.Prove).
func (b *Book) ProveKey(holder string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.key.Prove(holder)
}

// Rotate replaces the kiosk's signing key with a new one, after the
// registry withdrew it (the kiosk's token was revoked or replaced). The
// old key is no longer trusted here either: the passes it signed are
// invalid everywhere, and the desk issues new ones.
func (b *Book) Rotate(ctx context.Context) error {
	b.changing.Lock()
	defer b.changing.Unlock()
	fresh, err := newKey()
	if err != nil {
		return err
	}
	if err := b.store.ReplaceOwnPassKey(ctx, fresh.Secret(), fresh.ID, fresh.Public().String()); err != nil {
		return err
	}
	if err := b.ring.Add(fresh.Public()); err != nil {
		return err
	}
	b.mu.Lock()
	old := b.key.ID
	b.key = fresh
	b.mu.Unlock()
	b.ring.Remove(old)
	return nil
}

// Reload rereads the trusted keys and the meeting id, after sync changed
// them. A key no longer in the store (withdrawn by the registry) is no
// longer trusted.
func (b *Book) Reload(ctx context.Context) error {
	b.changing.Lock()
	defer b.changing.Unlock()
	keys, err := b.store.PassKeys(ctx)
	if err != nil {
		return err
	}
	// A bad key is reported, but does not keep the others out.
	var errs []error
	held := make(map[string]bool, len(keys))
	for _, k := range keys {
		pk, err := pass.ParsePublicKey(k.PublicKey)
		if err == nil {
			err = b.ring.Add(pk)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("passbook: key %s: %w", k.ID, err))
			continue
		}
		held[pk.ID] = true
	}
	held[b.PublicKey().ID] = true // the own key goes only by Rotate
	for _, k := range b.ring.Keys() {
		if !held[k.ID] {
			b.ring.Remove(k.ID)
		}
	}
	m, err := b.store.Meeting(ctx)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.meeting = MeetingID(m)
	b.mu.Unlock()
	return errors.Join(errs...)
}

// MeetingID is what passes of a meeting are bound to; a kiosk with no
// meeting id set (a quick standalone set-up) still issues passes that
// verify locally.
func MeetingID(m kiosk.Meeting) string {
	if m.ID == "" {
		return "checkin"
	}
	return m.ID
}

// SignPass signs a fresh pass for a delegate; recording it is the desk's
// part.
func (b *Book) SignPass(delegateID string) (kiosk.IssuedPass, error) {
	b.mu.RLock()
	key, meeting := b.key, b.meeting
	b.mu.RUnlock()
	token, p, err := pass.Issue(key, delegateID, meeting, b.now())
	if err != nil {
		return kiosk.IssuedPass{}, kiosk.Errorf(kiosk.EINVALID, "cannot issue a pass: %v", err)
	}
	return kiosk.IssuedPass{Token: token, ID: p.ID, UID: PassUID(p), IssuedAt: p.IssuedAt}, nil
}

// VerifyPass checks a scanned token offline. Anything that does not verify
// (altered, foreign, unsigned, unknown key) is an invalid pass.
func (b *Book) VerifyPass(token string) kiosk.Credential {
	b.mu.RLock()
	meeting := b.meeting
	b.mu.RUnlock()
	p, err := b.ring.Verify(strings.TrimSpace(token), meeting)
	if err != nil {
		return kiosk.Credential{PassInvalid: true}
	}
	return kiosk.Credential{UID: PassUID(p), PassDelegate: p.DelegateID, PassIssued: p.IssuedAt}
}

// PassUID is the badge UID a pass is recorded under: its pass id (12 bytes
// of the signature's hash) in the canonical upper-case hex of RFID UIDs,
// 24 digits, longer than any RFID UID in use.
func PassUID(p pass.Pass) string {
	raw, err := base64.RawURLEncoding.DecodeString(p.ID)
	if err != nil { // a Pass from Verify or Issue always has a valid id
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(raw))
}
