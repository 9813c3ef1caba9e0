package serialreader

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"checkin/badge"
	"checkin/badge/osdp"
)

// ErrNoKey is wrapped by the start-up error of an OSDP reader that should
// run in Secure Channel but has neither a key given nor a key stored.
var ErrNoKey = errors.New("no secure-channel key")

// keyFile keeps one OSDP reader's SCBK in the data directory, in
// osdp-keys/ (0700), one file per reader named after its port identity
// and address (a usb:VID:PID:SERIAL port keeps its key when it comes back
// under another path). A key being installed is written as .pending
// first and renamed to .key once the reader has acknowledged it, so that
// a kiosk killed in between still knows both. Files are 0600 and written
// whole (temporary file, fsync, rename).
type keyFile struct {
	dir  string
	base string // file name without extension
}

func newKeyFile(dataDir string, spec badge.Spec) *keyFile {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return '_'
	}, strings.TrimPrefix(spec.Port, "/dev/"))
	return &keyFile{dir: filepath.Join(dataDir, "osdp-keys"), base: fmt.Sprintf("%s@%d", name, spec.Address)}
}

func (k *keyFile) path(ext string) string { return filepath.Join(k.dir, k.base+ext) }

// Keys returns the stored key and then a pending one, those that exist,
// and how many of them are committed (the stored key: 0 or 1).
func (k *keyFile) Keys() (keys []osdp.Key, committed int, err error) {
	for _, ext := range []string{".key", ".pending"} {
		b, err := os.ReadFile(k.path(ext))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read OSDP key: %w", err)
		}
		raw, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(raw) != osdp.KeySize {
			return nil, 0, fmt.Errorf("OSDP key file %s: want 32 hex digits", k.path(ext))
		}
		keys = append(keys, osdp.Key(raw))
		if ext == ".key" {
			committed = 1
		}
	}
	return keys, committed, nil
}

// Pending writes a key about to be sent with osdp_KEYSET.
func (k *keyFile) Pending(key osdp.Key) error {
	return k.write(".pending", key)
}

// Commit makes the key the reader acknowledged the stored one.
func (k *keyFile) Commit(key osdp.Key) error {
	if err := k.write(".key", key); err != nil {
		return err
	}
	if err := os.Remove(k.path(".pending")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove pending OSDP key: %w", err)
	}
	return nil
}

func (k *keyFile) write(ext string, key osdp.Key) error {
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return fmt.Errorf("store OSDP key: %w", err)
	}
	tmp, err := os.CreateTemp(k.dir, k.base+".tmp*")
	if err != nil {
		return fmt.Errorf("store OSDP key: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	_, err = tmp.WriteString(strings.ToUpper(hex.EncodeToString(key[:])) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), k.path(ext))
	}
	if err != nil {
		return fmt.Errorf("store OSDP key: %w", err)
	}
	if d, err := os.Open(k.dir); err == nil { // make the rename durable
		d.Sync()
		d.Close()
	}
	return nil
}

// osdpConfig turns a format=osdp spec into the panel's reader
// configuration: secure=off plain; scbk=HEX32 that key; scbk=install the
// stored keys, then SCBK-D to set a fresh one; nothing the stored keys,
// which must exist.
func osdpConfig(spec badge.Spec, dataDir string) (osdp.ReaderConfig, error) {
	cfg := osdp.ReaderConfig{Addr: byte(spec.Address), Secure: !spec.SecureOff}
	switch {
	case spec.SecureOff:
		return cfg, nil
	case spec.SCBK != "" && spec.SCBK != badge.SCBKInstall:
		raw, err := hex.DecodeString(spec.SCBK)
		if err != nil || len(raw) != osdp.KeySize {
			return cfg, fmt.Errorf("reader %s: scbk= is not 32 hex digits", spec.Name())
		}
		cfg.Keys = []osdp.Key{osdp.Key(raw)}
		return cfg, nil
	}
	if dataDir == "" {
		return cfg, fmt.Errorf("reader %s: %w: there is no data directory to keep keys in; give scbk=HEX32 or secure=off", spec.Name(), ErrNoKey)
	}
	store := newKeyFile(dataDir, spec)
	keys, committed, err := store.Keys()
	if err != nil {
		return cfg, fmt.Errorf("reader %s: %w", spec.Name(), err)
	}
	cfg.Keys, cfg.Committed, cfg.Store = keys, committed, store
	cfg.Install = spec.SCBK == badge.SCBKInstall
	if len(keys) == 0 && !cfg.Install {
		return cfg, fmt.Errorf("reader %s: %w stored for it in %s: give scbk=HEX32 (the reader's key), scbk=install (a reader in install mode: the kiosk sets and keeps a fresh key) or secure=off (plain OSDP)",
			spec.Name(), ErrNoKey, store.dir)
	}
	return cfg, nil
}
