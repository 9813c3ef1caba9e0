package doctor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"checkin/assets"
	"checkin/kiosk/buildinfo"
	"checkin/sync/registry"
	regsqlite "checkin/sync/registry/sqlite"
)

// testRegistry is a real registry server on a SQLite store, with a token
// for kiosk north.
type testRegistry struct {
	url   string
	store *regsqlite.Store
}

const northToken = "north-token-0123456789"

func startRegistry(t *testing.T, tlsConfig *tls.Config) *testRegistry {
	t.Helper()
	store, err := regsqlite.Open(filepath.Join(t.TempDir(), "registry.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.AddToken(context.Background(), "north", northToken); err != nil {
		t.Fatal(err)
	}
	s := registry.NewServer()
	s.Addr = "127.0.0.1:0"
	s.Store = store
	s.Assets = assets.FS()
	s.Logger = slog.New(slog.DiscardHandler)
	s.TLS = tlsConfig
	s.Build = buildinfo.Info{Version: "1.0.0"}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-ran
		s.Close(context.Background())
	})
	return &testRegistry{url: s.URL(), store: store}
}

// selfSigned makes a certificate for 127.0.0.1 and writes it as PEM.
func selfSigned(t *testing.T) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "registry.venue"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "registry.crt")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, file
}

func tokenFile(t *testing.T, token string, mode os.FileMode) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "kiosk.token")
	if err := os.WriteFile(f, []byte(token+"\n"), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(f, mode)
	return f
}

// closedURL is a loopback URL nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "http://" + ln.Addr().String()
}

func TestRegistry(t *testing.T) {
	reg := startRegistry(t, nil)
	good := tokenFile(t, northToken, 0o600)
	wrong := tokenFile(t, "not-a-token-of-this-venue", 0o600)
	tests := []struct {
		name        string
		cfg         Config
		status      Status
		detail, fix string
	}{
		{"token file", Config{Registry: reg.url, TokenFile: good}, OK, "the token is kiosk north's", ""},
		{"token in the environment", Config{Registry: reg.url, Token: northToken}, OK, "the token is kiosk north's", ""},
		{"wrong token", Config{Registry: reg.url, TokenFile: wrong, KioskID: "north"}, Fail, "the registry refused this kiosk's token",
			"at the registry: checkin token add --data REGDIR --kiosk north, then put the new token in " + wrong + " (chmod 600)"},
		{"token readable by others", Config{Registry: reg.url, TokenFile: tokenFile(t, northToken, 0o644)}, Fail, "is readable by others (mode 0644)", "chmod 600 "},
		{"no token file", Config{Registry: reg.url, TokenFile: "/nonexistent/kiosk.token"}, Fail, "does not exist", "checkin token add"},
		{"no token", Config{Registry: reg.url}, Fail, "no token", "CHECKIN_TOKEN_FILE"},
		{"kiosk id of another", Config{Registry: reg.url, TokenFile: good, KioskID: "south"}, Fail,
			"the token is kiosk north's, but CHECKIN_KIOSK_ID is south", "leave CHECKIN_KIOSK_ID out"},
		{"unreachable", Config{Registry: closedURL(t), TokenFile: good}, Fail, "unreachable: ", "systemctl status checkin-registry"},
		{"not a URL", Config{Registry: "registry.venue:8090", TokenFile: good}, Fail, "not an http(s) URL", "CHECKIN_REGISTRY=https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks, _ := checkRegistries(context.Background(), tt.cfg)
			wantCheck(t, only(t, checks), tt.status, tt.detail, tt.fix)
		})
	}

	// Two registries: the one down fails, the other answers with its clock.
	checks, clock := checkRegistries(context.Background(), Config{Registry: closedURL(t) + "," + reg.url, TokenFile: good})
	if len(checks) != 2 || checks[0].Status != Fail || checks[1].Status != OK {
		t.Errorf("two registries: %+v", checks)
	}
	if clock == nil || clock.url != reg.url {
		t.Fatalf("clock sample %+v, want one from %s", clock, reg.url)
	}
	wantCheck(t, checkClock(clock), OK, "within 2s of "+reg.url, "")

	if err := reg.store.RevokeToken(context.Background(), "north"); err != nil {
		t.Fatal(err)
	}
	checks, _ = checkRegistries(context.Background(), Config{Registry: reg.url, TokenFile: good})
	wantCheck(t, only(t, checks), Fail, "the registry refused this kiosk's token: it was revoked", "checkin token add")
}

// TestRegistryBox: on a registry box (its registry.env) the running
// check finds the registry.
func TestRegistryBox(t *testing.T) {
	reg := startRegistry(t, nil)
	addr := strings.TrimPrefix(reg.url, "http://")
	c, h := checkKioskRunning(context.Background(), Config{Addr: addr, Version: "1.0.0"})
	wantCheck(t, c, OK, reg.url+" is a registry, version 1.0.0, status ok, 0 delegates", "")
	if h == nil || len(h.Readers) != 0 {
		t.Errorf("health %+v", h)
	}
	// Updated, not restarted.
	c, _ = checkKioskRunning(context.Background(), Config{Addr: addr, Version: "1.1.0"})
	wantCheck(t, c, Warn, "this checkin is version 1.1.0", "systemctl restart checkin-registry")
}

func TestRegistryTLS(t *testing.T) {
	serverTLS, cert := selfSigned(t)
	reg := startRegistry(t, serverTLS)
	_, otherCert := selfSigned(t)
	good := tokenFile(t, northToken, 0o600)
	tests := []struct {
		name        string
		ca          string
		status      Status
		detail, fix string
	}{
		{"trusted", cert, OK, "the token is kiosk north's", ""},
		{"system roots", "", Fail, "its certificate does not verify: ", "CHECKIN_REGISTRY_CA=/etc/checkin/registry.crt"},
		{"another certificate", otherCert, Fail, "its certificate does not verify against " + otherCert, "copy the registry's current certificate"},
		{"not a certificate", good, Fail, "holds no PEM certificate", "the .crt, not the .key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checks, _ := checkRegistries(context.Background(), Config{Registry: reg.url, TokenFile: good, RegistryCA: tt.ca})
			wantCheck(t, only(t, checks), tt.status, tt.detail, tt.fix)
		})
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		offset      time.Duration
		status      Status
		detail, fix string
	}{
		{1500 * time.Millisecond, OK, "within 2s of http://r", ""},
		{-1900 * time.Millisecond, OK, "within 2s", ""},
		{5 * time.Second, Warn, "this machine is 5s behind http://r", "timedatectl set-ntp true"},
		{-3 * time.Minute, Warn, "this machine is 3m0s ahead of http://r", "chrony"},
	}
	for _, tt := range tests {
		wantCheck(t, checkClock(&clockSample{url: "http://r", offset: tt.offset}), tt.status, tt.detail, tt.fix)
	}
	if c := checkClock(nil); c.Status != Skip {
		t.Errorf("no registry: %s, want skip", c.Status)
	}
}
