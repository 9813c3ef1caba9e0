package doctor

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// writePair writes a certificate valid from..until for names and its key
// (0600) into dir, and returns their paths.
func writePair(t *testing.T, dir, name string, from, until time.Time, dns []string, ips []net.IP) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registry.venue"},
		NotBefore: from, NotAfter: until, DNSNames: dns, IPAddresses: ips,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func TestCheckTLS(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2027, 3, 16, 8, 0, 0, 0, time.UTC)
	venue := []string{"registry.venue"}
	ip := []net.IP{net.ParseIP("10.0.0.5")}
	goodCert, goodKey := writePair(t, dir, "good", now.AddDate(0, -1, 0), now.AddDate(2, 0, 0), venue, ip)
	soonCert, soonKey := writePair(t, dir, "soon", now.AddDate(0, -1, 0), now.AddDate(0, 0, 10), venue, nil)
	oldCert, oldKey := writePair(t, dir, "old", now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1), venue, nil)
	bareCert, bareKey := writePair(t, dir, "bare", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0), nil, nil)
	_, otherKey := writePair(t, dir, "other", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0), venue, nil)
	looseCert, looseKey := writePair(t, dir, "loose", now.AddDate(0, -1, 0), now.AddDate(1, 0, 0), venue, nil)
	if err := os.Chmod(looseKey, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, cert, key string
		status          Status
		detail, fix     string
	}{
		{"not a registry", "", "", Skip, "no --tls-cert", ""},
		{"key without certificate", "", goodKey, Fail, "go together", "CHECKIN_TLS_CERT"},
		{"missing file", filepath.Join(dir, "nope.crt"), goodKey, Fail, "nope.crt does not exist", "docs/registry.md"},
		{"good", goodCert, goodKey, OK, "for registry.venue, 10.0.0.5, until 2029-03-16", ""},
		{"expires soon", soonCert, soonKey, Warn, "expires on 2027-03-26", "copy it to every kiosk"},
		{"expired", oldCert, oldKey, Fail, "expired on 2027-03-15", "make a new certificate"},
		{"no names", bareCert, bareKey, Fail, "names no host", "subjectAltName"},
		{"key of another certificate", goodCert, otherKey, Fail, "private key does not match", "private key it was made with"},
		{"key others may read", looseCert, looseKey, Fail, "may be read by others (0644)", "chmod 600 " + looseKey},
	}
	for _, tt := range tests {
		c := checkTLS(tt.cert, tt.key, nil, now)
		if c.ID != IDTLS || c.Status != tt.status || !strings.Contains(c.Detail, tt.detail) || !strings.Contains(c.Fix, tt.fix) {
			t.Errorf("%s: %+v; want %s, detail ~%q, fix ~%q", tt.name, c, tt.status, tt.detail, tt.fix)
		}
	}
}

// TestCheckTLSServiceUser: a key the service's user cannot read (left to
// root by whoever made it) is a blocker naming the chown; given to the
// user, it passes. "nobody" stands in for the service's user; chown needs
// root (CI runs as root).
func TestCheckTLSServiceUser(t *testing.T) {
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root; this test needs it")
		}
		t.Skip("SKIPPED LOUDLY: needs root to give the key to another user")
	}
	dir := t.TempDir()
	now := time.Now()
	cert, key := writePair(t, dir, "reg", now.Add(-time.Hour), now.AddDate(1, 0, 0), []string{"registry.venue"}, nil)
	c := checkTLS(cert, key, u, now)
	if c.Status != Fail || !strings.Contains(c.Detail, "nobody cannot read "+key) || c.Fix != "chown nobody: "+key {
		t.Errorf("key left to root: %+v", c)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(key, uid, gid); err != nil {
		t.Fatal(err)
	}
	if c := checkTLS(cert, key, u, now); c.Status != OK {
		t.Errorf("key given to the service's user: %+v", c)
	}
}

// TestRunningRegistryOverHTTPS: on a registry box with a certificate, the
// running check asks its own registry over HTTPS (loopback, where the
// certificate's names cannot match).
func TestRunningRegistryOverHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte(`{"status":"ok","role":"registry","version":"0.16.0","delegates":13}`))
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	c, h := checkKioskRunning(context.Background(), Config{Addr: addr})
	if c.Status != Warn || h != nil {
		t.Errorf("without a certificate configured, plain HTTP: %+v", c)
	}
	c, h = checkKioskRunning(context.Background(), Config{Addr: addr, TLSCert: "/etc/checkin/registry.crt", TLSKey: "/etc/checkin/registry.key"})
	if c.Status != OK || h == nil || !strings.Contains(c.Detail, "https://"+addr+" is a registry") {
		t.Errorf("with a certificate configured: %+v", c)
	}
}
